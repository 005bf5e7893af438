// What the doctor reads from the database catalogue (only with SUPABASE_DB_URL): the migration history the
// Supabase CLI keeps, row-level security per table, and every privilege the API roles hold on our schemas. These
// are facts no API key can see (PostgREST exposes neither pg_catalog nor the history), and reading them needs no
// privilege beyond connecting and SELECT on supabase_migrations.schema_migrations (docs/deploy.md shows a
// read-only role for it).
import pg from 'pg';

export const API_ROLES = ['anon', 'authenticated', 'service_role'] as const;
const SCHEMAS = ['public', 'private'];

export interface Catalog {
  /** Versions in supabase_migrations.schema_migrations, ascending; null when the history table is missing. */
  migrations: string[] | null;
  /** Tables of the public schema and whether RLS is enabled on each. */
  tables: { name: string; rls: boolean }[];
  /** Every privilege of anon, authenticated, service_role (and PUBLIC on functions), one line each. */
  grants: string[];
}

// aclexplode over the stored ACL, or the owner's default when none was ever set (then PUBLIC may hold EXECUTE
// on a function, which is exactly what the migrations revoke). Extension members are not ours and are left out.
const GRANTS_SQL = `
with roles as (select oid, rolname from pg_roles where rolname = any($1::text[]))
select format('%s %s.%s %s %s', case c.relkind when 'S' then 'sequence' when 'v' then 'view' else 'table' end,
              n.nspname, c.relname, coalesce(r.rolname, 'PUBLIC'), a.privilege_type) as line
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  cross join lateral aclexplode(coalesce(c.relacl, acldefault(case when c.relkind = 'S' then 's'::"char" else 'r'::"char" end, c.relowner))) a
  left join roles r on r.oid = a.grantee
 where n.nspname = any($2::text[]) and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
   and (a.grantee = 0 or r.oid is not null)
   and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
union all
select format('column %s.%s.%s %s %s', n.nspname, c.relname, att.attname, r.rolname, a.privilege_type)
  from pg_attribute att
  join pg_class c on c.oid = att.attrelid
  join pg_namespace n on n.oid = c.relnamespace
  cross join lateral aclexplode(att.attacl) a
  join roles r on r.oid = a.grantee
 where n.nspname = any($2::text[]) and att.attacl is not null and not att.attisdropped and att.attnum > 0
union all
select format('function %s.%s(%s) %s %s', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
              coalesce(r.rolname, 'PUBLIC'), a.privilege_type)
  from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace
  cross join lateral aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
  left join roles r on r.oid = a.grantee
 where n.nspname = any($2::text[]) and (a.grantee = 0 or r.oid is not null)
   and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
union all
select format('schema private %s %s', coalesce(r.rolname, 'PUBLIC'), a.privilege_type)
  from pg_namespace n
  cross join lateral aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
  left join roles r on r.oid = a.grantee
 where n.nspname = 'private' and (a.grantee = 0 or r.oid is not null)
order by 1`;

export async function readCatalog(dbUrl: string): Promise<Catalog> {
  const client = new pg.Client({ connectionString: dbUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const history = await client.query<{ exists: boolean }>(
      "select to_regclass('supabase_migrations.schema_migrations') is not null as exists",
    );
    const migrations = history.rows[0]?.exists
      ? (
          await client.query<{ version: string }>(
            'select version from supabase_migrations.schema_migrations order by version',
          )
        ).rows.map((r) => r.version)
      : null;
    const tables = (
      await client.query<{ name: string; rls: boolean }>(
        `select c.relname as name, c.relrowsecurity as rls from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
      )
    ).rows;
    const grants = (await client.query<{ line: string }>(GRANTS_SQL, [[...API_ROLES], SCHEMAS])).rows.map(
      (r) => r.line,
    );
    return { migrations, tables, grants };
  } finally {
    await client.end();
  }
}
