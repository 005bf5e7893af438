// Migration smoke test: bootstrap + supabase/migrations apply cleanly to an empty database on both back
// ends, and a second run applies nothing and keeps the data (the migration runner is idempotent). The fresh
// database is a Supabase project as one is created today (issue 12): a table the owner adds afterwards is not
// reachable without a grant, anon holds nothing, the owner is no superuser, the API roles have their timeouts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/pg';
import { applyAll, MIGRATIONS_DIR, migrationFiles } from './apply';
import { type Database, openDatabase } from './db';

// PGlite compiles and runs the whole schema in WASM: seconds on an idle machine, far more on a busy one.
const SLOW_MS = 240_000;
const USER_ID = '0b4c2a10-7d1e-4f3a-9c55-1d2e3f405162';

/** Writes through the triggers the way the service role's invite would, and reads it back. */
async function seed(db: Database): Promise<void> {
  await db.query(
    `insert into auth.users (id, aud, role, email) values ($1, 'authenticated', 'authenticated', $2)`,
    [USER_ID, 'smoke@keyroom.test'],
  );
  await db.query(`insert into public.profiles (id, email, display_name) values ($1, $2, 'Smoke')`, [
    USER_ID,
    'smoke@keyroom.test',
  ]);
  await db.query(`insert into public.vaults (name) values ('Smoke vault')`);
}

async function snapshot(db: Database) {
  const r = await db.query<{ profiles: string; vaults: string; audit: string; broken: string | null }>(
    `select (select count(*) from public.profiles) as profiles, (select count(*) from public.vaults) as vaults,
       (select count(*) from public.audit_log) as audit, public.verify_audit_chain()::text as broken`,
  );
  return r.rows[0];
}

