// PostgREST's schema cache, reduced to what the stack needs: the tables, views and functions of the exposed
// schema (`public`), their columns and foreign keys. Every identifier in a request is checked against it
// before it reaches SQL, and then quoted.
import { z } from 'zod';
import type { Queryable } from '../db';

export const SCHEMA = 'public';

const Column = z.object({ name: z.string(), type: z.string() });
const Table = z.object({
  name: z.string(),
  kind: z.string(),
  columns: z.array(Column),
  pk: z.array(z.string()),
});
const ForeignKey = z.object({
  name: z.string(),
  table: z.string(),
  columns: z.array(z.string()),
  ref_table: z.string(),
  ref_columns: z.array(z.string()),
});
const FnArg = z.object({ name: z.string(), type: z.string(), has_default: z.boolean() });
const Fn = z.object({
  name: z.string(),
  args: z.array(FnArg),
  returns_set: z.boolean(),
  /** 'c' composite row, 'b'/'d'/'e'… scalar, 'p' pseudo (void, record). */
  return_kind: z.string(),
  return_type: z.string(),
  volatile: z.boolean(),
  /** The function's own SET clauses that PostgREST hoists into the transaction (db-hoisted-tx-settings). */
  settings: z.array(z.tuple([z.string(), z.string()])),
});
const CatalogJson = z.object({
  tables: z.array(Table),
  fks: z.array(ForeignKey),
  fns: z.array(Fn),
});

export type TableInfo = z.infer<typeof Table>;
export type ForeignKeyInfo = z.infer<typeof ForeignKey>;
export type FnInfo = z.infer<typeof Fn>;

export interface Catalog {
  tables: Map<string, TableInfo & { columnTypes: Map<string, string> }>;
  fks: ForeignKeyInfo[];
  fns: Map<string, FnInfo[]>;
}

const CATALOG_SQL = `
with rels as (
  select c.oid, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'f', 'p')
)
select json_build_object(
  'tables', coalesce((select json_agg(json_build_object(
      'name', r.relname, 'kind', r.relkind,
      'columns', coalesce((select json_agg(json_build_object('name', a.attname,
          'type', format_type(a.atttypid, a.atttypmod)) order by a.attnum)
        from pg_attribute a where a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped), '[]'::json),
      'pk', coalesce((select json_agg(a.attname order by k.ord) from pg_constraint co
        cross join lateral unnest(co.conkey) with ordinality as k(attnum, ord)
        join pg_attribute a on a.attrelid = co.conrelid and a.attnum = k.attnum
        where co.conrelid = r.oid and co.contype = 'p'), '[]'::json)
    ) order by r.relname) from rels r), '[]'::json),
  'fks', coalesce((select json_agg(json_build_object(
      'name', co.conname, 'table', src.relname, 'ref_table', dst.relname,
      'columns', (select json_agg(a.attname order by k.ord) from unnest(co.conkey) with ordinality as k(attnum, ord)
        join pg_attribute a on a.attrelid = co.conrelid and a.attnum = k.attnum),
      'ref_columns', (select json_agg(a.attname order by k.ord) from unnest(co.confkey) with ordinality as k(attnum, ord)
        join pg_attribute a on a.attrelid = co.confrelid and a.attnum = k.attnum)
    )) from pg_constraint co join rels src on src.oid = co.conrelid join rels dst on dst.oid = co.confrelid
    where co.contype = 'f'), '[]'::json),
  'fns', coalesce((select json_agg(json_build_object(
      'name', p.proname,
      'args', coalesce((select json_agg(json_build_object('name', coalesce(a.name, ''), 'type', format_type(a.type, null),
          'has_default', a.ord > p.pronargs - p.pronargdefaults) order by a.ord)
        from unnest(p.proargtypes::oid[], (coalesce(p.proargnames, '{}'::text[]))[1:p.pronargs])
          with ordinality as a(type, name, ord)), '[]'::json),
      'returns_set', p.proretset, 'return_kind', t.typtype::text, 'return_type', format_type(p.prorettype, null),
      'volatile', p.provolatile = 'v',
      'settings', coalesce((select json_agg(json_build_array(substr(s, 1, strpos(s, '=') - 1), substr(s, strpos(s, '=') + 1)))
        from unnest(p.proconfig) s where s ~ any($2::text[])), '[]'::json)
    )) from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_type t on t.oid = p.prorettype
    where n.nspname = $1 and p.prokind = 'f'), '[]'::json)
)::text as catalog`;

/** PostgREST's default db-hoisted-tx-settings (Config.hs defaultHoistedAllowList); Supabase keeps the default. */
export const HOISTED_SETTINGS = [
  'statement_timeout',
  'plan_filter.statement_cost_limit',
  'default_transaction_isolation',
];

export async function loadCatalog(q: Queryable): Promise<Catalog> {
  const r = await q.query<{ catalog: string }>(CATALOG_SQL, [SCHEMA, HOISTED_SETTINGS]);
  const raw = CatalogJson.parse(JSON.parse(r.rows[0]?.catalog ?? '{}'));
  const tables = new Map(
    raw.tables.map((t) => [t.name, { ...t, columnTypes: new Map(t.columns.map((c) => [c.name, c.type])) }]),
  );
  const fns = new Map<string, FnInfo[]>();
  for (const f of raw.fns) fns.set(f.name, [...(fns.get(f.name) ?? []), f]);
  return { tables, fks: raw.fks, fns };
}

/** Always quoted, and only ever applied to names that came from the catalog. */
export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const qualified = (name: string) => `${ident(SCHEMA)}.${ident(name)}`;
