import { describe, expect, it } from 'vitest';
import { ImportPlan, LIST_MAX } from '../plan';

// The preview is built before anything is written: these plans are never committed.
const unused = {
  createMany: () => Promise.reject(new Error('not committed in this test')),
  logImport: () => Promise.reject(new Error('not committed in this test')),
};

describe('ImportPlan preview', () => {
  it('keeps exact counts but lists at most LIST_MAX problems and duplicates, and carries no secret', () => {
    const lines = ['name,url,username,password,note'];
    for (let i = 0; i < 600; i++) lines.push(`,,,secret-${i},private note`); // no title: a problem each
    for (let i = 0; i < 600; i++) lines.push(`Same,https://same.example,u,secret-dup,private note`);
    const plan = ImportPlan.read(unused, '00000000-0000-4000-8000-000000000001', lines.join('\n'), []);
    const p = plan.preview;
    expect(p).toMatchObject({ rows: 1200, ready: 1, problemLines: 600, duplicateCount: 599 });
    expect(p.problems).toHaveLength(LIST_MAX);
    expect(p.duplicates).toHaveLength(LIST_MAX);
    expect(p.duplicates[0]).toMatchObject({ line: 603, of: 602 });
    const json = JSON.stringify(p);
    expect(json).not.toContain('secret-');
    expect(json).not.toContain('private note');
  });
});