/** Runs sql as role inside a transaction that is rolled back; resolves to the error's SQLSTATE, or 'ok'. */
async function asRole(db: Database, role: string, sql: string): Promise<string> {
  try {
    await db.transaction(async (tx) => {
      await tx.exec(`set local role ${role}`);
      await tx.query(sql);
      throw Object.assign(new Error('rolled back'), { code: 'ok' });
    });
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
  return 'unreachable';
}

async function checkProject(db: Database): Promise<void> {
  const owner = await db.query<{ owner: string; superuser: boolean; bypassrls: boolean }>(
    `select r.rolname as owner, r.rolsuper as superuser, r.rolbypassrls as bypassrls from pg_class c
     join pg_roles r on r.oid = c.relowner where c.oid = 'public.profiles'::regclass`,
  );
  const { owner: name, superuser, bypassrls } = owner.rows[0] ?? {};
  expect({ superuser, bypassrls }).toEqual({ superuser: false, bypassrls: true });
  const owners = await db.query<{ owner: string }>(
    `select distinct c.relowner::regrole::text as owner from pg_class c
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'S')`,
  );
  expect(owners.rows).toEqual([{ owner: name }]);

  const timeouts = await db.query<{ role: string; setting: string }>(
    `select r.rolname as role, x as setting from pg_db_role_setting s join pg_roles r on r.oid = s.setrole,
       unnest(s.setconfig) as x
     where r.rolname in ('anon', 'authenticated') and s.setdatabase = 0 and x like 'statement_timeout=%'
     order by 1`,
  );
  expect(timeouts.rows).toEqual([
    { role: 'anon', setting: 'statement_timeout=3s' },
    { role: 'authenticated', setting: 'statement_timeout=8s' },
  ]);

  const anon = await db.query<{ n: string }>(
    `select count(*)::text as n from pg_class c
     cross join unnest('{SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER}'::text[]) as p (priv)
     where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'S')
       and case when c.relkind = 'S' then p.priv in ('SELECT', 'UPDATE') and has_sequence_privilege('anon', c.oid, p.priv)
         else has_table_privilege('anon', c.oid, p.priv) or (p.priv in ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
           and has_any_column_privilege('anon', c.oid, p.priv)) end`,
  );
  expect(anon.rows).toEqual([{ n: '0' }]);
  expect(await asRole(db, 'anon', 'select count(*) from public.client_policy')).toBe('42501');
  // The same probe passes where there is a grant (RLS then decides rows), so the refusals below are the grants'.
  expect(await asRole(db, 'authenticated', 'select count(*) from public.client_policy')).toBe('ok');

  await db.transaction(async (tx) => {
    await tx.exec(`set local role ${name}; create table public.after_apply (id int primary key, note text)`);
  });
  try {
    for (const sql of [
      'select count(*) from public.after_apply',
      `insert into public.after_apply values (1, 'x')`,
      'delete from public.after_apply',
    ]) {
      expect(await asRole(db, 'authenticated', sql)).toBe('42501');
      expect(await asRole(db, 'anon', sql)).toBe('42501');
    }
  } finally {
    await db.exec('drop table public.after_apply');
  }
}

async function checkFreshThenRepeat(open: () => Promise<Database>) {
  const files = await migrationFiles();
  expect(files.length).toBeGreaterThan(0);

  const db = await open();
  try {
    const first = await applyAll(db);
    expect(first).toEqual({ bootstrapped: true, applied: files, skipped: [] });

    const tables = await db.query<{ name: string; rls: boolean }>(
      `select c.relname as name, c.relrowsecurity as rls from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r' order by 1`,
    );
    expect(tables.rows).toEqual(
      [
        'audit_log',
        'client_policy',
        'devices',
        'entries',
        'entry_history',
        'key_revocations',
        'profiles',
        'vault_grants',
        'vaults',
      ].map((name) => ({ name, rls: true })),
    );
    await checkProject(db);
    await seed(db);
    const before = await snapshot(db);
    expect(before).toEqual({ profiles: '1', vaults: '1', audit: '2', broken: null });

    const second = await applyAll(db);
    expect(second).toEqual({ bootstrapped: false, applied: [], skipped: files });
    expect(await snapshot(db)).toEqual(before);
  } finally {
    await db.close();
  }
}

describe('the migration files', () => {
  it('define each function in one file only (the baseline keeps the final definition)', async () => {
    const where = new Map<string, string[]>();
    for (const file of await migrationFiles()) {
      const sql = (await readFile(join(MIGRATIONS_DIR, file), 'utf8')).replace(/--[^\n]*/g, '');
      for (const m of sql.matchAll(/create\s+(?:or\s+replace\s+)?function\s+([\w."]+)\s*\(/gi)) {
        const name = (m[1] ?? '').replaceAll('"', '').toLowerCase();
        where.set(name, [...(where.get(name) ?? []), file]);
      }
    }
    expect(where.size).toBeGreaterThan(40);
    const twice = [...where].filter(([, files]) => files.length > 1);
    expect(twice).toEqual([]);
  });
});

describe('applyAll on PGlite', () => {
  it(
    'applies bootstrap and migrations to an in-memory database, then nothing the second time',
    async () => {
      await checkFreshThenRepeat(() => openDatabase({}));
    },
    SLOW_MS,
  );

  it(
    'keeps a data directory across reopen: the second run applies nothing and the data stays',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'keyroom-apply-'));
      try {
        const files = await migrationFiles();
        const first = await openDatabase({ dataDir: dir });
        try {
          expect((await applyAll(first)).applied).toEqual(files);
          await seed(first);
        } finally {
          await first.close();
        }
        const again = await openDatabase({ dataDir: dir });
        try {
          expect(await applyAll(again)).toEqual({ bootstrapped: false, applied: [], skipped: files });
          expect(await snapshot(again)).toEqual({ profiles: '1', vaults: '1', audit: '2', broken: null });
        } finally {
          await again.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    SLOW_MS,
  );
});

describe('applyAll on PostgreSQL', () => {
  let tdb: TestDatabase | undefined;
  afterAll(async () => {
    await tdb?.drop();
  });

  it(
    'refuses a database built from migrations that are no longer in supabase/migrations',
    async () => {
      const old = await createTestDatabase('keyroom_apply_old');
      const db = await openDatabase({ url: old.url });
      try {
        await applyAll(db);
        await db.query(
          `insert into supabase_migrations.schema_migrations (version, name) values ('20261125130000', 'admin_functions')`,
        );
        await expect(applyAll(db)).rejects.toThrow(
          /migrations that are no longer in supabase\/migrations \(20261125130000\).*apply again/,
        );
      } finally {
        await db.close();
        await old.drop();
      }
    },
    SLOW_MS,
  );

  it(
    'applies bootstrap and migrations to a fresh database, then nothing the second time',
    async () => {
      tdb = await createTestDatabase('keyroom_apply');
      const url = tdb.url;
      await checkFreshThenRepeat(() => openDatabase({ url }));
    },
    SLOW_MS,
  );
});
