// The migrations as Supabase itself applies them: the real CLI (the version package.json pins) runs
// `supabase db push` onto a fresh database that has what a Supabase database has before the project's own
// migrations (bootstrap.sql), then `supabase db lint` checks every function with plpgsql_check. Neither needs
// Docker; `supabase start` (which does) runs the same migrations in the GitHub workflow.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/pg';
import { BOOTSTRAP_PATH, migrationFiles } from './apply';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'node_modules/.bin/supabase');
const plpgsqlCheck = '/usr/share/postgresql/15/extension/plpgsql_check.control';

function supabase(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cli, args, { cwd: root, timeout: 240_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
    );
  });
}

let tdb: TestDatabase;
let dbUrl: string;

beforeAll(async () => {
  tdb = await createTestDatabase('keyroom_cli');
  const c = new pg.Client({ connectionString: tdb.url });
  await c.connect();
  try {
    await c.query(readFileSync(BOOTSTRAP_PATH, 'utf8'));
  } finally {
    await c.end();
  }
  dbUrl = `${tdb.url}?sslmode=disable`;
}, 120_000);
afterAll(async () => {
  await tdb?.drop();
});

describe('the migrations through the Supabase CLI', () => {
  it('supabase db push applies every migration file and records each in the history', async () => {
    const push = await supabase(['db', 'push', '--db-url', dbUrl, '--yes']);
    expect(push.code, push.out).toBe(0);
    const c = new pg.Client({ connectionString: tdb.url });
    await c.connect();
    try {
      const history = await c.query<{ version: string }>(
        'select version from supabase_migrations.schema_migrations order by version',
      );
      const files = (await migrationFiles()).map((f) => f.split('/').pop()?.split('_')[0]);
      expect(history.rows.map((r) => r.version)).toEqual(files);
      const tables = await c.query("select count(*)::int as n from pg_tables where schemaname = 'public'");
      expect(tables.rows[0].n).toBeGreaterThan(5);
    } finally {
      await c.end();
    }
  }, 300_000);

  it('supabase db lint finds no error in any function (plpgsql_check)', async () => {
    expect(existsSync(plpgsqlCheck), 'apt-get install postgresql-15-plpgsql-check').toBe(true);
    const lint = await supabase([
      'db',
      'lint',
      '--db-url',
      dbUrl,
      '--schema',
      'public,private',
      '--level',
      'error',
      '--fail-on',
      'error',
    ]);
    expect(lint.code, lint.out).toBe(0);
  }, 300_000);
});
