// Builds the SQL for one PostgREST request. Identifiers come only from the catalog (quoted), values only as
// bind parameters (the request context alone as escaped literals); the JSON answer is built by PostgreSQL itself (json_agg) so both back ends agree.
import { type Catalog, ident, qualified, type TableInfo } from './catalog';
import { columnNotFound, RestError, tableNotFound } from './errors';
import type { Condition, OrderTerm, SelectItem } from './parse';

export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function requireTable(cat: Catalog, name: string) {
  const t = cat.tables.get(name);
  if (!t) throw tableNotFound(name);
  return t;
}

function requireColumn(table: TableInfo & { columnTypes: Map<string, string> }, column: string): string {
  if (!table.columnTypes.has(column)) throw columnNotFound(table.name, column);
  return ident(column);
}

interface Relationship {
  /** true: the embedded table holds the foreign key (one-to-many, an array); false: many-to-one (an object). */
  toMany: boolean;
  /** Pairs [column on the embedded table, column on the parent]. */
  pairs: [string, string][];
}

function findRelationship(
  cat: Catalog,
  parent: string,
  child: string,
  hint: string | undefined,
): Relationship {
  const candidates: (Relationship & { fk: string; cols: string[] })[] = [];
  for (const fk of cat.fks) {
    if (fk.table === parent && fk.ref_table === child)
      candidates.push({
        toMany: false,
        fk: fk.name,
        cols: fk.columns,
        pairs: fk.ref_columns.map((c, i) => [c, fk.columns[i] as string]),
      });
    else if (fk.table === child && fk.ref_table === parent)
      candidates.push({
        toMany: true,
        fk: fk.name,
        cols: fk.columns,
        pairs: fk.columns.map((c, i) => [c, fk.ref_columns[i] as string]),
      });
  }
  const matching = hint
    ? candidates.filter((c) => c.fk === hint || (c.cols.length === 1 && c.cols[0] === hint))
    : candidates;
  if (matching.length === 0)
    throw new RestError(
      400,
      'PGRST200',
      `Could not find a relationship between '${parent}' and '${child}' in the schema cache`,
      `Searched for a foreign key relationship between '${parent}' and '${child}' in the schema 'public', but no matches were found.`,
    );
  if (matching.length > 1)
    throw new RestError(
      300,
      'PGRST201',
      `Could not embed because more than one relationship was found for '${parent}' and '${child}'`,
      null,
      `Try changing '${child}' to one of the following: ${matching.map((m) => `'${child}!${m.fk}'`).join(', ')}.`,
    );
  return matching[0] as Relationship;
}

/**
 * The select list over the row alias `alias` of `table`. Embeds become correlated subqueries, so RLS on the
 * embedded table applies as in PostgREST.
 */
export function selectList(
  cat: Catalog,
  table: TableInfo & { columnTypes: Map<string, string> },
  items: SelectItem[],
  alias: string,
  depth = 0,
): string {
  const parts: string[] = [];
  for (const item of items) {
    if (item.kind === 'star') {
      for (const c of table.columns) parts.push(`${alias}.${ident(c.name)}`);
    } else if (item.kind === 'column') {
      const col = requireColumn(table, item.name);
      parts.push(`${alias}.${col}${item.alias ? ` as ${ident(item.alias)}` : ''}`);
    } else {
      const child = requireTable(cat, item.relation);
      const rel = findRelationship(cat, table.name, child.name, item.hint);
      const inner = `pgrst_${depth + 1}`;
      const join = rel.pairs.map(([c, p]) => `${inner}.${ident(c)} = ${alias}.${ident(p)}`).join(' and ');
      const list = selectList(cat, child, item.items, inner, depth + 1) || 'null';
      const rows = `select ${list} from ${qualified(child.name)} ${inner} where ${join}`;
      const key = ident(item.alias ?? item.relation);
      parts.push(
        rel.toMany
          ? `coalesce((select json_agg(pgrst_e) from (${rows} limit ${MAX_ROWS}) pgrst_e), '[]'::json) as ${key}`
          : `(select row_to_json(pgrst_e) from (${rows} limit 1) pgrst_e) as ${key}`,
      );
    }
  }
  return parts.join(', ');
}

const OPS: Record<string, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  ilike: 'ilike',
  cs: '@>',
  cd: '<@',
  ov: '&&',
};

