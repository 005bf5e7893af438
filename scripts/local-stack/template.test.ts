// The schema image must be indistinguishable from a database built from scratch, must only ever be used for the
// schema it was made from, and a damaged one must cost time, never correctness.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyAll } from './apply';
import { type Database, openDatabase } from './db';
import { openStackDatabase } from './prepare';
import { schemaKey } from './template';

const SLOW_MS = 240_000;

/** Everything the migrations define, down to function bodies and policy expressions. */
async function schemaFingerprint(db: Database): Promise<string> {
  const r = await db.query<{ f: string }>(`
    select md5(string_agg(x, E'\\n' order by x)) as f from (
      select 'rel ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' rls=' || c.relrowsecurity as x
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('public', 'auth', 'realtime', 'extensions', 'supabase_migrations')
      union all
      select 'col ' || attrelid::regclass || '.' || attname || ' ' || format_type(atttypid, atttypmod) from pg_attribute
        where attnum > 0 and not attisdropped and attrelid in (select c.oid from pg_class c join pg_namespace n
          on n.oid = c.relnamespace where n.nspname in ('public', 'auth', 'realtime'))
      union all
      select 'fn ' || p.oid::regprocedure || ' ' || md5(p.prosrc) || ' definer=' || p.prosecdef
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname in ('public', 'auth', 'realtime')
      union all
      select 'pol ' || schemaname || '.' || tablename || '.' || policyname || ' ' || cmd || ' ' || coalesce(qual, '')
          || ' ' || coalesce(with_check, '') || ' ' || array_to_string(roles, ',')
        from pg_policies
      union all
      select 'trg ' || tgrelid::regclass || '.' || tgname from pg_trigger where not tgisinternal
      union all
      select 'grant ' || grantee || ' ' || table_schema || '.' || table_name || ' ' || privilege_type
        from information_schema.role_table_grants where table_schema in ('public', 'auth', 'realtime')
      union all
      select 'mig ' || version || ' ' || name from supabase_migrations.schema_migrations
      union all
      select 'row client_policy ' || (to_jsonb(p) - 'updated_at')::text from public.client_policy p
    ) s`);
  return r.rows[0]?.f ?? '';
}

describe('PGlite schema image', () => {
  let dir: string;
  let previous: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyroom-template-'));
    previous = process.env.KEYROOM_TEMPLATE_DIR;
    process.env.KEYROOM_TEMPLATE_DIR = join(dir, 'templates');
  });
  afterEach(async () => {
    if (previous === undefined) delete process.env.KEYROOM_TEMPLATE_DIR;
    else process.env.KEYROOM_TEMPLATE_DIR = previous;
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'is made by the first fresh database, used by the next, and yields the very schema the migrations build',
    async () => {
      const first = await openStackDatabase({});
      // Written while the image is still being taken: it must not end up in the image.
      await first.db.query(`insert into public.vaults (name) values ('after the migrations')`);
      const built = await schemaFingerprint(first.db);
      await first.db.close();
      expect(first.fromImage).toBe(false);
      expect(await readdir(join(dir, 'templates'))).toEqual([`pglite-${await schemaKey()}.tar.gz`]);

      const second = await openStackDatabase({ dataDir: join(dir, 'stack') });
      expect(second.fromImage).toBe(true);
      expect(second.report.bootstrapped).toBe(false);
      expect(second.report.applied).toEqual([]);
      expect(await schemaFingerprint(second.db)).toBe(built);
      // The image holds the schema only: no user, no key, no row of anyone's.
      const rows = await second.db.query<{ n: string }>(
        `select ((select count(*) from auth.users) + (select count(*) from public.profiles)
          + (select count(*) from public.vaults) + (select count(*) from public.audit_log))::text as n`,
      );
      expect(rows.rows[0]?.n).toBe('0');
      await second.db.query(`insert into public.vaults (name) values ('kept')`);
      await second.db.close();

      // A data directory that exists is opened as it is, never replaced by the image.
      const again = await openStackDatabase({ dataDir: join(dir, 'stack') });
      expect(again.fromImage).toBe(false);
      expect((await again.db.query<{ name: string }>('select name from public.vaults')).rows).toEqual([
        { name: 'kept' },
      ]);
      await again.db.close();

      // The image and a scratch build without any image agree (the scratch path is what apply.test.ts covers).
      const scratch = await openDatabase({});
      await applyAll(scratch);
      expect(await schemaFingerprint(scratch)).toBe(built);
      await scratch.close();
    },
    SLOW_MS,
  );

  it(
    'a damaged image is replaced by a rebuilt one instead of breaking the start',
    async () => {
      const image = join(dir, 'templates', `pglite-${await schemaKey()}.tar.gz`);
      await openStackDatabase({}).then(({ db }) => db.close());
      await writeFile(image, 'not a data directory');
      const logged: string[] = [];
      const { db, fromImage } = await openStackDatabase({
        dataDir: join(dir, 'stack'),
        log: (l) => logged.push(l),
      });
      expect(fromImage).toBe(false);
      expect(logged.some((l) => l.startsWith('database image unusable'))).toBe(true);
      expect((await db.query<{ n: string }>('select count(*)::text as n from public.profiles')).rows).toEqual(
        [{ n: '0' }],
      );
      await db.close();
      const reopened = await openStackDatabase({});
      expect(reopened.fromImage).toBe(true);
      await reopened.db.close();
    },
    SLOW_MS,
  );
});
