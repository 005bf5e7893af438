// Turns one /rest/v1 request into one SQL statement (plus how to answer), using only catalog names.
import { type Catalog, type FnInfo, ident, qualified } from './catalog';
import { bodyColumnNotFound, parseError, RestError } from './errors';
import { parseQuery, type ReadParams } from './parse';
import type { RestRequest } from './service';
import { envelope, orderClause, Params, requireTable, selectList, whereClause } from './sql';

export interface RestPlan {
  kind: 'read' | 'write' | 'rows' | 'scalar' | 'void';
  sql: string;
  params: unknown[];
  readOnly: boolean;
  offset: number;
  successStatus: number;
  minimalStatus: number;
  returnBody: boolean;
}

const invalidBody = (message: string) => new RestError(400, 'PGRST102', message);

function limits(q: ReadParams, r: RestRequest): { limit: number | undefined; offset: number } {
  let limit = q.limit;
  let offset = q.offset;
  if (r.range) {
    offset = q.offset || r.range.offset;
    if (Number.isFinite(r.range.limit))
      limit = limit === undefined ? r.range.limit : Math.min(limit, r.range.limit);
  }
  return { limit, offset };
}

function paging(params: Params, limit: number | undefined, offset: number): string {
  return `${limit === undefined ? '' : ` limit ${params.add(limit)}`}${offset ? ` offset ${params.add(offset)}` : ''}`;
}

const wantsCount = (r: RestRequest) =>
  r.prefer.has('count=exact') || r.prefer.has('count=planned') || r.prefer.has('count=estimated');

function planRead(cat: Catalog, name: string, r: RestRequest): RestPlan {
  const table = requireTable(cat, name);
  const q = parseQuery(r.query);
  const params = new Params();
  const list = selectList(cat, table, q.select, 'pgrst_0') || 'null';
  const where = whereClause(table, q.where, 'pgrst_0', params);
  const { limit, offset } = limits(q, r);
  const rows = `select ${list} from ${qualified(table.name)} pgrst_0 where ${where}${orderClause(table, q.order, 'pgrst_0')}${paging(params, limit, offset)}`;
  const count = wantsCount(r)
    ? `select count(*) from ${qualified(table.name)} pgrst_0 where ${where}`
    : undefined;
  return {
    kind: 'read',
    sql: envelope(rows, count, true),
    params: params.values,
    readOnly: true,
    offset,
    successStatus: 200,
    minimalStatus: 200,
    returnBody: true,
  };
}

function bodyRows(body: unknown): Record<string, unknown>[] {
  const rows = Array.isArray(body) ? body : [body];
  if (body === undefined || !rows.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x)))
    throw invalidBody('Empty or invalid json');
  return rows as Record<string, unknown>[];
}

function mutationAnswer(
  cat: Catalog,
  table: ReturnType<typeof requireTable>,
  statements: string[],
  q: ReadParams,
  r: RestRequest,
  params: Params,
  successStatus: number,
): RestPlan {
  const representation = r.prefer.has('return=representation');
  // With return=minimal no row is read back, so SELECT policies do not apply (RETURNING 1 reads no column).
  const returning = representation ? ' returning pgrst_0.*' : ' returning 1';
  const rows = representation
    ? `select ${selectList(cat, table, q.select, 'pgrst_0') || 'null'} from pgrst_source pgrst_0`
    : 'select 1 from pgrst_source';
  const count = wantsCount(r) ? 'select count(*) from pgrst_source' : undefined;
  // Several statements (inserts grouped by their set of columns) feed one result, in order.
  // Nothing to write (an empty array or object): an empty result of the right shape.
  const nothing = representation
    ? `select pgrst_0.* from ${qualified(table.name)} pgrst_0 where false`
    : 'select 1 where false';
  const ctes = statements.map((st, i) => `pgrst_s${i} as (${st}${returning}), `).join('');
  const union = statements.map((_, i) => `select * from pgrst_s${i}`).join(' union all ') || nothing;
  const sql = `with ${ctes}pgrst_source as (${union}) ${envelope(rows, count, representation)}`;
  return {
    kind: 'write',
    sql,
    params: params.values,
    readOnly: false,
    offset: 0,
    successStatus,
    minimalStatus: successStatus === 201 ? 201 : 204,
    returnBody: representation,
  };
}

