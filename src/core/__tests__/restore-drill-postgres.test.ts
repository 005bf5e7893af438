// The project-level restore drill (issue 16, docs/deploy.md "Restore drill") on the PostgreSQL layer beneath
// `supabase db dump`: that command needs Docker, which this machine lacks, and what it runs is pg_dump and
// pg_dumpall with the flags below (supabase/cli pkg/migration/dump.go and its dump_role.sh, dump_schema.sh,
// dump_data.sh templates). An office is dumped from one database into roles.sql, schema.sql and data.sql,
// restored with psql into a second database set up as a new project, and opened there: the same PCs unlock with
// the same accounts, a new PC signs in with email and master password, every entry, the history, the audit
// chain and the device list are all still there.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_PATH,
  MIGRATION_OWNER,
  MIGRATIONS_DIR,
  migrationFiles,
} from '../../../scripts/local-stack/apply';
import { openDatabase } from '../../../scripts/local-stack/db';
import { startStack } from '../../../scripts/local-stack/server';
import { createTestDatabase, type TestDatabase } from '../../../scripts/test/pg';
import { MASTER, Office, type Pc, SLOW, STARTUP } from './office';

const run = promisify(execFile);

// supabase/cli pkg/migration/dump.go: schemas the schema dump leaves out (the new project has them already) …
const INTERNAL_SCHEMAS = [
  'information_schema',
  'pg_*',
  '_analytics',
  '_realtime',
  '_supavisor',
  'auth',
  'extensions',
  'pgbouncer',
  'realtime',
  'storage',
  'supabase_functions',
  'supabase_migrations',
  'cron',
  'dbdev',
  'graphql',
  'graphql_public',
  'net',
  'pgmq',
  'pgsodium',
  'pgsodium_masks',
  'pgtle',
  'repack',
  'tiger',
  'tiger_data',
  'timescaledb_*',
  '_timescaledb_*',
  'topology',
  'vault',
].join('|');
// … the schemas whose data the data dump leaves out (auth and storage data DO move: "Data dump includes auth,
// storage, etc. for migrating to new project") …
const DATA_EXCLUDED_SCHEMAS = [
  'information_schema',
  'pg_*',
  'graphql',
  'graphql_public',
  'pgsodium',
  'pgsodium_masks',
  'pgtle',
  'repack',
  'tiger',
  'tiger_data',
  'timescaledb_*',
  '_timescaledb_*',
  'topology',
  'vault',
  'extensions',
  'pgbouncer',
  'realtime',
  'supabase_migrations',
  '_analytics',
  '_realtime',
  '_supavisor',
].join('|');
// … and the roles the role dump comments out, because every project has them. `migration_owner` is the
// stand-in's name for Supabase's `postgres` (scripts/local-stack/bootstrap.sql says why).
const RESERVED_ROLES = [
  'anon',
  'authenticated',
  'authenticator',
  'dashboard_user',
  'pgbouncer',
  'postgres',
  'service_role',
  'supabase_admin',
  'supabase_auth_admin',
  'supabase_functions_admin',
  'supabase_read_only_user',
  'supabase_realtime_admin',
  'supabase_replication_admin',
  'supabase_storage_admin',
  'pgsodium_keyholder',
  'pgsodium_keyiduser',
  'pgsodium_keymaker',
  'pgtle_admin',
  MIGRATION_OWNER,
];

interface Snapshot {
  passwords: Map<string, string>;
  deletedId: string;
  wifiHistory: string[];
  auditCount: number;
  devices: string[];
}

