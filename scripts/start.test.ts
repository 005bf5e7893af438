// `npm start` must not report success when no app came up. Against a configured project (so no local stack is
// started and the repository's .keyroom is untouched); the Electron binary is not installed here (nor in CI,
// where npm ci runs no install scripts), so the build runs and the start must then fail.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('npm start (Electron binary not installed here)', () => {
  it('exits non-zero and says the app did not start', { timeout: 120_000 }, async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        `${root}node_modules/.bin/tsx`,
        ['scripts/start.ts'],
        {
          cwd: root,
          env: {
            ...process.env,
            SUPABASE_URL: 'http://127.0.0.1:9',
            SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_notarealkeyforthistest0000',
          },
        },
        (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(result.stderr).toContain('Keyroom did not start: Electron is not installed here');
    expect(result.code).toBe(1);
  });
});
