// The doctor against the local stack on a fresh PostgreSQL database (with the project's migrations, Auth,
// REST, Realtime and both edge functions in Deno): green as the stack comes up, then red, naming the table,
// when a grant is revoked, an extra one appears or RLS is turned off. (The stand-in is held to Supabase's wire
// behaviour by the conformance suites; the doctor reads only what a real project answers too.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStack, startStack } from '../local-stack/server';
import { createTestDatabase, type TestDatabase } from '../test/pg';
import { type DoctorOptions, main, runDoctor } from './main';
import { exitCode } from './report';

let db: TestDatabase;
let stack: RunningStack;
let options: DoctorOptions;

beforeAll(async () => {
  db = await createTestDatabase('keyroom_doctor');
  stack = await startStack({ port: 0, dbUrl: db.url });
  options = {
    url: stack.url,
    publishableKey: stack.publishableKey,
    secretKey: stack.secretKey,
    dbUrl: db.url,
  };
});

afterAll(async () => {
  await stack?.stop();
  await db?.drop();
});

const failures = (results: Awaited<ReturnType<typeof runDoctor>>) =>
  results.filter((r) => r.outcome === 'fail').map((r) => `${r.name}: ${r.detail}`);

describe('npm run doctor', () => {
  it('is green against the local stack: every check runs and holds', async () => {
    const results = await runDoctor(options);
    expect(failures(results)).toEqual([]);
    expect(results.map((r) => [r.name, r.outcome])).toEqual([
      ['reachable', 'ok'],
      ['sign-ups off', 'ok'],
      ['JWKS served', 'ok'],
      ['anon sees nothing', 'ok'],
      ['office policy row', 'ok'],
      ['edge function app-updates', 'ok'],
      ['edge function admin-users', 'ok'],
      ['private channel refused without a grant', 'ok'],
      ['schema at the expected migration', 'ok'],
      ['row-level security on every table', 'ok'],
      ['grants', 'ok'],
    ]);
    expect(exitCode(results)).toBe(0);
    // The throw-away user is gone again.
    const { rows } = await stack.db.query(
      "select count(*)::int as n from auth.users where email like 'keyroom-doctor-%'",
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('is red, naming the table, after a grant is revoked or an extra one appears, and exits non-zero', async () => {
    await stack.db.query('revoke select on public.client_policy from authenticated');
    await stack.db.query('grant select on public.profiles to anon');
    try {
      const results = await runDoctor(options);
      expect(failures(results)).toEqual([
        expect.stringMatching(
          /^grants on table public\.client_policy: missing authenticated SELECT: restore/,
        ),
        expect.stringMatching(/^grants on table public\.profiles: extra anon SELECT: restore/),
      ]);
      const lines: string[] = [];
      const log = console.log;
      console.log = (line: string) => lines.push(line);
      let code: number;
      try {
        code = await main(['--url', stack.url, '--key', stack.publishableKey, '--no-colour'], {
          SUPABASE_SECRET_KEY: stack.secretKey,
          SUPABASE_DB_URL: db.url,
        });
      } finally {
        console.log = log;
      }
      expect(code).toBe(1);
      expect(lines).toContainEqual(
        expect.stringMatching(/^✘ FAIL {2}grants on table public\.client_policy: /),
      );
      expect(lines.at(-1)).toBe('2 check(s) failed: fix the red lines, then run the doctor again.');
    } finally {
      await stack.db.query('grant select on public.client_policy to authenticated');
      await stack.db.query('revoke select on public.profiles from anon');
    }
  });

  it('is red when RLS is off on a table, naming it', async () => {
    await stack.db.query('alter table public.devices disable row level security');
    try {
      expect(failures(await runDoctor(options))).toEqual([
        expect.stringMatching(/^row-level security on every table: RLS is OFF on public\.devices: /),
      ]);
    } finally {
      await stack.db.query('alter table public.devices enable row level security');
    }
  });

  it('without the secret key and the database URL says what it did not check, and refuses a secret key as --key', async () => {
    const results = await runDoctor({ ...options, secretKey: undefined, dbUrl: undefined });
    expect(results.filter((r) => r.outcome === 'skip').map((r) => r.name)).toEqual([
      'office policy row',
      'edge function app-updates',
      'edge function admin-users',
      'private channel refused without a grant',
      'schema at the expected migration',
      'row-level security on every table',
      'grants',
    ]);
    expect(exitCode(results)).toBe(0);
    const errors: string[] = [];
    const error = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      expect(await main(['--url', stack.url, '--key', stack.secretKey], {})).toBe(2);
    } finally {
      console.error = error;
    }
    expect(errors.join('\n')).toMatch(/secret \(service-role\) key/);
    expect(errors.join('\n')).not.toContain(stack.secretKey);
  });

  it('is red and stops at the first line when the project cannot be reached', async () => {
    const results = await runDoctor({ ...options, url: 'http://127.0.0.1:9' });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: 'reachable', outcome: 'fail' });
    expect(results[0]?.detail).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