describe('restore drill on PostgreSQL (pg_dump beneath `supabase db dump`, which needs Docker): dump, restore into a new database, the office opens', () => {
  let office: Office;
  let admin: Pc;
  let emp: Pc;
  let restored: TestDatabase;
  let dir: string;
  const before: Snapshot = {
    passwords: new Map(),
    deletedId: '',
    wifiHistory: [],
    auditCount: 0,
    devices: [],
  };
  let wifiId = '';

  beforeAll(async () => {
    office = await Office.start('postgres', { pollMs: 1_000 });
    admin = await office.firstAdmin();
    emp = await office.colleague(admin, 'emp@office.test');
    const vaultId = admin.core.vaults()[0]!.id;
    const wifi = await admin.core.vault.create(vaultId, {
      title: 'Wi-Fi',
      username: 'office',
      password: 'pw-1',
    });
    wifiId = wifi.id;
    await admin.core.vault.update(wifi.id, wifi.version, { title: 'Wi-Fi', password: 'pw-2' });
    const printer = await admin.core.vault.create(vaultId, { title: 'Printer', password: 'pw-printer' });
    const alarm = await admin.core.vault.create(vaultId, { title: 'Alarm', password: 'pw-alarm' });
    await admin.core.vault.remove(alarm.id, alarm.version);
    await admin.core.syncNow();
    await emp.core.syncNow();
    for (const id of [wifi.id, printer.id]) before.passwords.set(id, await emp.core.vault.reveal(id));
    before.deletedId = alarm.id;
    await emp.core.syncNow();
    before.wifiHistory = (await admin.core.vault.history(wifi.id)).map((h) => `${h.version}:${h.title}`);
    before.auditCount = (await admin.core.office.audit({})).events.length;
    before.devices = (await admin.core.office.devices()).map((d) => `${d.userEmail}/${d.name}`).sort();
    dir = admin.dir.replace(/\/[^/]+$/, '');
    restored = await createTestDatabase('keyroom_restored');
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
    await restored?.drop();
  });

  it(
    'the old project stops; roles.sql, schema.sql and data.sql are dumped as `supabase db dump` dumps them',
    async () => {
      expect(before.passwords.get(wifiId)).toBe('pw-2');
      expect(before.wifiHistory.length).toBeGreaterThan(0);
      const oldUrl = (await office.stack.db.query<{ u: string }>('select current_database() as u')).rows[0]!
        .u;
      await office.shutDown();
      const url = restored.url.replace(/\/[^/]+$/, `/${oldUrl}`);

      // dump_role.sh: pg_dumpall --roles-only, with Supabase's own roles commented out.
      const roles = (
        await run('pg_dumpall', [
          '--roles-only',
          '--quote-all-identifiers',
          '--no-role-passwords',
          '--no-comments',
          '--dbname',
          url,
        ])
      ).stdout
        .split('\n')
        .map((l) =>
          new RegExp(
            `^(CREATE|ALTER) ROLE "(${RESERVED_ROLES.join('|')})"|GRANT ".*" TO "(${RESERVED_ROLES.join('|')})"`,
          ).test(l)
            ? `-- ${l}`
            : l,
        )
        .join('\n');
      // dump_schema.sh: the project's own schemas (public, private), without Supabase's.
      const schema = (
        await run('pg_dump', [
          '--schema-only',
          '--quote-all-identifiers',
          `--exclude-schema=${INTERNAL_SCHEMAS}`,
          '--extension=*',
          '--no-comments',
          '--dbname',
          url,
        ])
      ).stdout;
      // dump_data.sh with --use-copy: the data of every schema but Supabase's internal ones, auth included.
      const data = (
        await run(
          'pg_dump',
          [
            '--data-only',
            '--quote-all-identifiers',
            `--exclude-schema=${DATA_EXCLUDED_SCHEMAS}`,
            '--exclude-table=auth.schema_migrations',
            '--exclude-table=storage.migrations',
            '--exclude-table=supabase_functions.migrations',
            '--schema=*',
            '--dbname',
            url,
          ],
          { maxBuffer: 64 * 1024 * 1024 },
        )
      ).stdout;
      await writeFile(join(dir, 'roles.sql'), `${roles}\nRESET ALL;\n`);
      await writeFile(join(dir, 'schema.sql'), `${schema}\nRESET ALL;\n`);
      await writeFile(join(dir, 'data.sql'), `${data}\nRESET ALL;\n`);

      // The project defines no role of its own: every role its schema names is one a new project already has,
      // so roles.sql has nothing for it (on this shared cluster what it still lists are the machine's roles).
      const named = new Set(
        [
          ...schema.matchAll(/OWNER TO "([^"]+)";$/gm),
          ...schema.matchAll(/^(?:GRANT|REVOKE) .* (?:TO|FROM) "([^"]+)";$/gm),
          ...schema.matchAll(/FOR ROLE "([^"]+)"/g),
          ...schema.matchAll(/^CREATE POLICY .* TO "([^"]+)"/gm),
        ].map((m) => m[1]!),
      );
      expect(named).toContain('authenticated');
      expect([...named].filter((r) => !RESERVED_ROLES.includes(r))).toEqual([]);
      expect(schema).toMatch(/CREATE TABLE "public"\."entries"/);
      expect(schema).toMatch(/CREATE SCHEMA "private"/);
      expect(schema).not.toMatch(/CREATE TABLE "auth"\./);
      expect(data).toMatch(/COPY "auth"\."users"/);
      expect(data).toMatch(/COPY "public"\."audit_log"/);
      // What pg_dump cannot carry: the project's policies on a table Supabase owns (realtime.messages) live in
      // an excluded schema, so the dump leaves them out and the restore runs them again (below).
      expect(schema).not.toMatch(/keyroom_topics_select/);
    },
    SLOW,
  );

  it(
    'restored into a new project with psql in the order Supabase documents; the local stack serves it as it is',
    async () => {
      // The new project: what a Supabase database has before any migration (roles, auth, realtime, extensions).
      const fresh = await openDatabase({ url: restored.url });
      try {
        await fresh.exec(await readFile(BOOTSTRAP_PATH, 'utf8'));
      } finally {
        await fresh.close();
      }
      // https://supabase.com/docs/guides/platform/migrating-within-supabase/backup-restore: psql
      // --single-transaction --variable ON_ERROR_STOP=1 --file roles.sql --file schema.sql --command 'SET
      // session_replication_role = replica' --file data.sql. roles.sql is left out here only because this cluster
      // is shared with the old project, so every role is there already (and the project has none: see above).
      await run(
        'psql',
        [
          '--single-transaction',
          '--variable',
          'ON_ERROR_STOP=1',
          '--quiet',
          '--file',
          join(dir, 'schema.sql'),
          '--command',
          'SET session_replication_role = replica',
          '--file',
          join(dir, 'data.sql'),
          '--dbname',
          restored.url,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      // After the dump: the project's policies on realtime.messages (from its migration), and the migration
      // history (`supabase migration repair --status applied <version>…`), so the next `supabase db push` (here
      // the stack's own apply) finds every migration applied instead of running them over the restored schema.
      const rpcs = await readFile(join(MIGRATIONS_DIR, '20261125120300_rpcs.sql'), 'utf8');
      const policies = rpcs.match(/create policy \w+ on realtime\.messages[^;]*;/g) ?? [];
      expect(policies).toHaveLength(2);
      const versions = (await migrationFiles()).map((f) => f.split('_')[0]!);
      const db = await openDatabase({ url: restored.url });
      try {
        await db.transaction(async (tx) => {
          await tx.exec(`set local role ${MIGRATION_OWNER}; ${policies.join('\n')}`);
        });
        await db.exec(`create schema if not exists supabase_migrations;
          create table if not exists supabase_migrations.schema_migrations (version text primary key, statements text[], name text)`);
        for (const v of versions) {
          await db.query('insert into supabase_migrations.schema_migrations(version) values ($1)', [v]);
        }
        const chain = await db.query<{ broken: string | null; n: string }>(
          'select public.verify_audit_chain()::text as broken, (select count(*) from public.audit_log)::text as n',
        );
        expect(chain.rows[0]).toEqual({ broken: null, n: expect.any(String) });
      } finally {
        await db.close();
      }
      // A new project has new keys and a new URL: the office config on each PC changes to them.
      office.moveTo(await startStack({ port: 0, dbUrl: restored.url }));
    },
    SLOW,
  );

  it(
    'the same PCs unlock with the same accounts, a new PC signs in, and entries, history, audit chain and devices are intact',
    async () => {
      const boss = await office.pc('admin', admin.dir);
      const desk = await office.pc('emp', emp.dir);
      for (const pc of [boss, desk]) {
        expect((await pc.core.unlock(MASTER)).state).toBe('unlocked');
        await pc.core.syncNow();
      }
      expect(boss.core.accountUserId).toBe(admin.core.accountUserId);
      for (const [id, pw] of before.passwords) expect(await desk.core.vault.reveal(id)).toBe(pw);
      expect(desk.core.vault.list().map((e) => e.id)).not.toContain(before.deletedId);
      expect(boss.core.vault.list(true).find((e) => e.id === before.deletedId)).toBeDefined();

      const laptop = await office.pc('laptop');
      expect((await laptop.core.signIn('emp@office.test', MASTER)).state).toBe('unlocked');
      await laptop.core.syncNow();
      expect(await laptop.core.vault.reveal(wifiId)).toBe('pw-2');

      expect((await boss.core.vault.history(wifiId)).map((h) => `${h.version}:${h.title}`)).toEqual(
        before.wifiHistory,
      );
      const { events } = await boss.core.office.audit({});
      expect(events.length).toBeGreaterThan(before.auditCount);
      const chain = await office.stack.db.query<{ broken: string | null }>(
        'select public.verify_audit_chain()::text as broken',
      );
      expect(chain.rows[0]?.broken).toBeNull();
      const realtime = await office.stack.db.query<{ policyname: string }>(
        `select policyname from pg_policies where schemaname = 'realtime' and tablename = 'messages' order by 1`,
      );
      expect(realtime.rows.map((r) => r.policyname)).toEqual([
        'keyroom_topics_insert',
        'keyroom_topics_select',
      ]);
      const devices = (await boss.core.office.devices()).map((d) => `${d.userEmail}/${d.name}`).sort();
      expect(devices).toEqual([...before.devices, 'emp@office.test/laptop'].sort());
    },
    SLOW,
  );
});