function planInsert(cat: Catalog, name: string, r: RestRequest): RestPlan {
  const table = requireTable(cat, name);
  const q = parseQuery(r.query);
  const rows = bodyRows(r.body);
  const allKeys = q.columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  for (const k of allKeys) if (!table.columnTypes.has(k)) throw bodyColumnNotFound(table.name, k);
  // Missing keys are NULL, or with `Prefer: missing=default` the column default: rows are then inserted in
  // groups that share the same keys, so each group names only the columns it has.
  const groups = new Map<string, { keys: string[]; rows: Record<string, unknown>[] }>();
  for (const row of rows) {
    const keys = r.prefer.has('missing=default') ? allKeys.filter((k) => k in row) : allKeys;
    const id = JSON.stringify(keys);
    const g = groups.get(id) ?? { keys, rows: [] };
    g.rows.push(row);
    groups.set(id, g);
  }
  const params = new Params();
  const conflict = onConflict(table, q, r);
  const statements = [...groups.values()].map(({ keys, rows: groupRows }) => {
    const cols = keys.map(ident).join(', ');
    const source = `json_populate_recordset(null::${qualified(table.name)}, ${params.add(JSON.stringify(groupRows))}::json)`;
    const insert =
      keys.length === 0
        ? `insert into ${qualified(table.name)} as pgrst_0 default values`
        : `insert into ${qualified(table.name)} as pgrst_0 (${cols}) select ${cols} from ${source}`;
    return insert + conflict(keys);
  });
  return mutationAnswer(cat, table, statements, q, r, params, 201);
}

function onConflict(
  table: ReturnType<typeof requireTable>,
  q: ReadParams,
  r: RestRequest,
): (keys: string[]) => string {
  const merge = r.prefer.has('resolution=merge-duplicates');
  const ignore = r.prefer.has('resolution=ignore-duplicates');
  if (!merge && !ignore) return () => '';
  const target = q.onConflict ?? table.pk;
  if (target.length === 0) throw parseError('on_conflict is required for a table without a primary key');
  for (const c of target) if (!table.columnTypes.has(c)) throw bodyColumnNotFound(table.name, c);
  return (keys) => {
    const updates = keys.filter((k) => !target.includes(k));
    const action =
      ignore || updates.length === 0
        ? 'do nothing'
        : `do update set ${updates.map((k) => `${ident(k)} = excluded.${ident(k)}`).join(', ')}`;
    return ` on conflict (${target.map(ident).join(', ')}) ${action}`;
  };
}

/** Supabase runs PostgREST with pg-safeupdate: an UPDATE or DELETE without a filter is refused. */
function requireFilter(q: ReadParams, verb: 'UPDATE' | 'DELETE') {
  if (q.where.length === 0) throw new RestError(400, '21000', `${verb} requires a WHERE clause`);
}

function planUpdate(cat: Catalog, name: string, r: RestRequest): RestPlan {
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
  return mutationAnswer(cat, table, statements, q, r, params, 200);
}

function planDelete(cat: Catalog, name: string, r: RestRequest): RestPlan {
  const table = requireTable(cat, name);
  const q = parseQuery(r.query);
  requireFilter(q, 'DELETE');
  const params = new Params();
  const statement = `delete from ${qualified(table.name)} pgrst_0 where ${whereClause(table, q.where, 'pgrst_0', params)}`;
  return mutationAnswer(cat, table, [statement], q, r, params, 200);
}

function pickFunction(cat: Catalog, name: string, keys: string[]): FnInfo {
  const candidates = cat.fns.get(name) ?? [];
  const fits = candidates.filter(
    (f) =>
      keys.every((k) => f.args.some((a) => a.name === k)) &&
      f.args.every((a) => a.has_default || keys.includes(a.name)),
  );
  if (fits.length === 1) return fits[0] as FnInfo;
  if (fits.length > 1)
    throw new RestError(
      300,
      'PGRST203',
      `Could not choose the best candidate function between: ${fits.map((f) => `public.${f.name}`).join(', ')}`,
    );
  const shown = keys.length ? `(${keys.join(', ')})` : ' without parameters';
  throw new RestError(
    404,
    'PGRST202',
    `Could not find the function public.${name}${shown} in the schema cache`,
    `Searched for the function public.${name}${keys.length ? ` with parameter${keys.length > 1 ? 's' : ''} ${keys.join(', ')}` : ' without parameters'}, but no matches were found in the schema cache.`,
  );
}

