// Turns one /rest/v1 request into one SQL statement (plus how to answer), using only catalog names.
import { type Catalog, type FnInfo, ident, qualified } from './catalog';
import { parseError, RestError } from './errors';
import { planDelete, planInsert, planUpdate } from './mutate';
import { parseQuery, type ReadParams } from './parse';
import type { PlanKind } from './prefer';
import type { RestRequest } from './service';
import { envelope, MAX_ROWS, orderClause, Params, requireTable, selectList, whereClause } from './sql';

export interface RestPlan {
  kind: 'read' | 'write' | 'rows' | 'scalar' | 'void';
  planKind: PlanKind;
  sql: string;
  params: unknown[];
  readOnly: boolean;
  offset: number;
  /** A merge-duplicates upsert: 200 instead of 201 when it inserted no row (Response.hs isInsertIfGTZero). */
  statusFromInserted?: boolean;
  returnBody: boolean;
  /** An insert whose resolution applies (Preference-Applied names it). */
  upsert?: boolean;
  /** Update, delete and set-returning RPC: `Prefer: max-affected` with handling=strict applies. */
  checkMaxAffected: boolean;
  /** `Prefer: count=planned|estimated` on a read: EXPLAIN of the rows counted, for the planner's estimate. */
  explain?: { sql: string; params: unknown[] };
  /** A called function's own SET statement_timeout & co., hoisted into the transaction (PreQuery.hs). */
  settings: [string, string][];
}

const invalidBody = (message: string) => new RestError(400, 'PGRST102', message);

// Plan.hs: max-affected with handling=strict needs a function that returns a set.
const maxAffectedOnSingle = () =>
  new RestError(
    400,
    'PGRST128',
    'Function must return SETOF or TABLE when max-affected preference is used with handling=strict',
  );

function limits(q: ReadParams, r: RestRequest): { limit: number | undefined; offset: number } {
  let limit = q.limit;
  let offset = q.offset;
  if (r.range) {
    offset = q.offset || r.range.offset;
    if (Number.isFinite(r.range.limit))
      limit = limit === undefined ? r.range.limit : Math.min(limit, r.range.limit);
  }
  return { limit: Math.min(limit ?? MAX_ROWS, MAX_ROWS), offset };
}

function paging(params: Params, limit: number | undefined, offset: number): string {
  return `${limit === undefined ? '' : ` limit ${params.add(limit)}`}${offset ? ` offset ${params.add(offset)}` : ''}`;
}

// Preferences.hs shouldCount: exact and estimated count rows; planned (and estimated past max-rows) asks the
// planner (MainTx.hs), which only reads do.
const wantsCount = (r: RestRequest) => r.prefer.count === 'exact' || r.prefer.count === 'estimated';

function planRead(cat: Catalog, name: string, r: RestRequest): RestPlan {
  const table = requireTable(cat, name);
  const q = parseQuery(r.query);
  const params = new Params();
  const list = selectList(cat, table, q.select, 'pgrst_0') || 'null';
  const where = whereClause(table, q.where, 'pgrst_0', params);
  const { limit, offset } = limits(q, r);
  const from = `from ${qualified(table.name)} pgrst_0 where ${where}`;
  const rows = `select ${list} ${from}${orderClause(table, q.order, 'pgrst_0')}${paging(params, limit, offset)}`;
  // Estimated: an exact count up to max-rows + 1, the planner's guess beyond (Statements.hs mainRead).
  const count =
    r.prefer.count === 'exact'
      ? `select count(*) ${from}`
      : r.prefer.count === 'estimated'
        ? `select count(*) from (select 1 ${from} limit ${MAX_ROWS + 1}) pgrst_c`
        : undefined;
  let explain: RestPlan['explain'];
  if (r.prefer.count === 'planned' || r.prefer.count === 'estimated') {
    const p = new Params();
    explain = {
      sql: `explain (format json) select 1 from ${qualified(table.name)} pgrst_0 where ${whereClause(table, q.where, 'pgrst_0', p)}`,
      params: p.values,
    };
  }
  return {
    kind: 'read',
    planKind: 'read',
    sql: envelope(rows, count, {
      body: r.method !== 'HEAD',
      csv: r.media.kind === 'csv',
      stripNulls: r.media.kind !== 'csv' && r.media.stripNulls,
    }),
    params: params.values,
    readOnly: true,
    offset,
    returnBody: true,
    checkMaxAffected: false,
    ...(explain ? { explain } : {}),
    settings: [],
  };
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
  if (r.prefer.handling === 'strict' && r.prefer.maxAffected !== undefined && !fn.returns_set)
    throw maxAffectedOnSingle();
  const base = {
    planKind: 'call' as const,
    params: params.values,
    readOnly: isGet,
    offset: 0,
    returnBody: true,
    checkMaxAffected: fn.returns_set,
    settings: fn.settings,
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
  const stripNulls = r.media.kind !== 'csv' && r.media.stripNulls;
  return { ...base, kind: 'rows', sql: envelope(rows, count, { body: true, stripNulls }), offset };
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
