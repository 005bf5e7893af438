import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicJsonFile, SerialQueue } from './atomic-file';

const root = await mkdtemp(join(tmpdir(), 'keyroom-atomic-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('AtomicJsonFile', () => {
  it('never lets a reader see half a document while large writes replace it', async () => {
    const dir = await mkdtemp(join(root, 'a-'));
    const file = new AtomicJsonFile(join(dir, 'doc.json'));
    await file.write({ n: -1, pad: '' });
    const writes = Array.from({ length: 15 }, (_, n) => file.write({ n, pad: 'x'.repeat(1 << 20) }));
    let done = false;
    const all = Promise.all(writes).then(() => {
      done = true;
    });
    let reads = 0;
    while (!done) {
      const doc = JSON.parse(await readFile(join(dir, 'doc.json'), 'utf8')) as { n: number };
      expect(doc.n).toBeGreaterThanOrEqual(-1);
      reads++;
    }
    await all;
    expect(reads).toBeGreaterThan(0);
    expect(((await file.read()) as { n: number }).n).toBe(14); // last call wins: writes land in call order
    expect(await readdir(dir)).toEqual(['doc.json']);
  });

  it('reports a failed replace, leaves no temp file behind, and keeps working afterwards', async () => {
    const dir = await mkdtemp(join(root, 'b-'));
    const target = join(dir, 'doc.json');
    // A non-empty directory where the file should go: the rename must fail.
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'x');
    const file = new AtomicJsonFile(target);
    await expect(file.write({ a: 1 })).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await rm(target, { recursive: true });
    await file.write({ a: 2 });
    expect(await file.read()).toEqual({ a: 2 });
  });

  it('reads a missing file as undefined and creates its folder on first write', async () => {
    const file = new AtomicJsonFile(join(root, 'c', 'nested', 'doc.json'));
    expect(await file.read()).toBeUndefined();
    await file.write([1, 2]);
    expect(await file.read()).toEqual([1, 2]);
    await file.remove();
    expect(await file.read()).toBeUndefined();
  });
});

describe('SerialQueue', () => {
  it('runs tasks one at a time in call order, and a failure does not stop the next', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      q.run(task('a', 20)),
      q.run(task('b', 1, true)),
      q.run(task('c', 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