export function whereClause(
  table: TableInfo & { columnTypes: Map<string, string> },
  conditions: Condition[],
  alias: string,
  params: Params,
): string {
  const one = (c: Condition): string => {
    if (c.kind === 'logic') {
      const inner = c.children.map(one).join(` ${c.op} `) || (c.op === 'and' ? 'true' : 'false');
      return `${c.negated ? 'not ' : ''}(${inner})`;
    }
    const col = `${alias}.${requireColumn(table, c.column)}`;
    let sql: string;
    if (c.op === 'in') {
      const list = c.value as string[];
      sql = list.length === 0 ? 'false' : `${col} in (${list.map((v) => params.add(v)).join(', ')})`;
    } else if (c.op === 'is') {
      sql = `${col} is ${{ null: 'null', true: 'true', false: 'false', unknown: 'unknown' }[(c.value as string).toLowerCase()]}`;
    } else if (c.op === 'like' || c.op === 'ilike') {
      sql = `${col} ${OPS[c.op]} ${params.add((c.value as string).replaceAll('*', '%'))}`;
    } else {
      sql = `${col} ${OPS[c.op]} ${params.add(c.value)}`;
    }
    return c.negated ? `not (${sql})` : sql;
  };
  return conditions.length ? conditions.map(one).join(' and ') : 'true';
}

export function orderClause(
  table: TableInfo & { columnTypes: Map<string, string> },
  order: OrderTerm[],
  alias: string,
): string {
  if (order.length === 0) return '';
  const terms = order.map(
    (o) =>
      `${alias}.${requireColumn(table, o.column)} ${o.desc ? 'desc' : 'asc'}${o.nulls ? ` nulls ${o.nulls}` : ''}`,
  );
  return ` order by ${terms.join(', ')}`;
}

/**
 * supabase/config.toml [api] max_rows, which `supabase start` and the hosted project pass to PostgREST as
 * db-max-rows: reads, function results and every embedded resource stop at this many rows (Plan.hs
 * treeRestrictRange); writes are not limited.
 */
export const MAX_ROWS = 1000;

export interface EnvelopeOptions {
  /** Build the JSON body (false: return=minimal and HEAD). */
  body: boolean;
  /** text/csv as PostgREST builds it (SqlFragment.hs asCsvF): a header from the first row's keys, then rows. */
  csv?: boolean;
  /** `nulls=stripped` media types: json_strip_nulls over the body (SqlFragment.hs addNullsToSnip). */
  stripNulls?: boolean;
  /** Writes: how many rows a merge-duplicates upsert inserted (Statements.hs pgrst.inserted). */
  inserted?: boolean;
}

/** Wraps a row source into the one-row answer: total (optional), page size, body, first element, inserted. */
export function envelope(rowsSql: string, countSql: string | undefined, opts: EnvelopeOptions): string {
  const total = countSql ? `(${countSql})::text` : 'null::text';
  const strip = (j: string) => (opts.stripNulls ? `json_strip_nulls(${j})` : j);
  let body = 'null::text as body, null::text as first';
  if (opts.body && opts.csv) {
    const header = `(select coalesce(string_agg(pgrst_a.k, ','), '') from (select json_object_keys(pgrst_r.r)::text as k
      from (select row_to_json(pgrst_h) as r from (${rowsSql}) pgrst_h limit 1) pgrst_r) pgrst_a)`;
    const lines = `coalesce(string_agg(substring(pgrst_t::text, 2, length(pgrst_t::text) - 2), E'\\n'), '')`;
    body = `${header} || E'\\n' || ${lines} as body, null::text as first`;
  } else if (opts.body)
    body = `${strip(`coalesce(json_agg(pgrst_t), '[]'::json)`)}::text as body, ${strip('(json_agg(pgrst_t) -> 0)')}::text as first`;
  const inserted = opts.inserted
    ? `nullif(current_setting('pgrst.inserted', true), '')::int as inserted`
    : 'null::int as inserted';
  return `select ${total} as total, count(*)::text as page_total, ${body}, ${inserted} from (${rowsSql}) pgrst_t`;
}

/**
 * A string constant that means the same whatever standard_conforming_strings says, for the few statements
 * that must go without bind parameters (on PostgreSQL they travel in one round trip with BEGIN).
 */
export function literal(text: string): string {
  // PostgreSQL text cannot hold NUL, and a NUL would end the query text early.
  if (text.includes('\0'))
    throw new RestError(400, '22021', 'invalid byte sequence for encoding "UTF8": 0x00');
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}
