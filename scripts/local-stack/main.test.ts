// `npm run stack` as a user runs it: prints exactly the five env lines when ready, keeps keys and data in
// its data directory across a SIGTERM and a restart, and exits cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';
import ws from 'ws';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'keyroom-stack-'));
const running = new Set<ChildProcess>();

interface Started {
  child: ChildProcess;
  env: Record<string, string>;
  lines: string[];
  ms: number;
}

function start(): Promise<Started> {
  const t0 = Date.now();
  const child = spawn(
    join(root, 'node_modules/.bin/tsx'),
    ['scripts/local-stack/main.ts', '--print-env', '--port', '0', '--data-dir', dataDir],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  child.on('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d;
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      const lines = out.split('\n').filter(Boolean);
      if (lines.length >= 5) {
        const env = Object.fromEntries(
          lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
        );
        resolve({ child, env, lines, ms: Date.now() - t0 });
      }
    });
    child.on('exit', (code) =>
      reject(new Error(`stack exited with ${code} before printing its env: ${err}`)),
    );
  });
}

function exitOf(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

afterAll(() => {
  for (const c of running) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run stack', () => {
  it('prints the env, keeps keys and data across SIGTERM and restart, and exits 0', {
    timeout: 300_000,
  }, async () => {
    const first = await start();
    expect(first.lines.map((l) => l.slice(0, l.indexOf('=')))).toEqual([
      'SUPABASE_URL',
      'SUPABASE_PUBLISHABLE_KEY',
      'SUPABASE_SECRET_KEY',
      'SUPABASE_ANON_KEY',
      'SUPABASE_SERVICE_ROLE_KEY',
    ]);
    expect(first.env.SUPABASE_PUBLISHABLE_KEY).toMatch(/^sb_publishable_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{8}$/);
    expect(first.env.SUPABASE_SECRET_KEY).toMatch(/^sb_secret_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{8}$/);
    expect(first.env.SUPABASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    console.log(`first start (fresh data directory) printed its env after ${first.ms} ms`);
    expect(statSync(join(dataDir, 'keys.json')).mode & 0o777).toBe(0o600);

    const url = first.env.SUPABASE_URL as string;
    const admin = createClient(url, first.env.SUPABASE_SECRET_KEY as string, {
      auth: { persistSession: false },
      realtime: { transport: ws as never },
    });
    const email = `keep-${Date.now()}@stack.test`;
    const created = await admin.auth.admin.createUser({ email, password: 'secret-123', email_confirm: true });
    expect(created.error).toBeNull();
    expect(await exitOf(first.child, 'SIGTERM')).toBe(0);

    const second = await start();
    console.log(`restart on the same data directory printed its env after ${second.ms} ms`);
    for (const name of [
      'SUPABASE_PUBLISHABLE_KEY',
      'SUPABASE_SECRET_KEY',
      'SUPABASE_ANON_KEY',
      'SUPABASE_SERVICE_ROLE_KEY',
    ])
      expect(second.env[name]).toBe(first.env[name]);
    const again = createClient(
      second.env.SUPABASE_URL as string,
      second.env.SUPABASE_PUBLISHABLE_KEY as string,
      {
        auth: { persistSession: false },
        realtime: { transport: ws as never },
      },
    );
    const signIn = await again.auth.signInWithPassword({ email, password: 'secret-123' });
    expect(signIn.error).toBeNull();
    expect(await exitOf(second.child, 'SIGINT')).toBe(0);
  });
});