function planRpc(cat: Catalog, name: string, r: RestRequest): RestPlan {
  const candidates = cat.fns.get(name) ?? [];
  const argNames = new Set(candidates.flatMap((f) => f.args.map((a) => a.name)));
  const isGet = r.method === 'GET' || r.method === 'HEAD';
  const q = parseQuery(r.query, isGet ? argNames : new Set());
  let args: Record<string, unknown>;
  if (isGet) args = Object.fromEntries(q.others);
  else {
    if (r.body !== undefined && (typeof r.body !== 'object' || r.body === null || Array.isArray(r.body)))
      throw invalidBody('Empty or invalid json');
    args = (r.body as Record<string, unknown> | undefined) ?? {};
  }
  const fn = pickFunction(cat, name, Object.keys(args));
  const params = new Params();
  const used = fn.args.filter((a) => a.name in args);
  const call = `${qualified(fn.name)}(${used.map((a) => `${ident(a.name)} := pgrst_args.${ident(a.name)}`).join(', ')})`;
  const from = used.length
    ? ` from json_to_record(${params.add(JSON.stringify(args))}::json) as pgrst_args(${used.map((a) => `${ident(a.name)} ${a.type}`).join(', ')})`
    : '';
  const base = {
    params: params.values,
    readOnly: isGet,
    offset: 0,
    successStatus: 200,
    minimalStatus: 200,
    returnBody: true,
  };
  if (fn.return_type === 'void') return { ...base, kind: 'void', sql: `select ${call}${from}` };
  const resultTable = cat.tables.get(fn.return_type.replace(/^public\./, ''));
  const rowsLike = fn.returns_set || fn.return_kind === 'c';
  if (!rowsLike)
    return { ...base, kind: 'scalar', sql: `select coalesce(to_json(${call})::text, 'null') as body${from}` };
  const { limit, offset } = limits(q, r);
  if (fn.returns_set && fn.return_kind !== 'c' && fn.return_type !== 'record') {
    // A set of scalars: PostgREST answers with a JSON array of the values.
    const values = `select pgrst_0.v${from ? `${from},` : ' from'} lateral ${call} as pgrst_0(v)${paging(params, limit, offset)}`;
    return {
      ...base,
      kind: 'rows',
      offset,
      sql: `select null::text as total, count(*)::text as page_total,
        coalesce(json_agg(pgrst_t.v), '[]'::json)::text as body, null::text as first from (${values}) pgrst_t`,
    };
  }
  // Set-returning and composite results: filtered, ordered and paged like a table when their type is one.
  const lateral = `${from ? `${from},` : ' from'} lateral ${call} pgrst_0`;
  let list = 'pgrst_0.*';
  let where = 'true';
  let order = '';
  if (resultTable) {
    list = selectList(cat, resultTable, q.select, 'pgrst_0') || 'null';
    where = whereClause(resultTable, q.where, 'pgrst_0', params);
    order = orderClause(resultTable, q.order, 'pgrst_0');
  } else if (q.where.length || q.order.length || q.select.some((s) => s.kind !== 'star'))
    throw parseError(
      `filters and column selection on the result of ${name} are not supported by the local stack`,
    );
  const rows = `select ${list}${lateral} where ${where}${order}${paging(params, limit, offset)}`;
  if (!fn.returns_set) {
    // A single composite: PostgREST answers with the object itself.
    return {
      ...base,
      kind: 'scalar',
      sql: `select coalesce((select row_to_json(pgrst_t)::text from (${rows}) pgrst_t limit 1), 'null') as body`,
    };
  }
  const count = wantsCount(r) ? `select count(*)${lateral} where ${where}` : undefined;
  return { ...base, kind: 'rows', sql: envelope(rows, count, true), offset };
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new RestError(404, 'PGRST125', 'Invalid path specified in request URL');
  }
}

export function planRequest(cat: Catalog, r: RestRequest): RestPlan {
  const rpc = /^\/rpc\/([^/]+)$/.exec(r.path);
  if (rpc) {
    if (!['GET', 'HEAD', 'POST'].includes(r.method))
      throw new RestError(405, 'PGRST101', `Cannot use the ${r.method.slice(0, 10)} method on RPC`);
    return planRpc(cat, decodeName(rpc[1] as string), r);
  }
  const table = /^\/([^/]+)$/.exec(r.path);
  if (!table) throw new RestError(404, 'PGRST125', 'Invalid path specified in request URL');
  const name = decodeName(table[1] as string);
  switch (r.method) {
    case 'GET':
    case 'HEAD':
      return planRead(cat, name, r);
    case 'POST':
      return planInsert(cat, name, r);
    case 'PATCH':
      return planUpdate(cat, name, r);
    default:
      return planDelete(cat, name, r);
  }
}
