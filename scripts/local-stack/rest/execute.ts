// Runs a planned request inside its transaction and builds the answer as PostgREST v14 does (src/PostgREST/
// MainTx.hs actionResult, Response.hs actionResponse, RangeQuery.hs rangeStatusHeader).
import type { Transaction } from '../db';
import { RestError, singularity } from './errors';
import type { RestPlan } from './plan';
import { preferenceApplied } from './prefer';
import type { RestRequest } from './service';
import { MAX_ROWS } from './sql';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  contentType?: string;
}

interface Row {
  total: string | null;
  page_total: string;
  body: string | null;
  first: string | null;
  inserted?: number | string | null;
}

/** What PostgreSQL answers when statement_timeout cuts a statement off. */
const statementTimeout = () =>
  Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });

/** One statement, failed afterwards like PostgreSQL would have cut it off, when it ran past `deadlineMs`. */
async function timed<R>(
  tx: Transaction,
  sql: string,
  params: unknown[],
  deadlineMs: number | undefined,
): Promise<{ rows: R[] }> {
  const started = performance.now();
  const res = await tx.query<R>(sql, params);
  if (deadlineMs !== undefined && performance.now() - started > deadlineMs) throw statementTimeout();
  return res;
}

function contentType(r: RestRequest): string {
  switch (r.media.kind) {
    case 'csv':
      return 'text/csv; charset=utf-8';
    case 'object':
      return `application/vnd.pgrst.object+json${r.media.stripNulls ? ';nulls=stripped' : ''}; charset=utf-8`;
    default:
      return r.media.stripNulls
        ? 'application/vnd.pgrst.array+json;nulls=stripped; charset=utf-8'
        : 'application/json; charset=utf-8';
  }
}

/** RangeQuery.hs contentRangeH: `lower-upper/total`, `*` when the range is empty or the total is 0. */
function contentRange(lower: number, upper: number, total: number | undefined): string {
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : '*';
  return `${range}/${total ?? '*'}`;
}

async function planned(tx: Transaction, plan: RestPlan, deadline: number | undefined) {
  if (!plan.explain) return undefined;
  const res = await timed<Record<string, unknown>>(tx, plan.explain.sql, plan.explain.params, deadline);
  const raw = Object.values(res.rows[0] ?? {})[0];
  const json = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan?: { 'Plan Rows'?: number } }];
  const rows = json[0]?.Plan?.['Plan Rows'];
  return typeof rows === 'number' ? Math.round(rows) : undefined;
}

export async function execute(
  tx: Transaction,
  plan: RestPlan,
  r: RestRequest,
  deadline: number | undefined,
): Promise<Answer> {
  // Response.hs: every answer with a body names the negotiated schema, as there are several.
  const profile = { 'content-profile': 'public' };
  const applied = preferenceApplied(r.prefer, plan.planKind, plan.upsert);
  const prefHeader: Record<string, string> = applied ? { 'preference-applied': applied } : {};
  if (plan.kind === 'void') {
    await timed(tx, plan.sql, plan.params, deadline);
    return { status: 204, headers: { 'content-range': '*/*', ...prefHeader }, body: null };
  }
  const res = await timed<Row>(tx, plan.sql, plan.params, deadline);
  const row = res.rows[0];
  const pageTotal = Number(row?.page_total ?? '0');
  let total = row?.total == null ? undefined : Number(row.total);
  const single = r.media.kind === 'object';
  if (plan.kind === 'scalar')
    return {
      status: 200,
      headers: { 'content-range': '0-0/*', ...prefHeader, ...profile },
      body: row?.body ?? 'null',
      contentType: contentType(r),
    };
  // MainTx.hs: singular media and max-affected (handling=strict) fail and roll back the whole request.
  if (single && pageTotal !== 1) throw singularity(pageTotal);
  const max = r.prefer.maxAffected;
  if (plan.checkMaxAffected && r.prefer.handling === 'strict' && max !== undefined && pageTotal > max)
    throw new RestError(
      400,
      'PGRST124',
      'Query result exceeds max-affected preference constraint',
      `The query affects ${pageTotal} rows`,
    );
  if (plan.kind === 'read' && plan.explain) {
    const estimate = await planned(tx, plan, deadline);
    // MainTx.hs: planned is the planner's guess; estimated the exact count unless it passed max-rows.
    if (r.prefer.count === 'planned') total = estimate;
    else if (total !== undefined && total > MAX_ROWS && estimate !== undefined)
      total = Math.max(total, estimate);
  }
  const body = single ? (row?.first ?? 'null') : (row?.body ?? '[]');
  if (plan.kind === 'write') {
    const inserted = row?.inserted == null ? undefined : Number(row.inserted);
    const status =
      plan.planKind !== 'insert'
        ? plan.returnBody
          ? 200
          : 204
        : plan.statusFromInserted && (inserted === undefined || inserted <= 0)
          ? 200
          : 201;
    const range =
      plan.planKind === 'update' ? contentRange(0, pageTotal - 1, total) : contentRange(1, 0, total);
    const headers = { 'content-range': range, ...prefHeader };
    if (!plan.returnBody) return { status, headers, body: null };
    return { status, headers: { ...headers, ...profile }, body, contentType: contentType(r) };
  }
  // Reads and set-returning functions: 416 past the end, 206 for part of a known total.
  const offset = plan.offset;
  if (total !== undefined && offset > total)
    throw new RestError(
      416,
      'PGRST103',
      'Requested range not satisfiable',
      `An offset of ${offset} was requested, but there are only ${total} rows.`,
      null,
      { 'content-range': `*/${total}` },
    );
  const status = total !== undefined && pageTotal < total ? 206 : 200;
  return {
    status,
    headers: {
      'content-range': contentRange(offset, offset + pageTotal - 1, total),
      ...prefHeader,
      ...profile,
    },
    body,
    contentType: contentType(r),
  };
}
