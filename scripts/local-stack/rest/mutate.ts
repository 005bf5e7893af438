// POST, PATCH and DELETE on a table, as PostgREST v14 builds them (src/PostgREST/Query/QueryBuilder.hs
// mutatePlanToQuery, Query/Statements.hs mainWrite) and answers them (Response.hs actionResponse).

import type { Catalog } from './catalog';
import { ident, qualified } from './catalog';
import { bodyColumnNotFound, notImplemented, RestError } from './errors';
import { parseQuery, type ReadParams } from './parse';
import type { RestPlan } from './plan';
import type { RestRequest } from './service';
import { envelope, Params, requireTable, selectList, whereClause } from './sql';

type Table = ReturnType<typeof requireTable>;

const invalidBody = (message: string) => new RestError(400, 'PGRST102', message);

// Payload.hs: every element of an array must have the same keys unless ?columns names them; a JSON value that
// is neither an object nor an array of objects counts as an empty array.
function bodyRows(body: unknown, columns: string[] | undefined): Record<string, unknown>[] {
  if (body === undefined) throw invalidBody('Empty or invalid json');
  const isObject = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  if (isObject(body)) return [body];
  if (!Array.isArray(body) || body.length === 0) return [];
  if (!body.every(isObject)) throw invalidBody('All object keys must match');
  if (columns === undefined) {
    const keys = (o: Record<string, unknown>) => Object.keys(o).sort().join('\u0000');
    const first = keys(body[0] as Record<string, unknown>);
    if (!body.every((o) => keys(o) === first)) throw invalidBody('All object keys must match');
  }
  return body;
}

const wantsCount = (r: RestRequest) => r.prefer.count === 'exact' || r.prefer.count === 'estimated';

function answer(
  cat: Catalog,
  table: Table,
  statements: string[],
  q: ReadParams,
  r: RestRequest,
  params: Params,
  how: { planKind: 'insert' | 'update' | 'delete'; upsert: boolean; merge: boolean },
): RestPlan {
  // Response.hs: headers-only answers an insert with a Location header built from the primary key.
  if (r.prefer.representation === 'headers-only' && how.planKind === 'insert')
    throw notImplemented(
      'Prefer: return=headers-only (the Location header) is not modelled by the local stack',
    );
  const representation = r.prefer.representation === 'representation';
  // With return=minimal no row is read back, so SELECT policies do not apply (RETURNING 1 reads no column).
  const returning = representation ? ' returning pgrst_0.*' : ' returning 1';
  const rows = representation
    ? `select ${selectList(cat, table, q.select, 'pgrst_0') || 'null'} from pgrst_source pgrst_0`
    : 'select 1 from pgrst_source';
  const count = wantsCount(r) ? 'select count(*) from pgrst_source' : undefined;
  // Nothing to write (an empty array or object): an empty result of the right shape.
  const nothing = representation
    ? `select pgrst_0.* from ${qualified(table.name)} pgrst_0 where false`
    : 'select 1 where false';
  // Several statements (inserts grouped by their set of columns) feed one result, in order.
  const ctes = statements.map((st, i) => `pgrst_s${i} as (${st}${returning}), `).join('');
  const union = statements.map((_, i) => `select * from pgrst_s${i}`).join(' union all ') || nothing;
  const body = envelope(rows, count, {
    body: representation,
    csv: r.media.kind === 'csv',
    stripNulls: r.media.kind !== 'csv' && r.media.stripNulls,
    inserted: how.merge,
  });
  const insert = how.planKind === 'insert';
  return {
    kind: 'write',
    planKind: how.planKind,
    sql: `with ${ctes}pgrst_source as (${union}) ${body}`,
    params: params.values,
    readOnly: false,
    offset: 0,
    // Response.hs: an insert answers 201, a merge-duplicates upsert that inserted nothing 200, with or without
    // a body (execute.ts).
    statusFromInserted: how.merge,
    returnBody: representation,
    upsert: how.upsert,
    checkMaxAffected: !insert,
    settings: [],
  };
}

// Statements.hs pgrst.inserted: every row offered to the INSERT counts one up, every row that goes through
// ON CONFLICT DO UPDATE one down, so what is left is the number of rows inserted.
const COUNT_UP = `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) + 1)::text, true) <> '0'`;
const COUNT_DOWN = `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) - 1)::text, true) <> '-1'`;

