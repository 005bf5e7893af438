// npm run admin:init end to end: the CLI against a local stack, with the stack's keys in a data directory as
// `npm run stack` keeps them; the printed one-time password signs in, and the first admin to enroll is the root.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enroll, signIn } from './local-stack/__tests__/edge-office';
import { type RunningStack, startStack } from './local-stack/server';

const root = fileURLToPath(new URL('..', import.meta.url));

let stack: RunningStack;
let dataDir: string;

// The stack's database stays in memory (quicker to start); its keys file is laid out as `npm run stack`
// leaves it in a data directory, which is what admin:init reads by default.
beforeAll(async () => {
  stack = await startStack({ port: 0 });
  dataDir = await mkdtemp(join(tmpdir(), 'keyroom-admin-init-'));
  const { jwtSecret, anonKey, serviceRoleKey, publishableKey, secretKey } = stack;
  await writeFile(
    join(dataDir, 'keys.json'),
    JSON.stringify({ jwtSecret, anonKey, serviceRoleKey, publishableKey, secretKey }),
    { mode: 0o600 },
  );
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function adminInit(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.SUPABASE_URL;
  delete env.SUPABASE_SECRET_KEY;
  delete env.SUPABASE_SERVICE_ROLE_KEY;
  Object.assign(env, extraEnv);
  return new Promise((resolve) => {
    execFile(
      join(root, 'node_modules/.bin/tsx'),
      [join(root, 'scripts/admin-init.ts'), ...args],
      { cwd: root, env },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('admin:init', () => {
  it('creates the first admin with the data dir keys and prints the one-time password once', async () => {
    const r = await adminInit(['--email', 'Boss@Office.test', '--url', stack.url, '--data-dir', dataDir]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('one-time password: '));
    expect(lines).toHaveLength(1);
    const password = lines[0]!.slice('one-time password: '.length);
    expect(password).toMatch(/^[A-HJ-NP-Za-km-z2-9]{24}$/);
    expect(r.stdout.split(password)).toHaveLength(2);

    const boss = await signIn(stack, 'boss@office.test', password);
    const own = await boss.client.from('profiles').select('role, status').eq('id', boss.id).single();
    expect(own.data).toEqual({ role: 'admin', status: 'invited' });
    await enroll(boss);
    const after = await boss.client.from('profiles').select('status').eq('id', boss.id).single();
    expect(after.data).toEqual({ status: 'active' });
    const policy = await boss.client.from('client_policy').select('office_root_id').single();
    expect(policy.data).toEqual({ office_root_id: boss.id });
  });

  it('refuses a second first admin (secret key from SUPABASE_SECRET_KEY, no local keys)', async () => {
    const r = await adminInit(
      ['--email', 'other@office.test', '--url', stack.url, '--data-dir', join(dataDir, 'nothing-here')],
      { SUPABASE_SECRET_KEY: stack.secretKey },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already has an admin');
    expect(r.stdout).not.toContain('one-time password');
  });

  it('explains a missing email or missing local keys', async () => {
    const noEmail = await adminInit(['--url', stack.url, '--data-dir', dataDir]);
    expect(noEmail.code).toBe(1);
    expect(noEmail.stderr).toContain('--email');
    const noKeys = await adminInit(['--email', 'x@office.test', '--data-dir', join(dataDir, 'nothing-here')]);
    expect(noKeys.code).toBe(1);
    expect(noKeys.stderr).toContain('no local stack keys');
    // A publishable key cannot read profiles: the office is not touched and the reason is named.
    const wrongKey = await adminInit(['--email', 'x@office.test', '--url', stack.url], {
      SUPABASE_SECRET_KEY: stack.publishableKey,
    });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('cannot read profiles');
    expect(wrongKey.stderr).not.toContain(stack.publishableKey);
  });
});
