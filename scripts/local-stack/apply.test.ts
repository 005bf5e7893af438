// Migration smoke test: bootstrap + supabase/migrations apply cleanly to an empty database on both back
// ends, and a second run applies nothing and keeps the data (the migration runner is idempotent).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/pg';
import { applyAll, migrationFiles } from './apply';
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
        'profiles',
        'vault_grants',
        'vaults',
      ].map((name) => ({ name, rls: true })),
    );
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
    'applies bootstrap and migrations to a fresh database, then nothing the second time',
    async () => {
      tdb = await createTestDatabase('keyroom_apply');
      const url = tdb.url;
      await checkFreshThenRepeat(() => openDatabase({ url }));
    },
    SLOW_MS,
  );
});