export function planInsert(cat: Catalog, name: string, r: RestRequest): RestPlan {
  const table = requireTable(cat, name);
  const q = parseQuery(r.query);
  const rows = bodyRows(r.body, q.columns);
  const allKeys = q.columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  for (const k of allKeys) if (!table.columnTypes.has(k)) throw bodyColumnNotFound(table.name, k);
  // Missing keys are NULL, or with `Prefer: missing=default` the column default: rows are then inserted in
  // groups that share the same keys, so each group names only the columns it has.
  const groups = new Map<string, { keys: string[]; rows: Record<string, unknown>[] }>();
  for (const row of rows) {
    const keys = r.prefer.missing === 'default' ? allKeys.filter((k) => k in row) : allKeys;
    const id = JSON.stringify(keys);
    const g = groups.get(id) ?? { keys, rows: [] };
    g.rows.push(row);
    groups.set(id, g);
  }
  // QueryBuilder.hs: the conflict target is on_conflict or the primary key; a table with neither ignores the
  // resolution and inserts plainly.
  const target = q.onConflict ?? table.pk;
  for (const c of target) if (!table.columnTypes.has(c)) throw bodyColumnNotFound(table.name, c);
  const resolution = target.length ? r.prefer.resolution : undefined;
  const merge = resolution === 'merge-duplicates';
  const params = new Params();
  const statements = [...groups.values()].map(({ keys, rows: groupRows }) => {
    const cols = keys.map(ident).join(', ');
    const source = `json_populate_recordset(null::${qualified(table.name)}, ${params.add(JSON.stringify(groupRows))}::json)`;
    const where = merge ? ` where ${COUNT_UP}` : '';
    let sql = `insert into ${qualified(table.name)} as pgrst_0 ${keys.length ? `(${cols}) ` : ''}select ${cols} from ${source} pgrst_body${where}`;
    if (resolution) {
      // Every payload column is set from EXCLUDED, the conflict key too: a payload of only the key still
      // "updates" the row, so it comes back with return=representation. No column at all: DO NOTHING.
      const action =
        resolution === 'ignore-duplicates' || keys.length === 0
          ? 'do nothing'
          : `do update set ${keys.map((k) => `${ident(k)} = excluded.${ident(k)}`).join(', ')} where ${COUNT_DOWN}`;
      sql += ` on conflict (${target.map(ident).join(', ')}) ${action}`;
    }
    return sql;
  });
  return answer(cat, table, statements, q, r, params, {
    planKind: 'insert',
    upsert: resolution !== undefined,
    merge,
  });
}

/** Supabase runs PostgREST with pg-safeupdate: an UPDATE or DELETE without a filter is refused. */
function requireFilter(q: ReadParams, verb: 'UPDATE' | 'DELETE') {
  if (q.where.length === 0) throw new RestError(400, '21000', `${verb} requires a WHERE clause`);
}

export function planUpdate(cat: Catalog, name: string, r: RestRequest): RestPlan {
  const table = requireTable(cat, name);
  const q = parseQuery(r.query);
  if (typeof r.body !== 'object' || r.body === null || Array.isArray(r.body))
    throw invalidBody('Empty or invalid json');
  const keys = Object.keys(r.body);
  for (const k of keys) if (!table.columnTypes.has(k)) throw bodyColumnNotFound(table.name, k);
  requireFilter(q, 'UPDATE');
  const params = new Params();
  const record = params.add(JSON.stringify(r.body));
  const where = whereClause(table, q.where, 'pgrst_0', params);
  const statements =
    keys.length === 0
      ? []
      : [
          `update ${qualified(table.name)} pgrst_0 set ${keys.map((k) => `${ident(k)} = pgrst_body.${ident(k)}`).join(', ')}
         from json_populate_record(null::${qualified(table.name)}, ${record}::json) pgrst_body where ${where}`,
        ];
  return answer(cat, table, statements, q, r, params, { planKind: 'update', upsert: false, merge: false });
}

export function planDelete(cat: Catalog, name: string, r: RestRequest): RestPlan {
  const table = requireTable(cat, name);
  const q = parseQuery(r.query);
  requireFilter(q, 'DELETE');
  const params = new Params();
  const statement = `delete from ${qualified(table.name)} pgrst_0 where ${whereClause(table, q.where, 'pgrst_0', params)}`;
  return answer(cat, table, [statement], q, r, params, { planKind: 'delete', upsert: false, merge: false });
}
