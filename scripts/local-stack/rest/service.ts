// /rest/v1: the PostgREST behaviour postgrest-js relies on. Every request runs in one transaction as the JWT's
// role with request.jwt.claims set, so the database's grants and RLS policies decide, as behind PostgREST.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database, Transaction } from '../db';
import { checkApiKey } from '../http/apikey';
import { BodyTooLargeError, InvalidJsonError, readJson } from '../http/body';
import { bearer, header, sendRaw } from '../http/respond';
import { type JwtClaims, JwtError } from '../jwt';
import type { ServiceFactory, StackContext } from '../server';
import { type Catalog, loadCatalog } from './catalog';
import { fromPgError, isPgError, RestError, singularity } from './errors';
import { planRequest, type RestPlan } from './plan';
import { literal } from './sql';

export const PREFIX = '/rest/v1';
const OBJECT_MEDIA = 'application/vnd.pgrst.object+json';

export interface RestRequest {
  method: string;
  /** Path below /rest/v1 ('/entries', '/rpc/log_event'). */
  path: string;
  query: URLSearchParams;
  prefer: Set<string>;
  single: boolean;
  range: { offset: number; limit: number } | undefined;
  body: unknown;
}

function parsePrefer(req: IncomingMessage): Set<string> {
  const raw = req.headers.prefer;
  const all = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',');
  return new Set(all.map((p) => p.trim()).filter(Boolean));
}

function parseRange(req: IncomingMessage): RestRequest['range'] {
  const raw = header(req, 'range');
  if (!raw) return undefined;
  const m = /^(?:items=)?\s*(\d+)-(\d*)$/.exec(raw.trim());
  if (!m) return undefined;
  const lower = Number(m[1]);
  if (m[2] === '') return { offset: lower, limit: Number.POSITIVE_INFINITY };
  const upper = Number(m[2]);
  if (upper < lower)
    throw new RestError(
      416,
      'PGRST103',
      'Requested range not satisfiable',
      'The lower boundary must be lower than or equal to the upper boundary in the Range header.',
    );
  return { offset: lower, limit: upper - lower + 1 };
}

async function claimsFor(ctx: StackContext, req: IncomingMessage, keyRole: string): Promise<JwtClaims> {
  const token = bearer(req);
  if (token === undefined) return { role: keyRole === 'service_role' ? 'service_role' : 'anon', exp: 0 };
  if (token === '')
    throw new RestError(401, 'PGRST301', 'Empty JWT is sent in Authorization header', null, null, {
      'www-authenticate':
        'Bearer error="invalid_token", error_description="Empty JWT is sent in Authorization header"',
    });
  try {
    return await ctx.verifyJwt(token);
  } catch (err) {
    const expired = err instanceof JwtError && err.reason === 'expired';
    const message = expired ? 'JWT expired' : 'JWT cryptographic operation failed';
    throw new RestError(401, expired ? 'PGRST303' : 'PGRST301', message, null, null, {
      'www-authenticate': `Bearer error="invalid_token", error_description="${message}"`,
    });
  }
}

async function setRequestContext(
  tx: Transaction,
  claims: JwtClaims,
  method: string,
  path: string,
  readOnly: boolean,
) {
  // PostgREST sets the whole claim set and, for older policies, each top-level claim on its own. GET and
  // HEAD run read-only, as PostgREST does, so a volatile function called through GET cannot write.
  const names: string[] = ['role', 'request.jwt.claims', 'request.method', 'request.path'];
  const values: string[] = [claims.role, JSON.stringify(claims), method, path];
  if (readOnly) {
    names.push('transaction_read_only');
    values.push('on');
  }
  for (const [k, v] of Object.entries(claims)) {
    if (!/^[a-z_][a-z0-9_]*$/i.test(k)) continue;
    names.push(`request.jwt.claim.${k}`);
    values.push(typeof v === 'string' ? v : JSON.stringify(v));
  }
  // Literals rather than bind parameters, so that on PostgreSQL this first statement travels with BEGIN.
  const pairs = names.map((n, i) => `set_config(${literal(n)}, ${literal(values[i] as string)}, true)`);
  await tx.query(`select ${pairs.join(', ')}`);
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
  contentType?: string;
}

function contentRange(offset: number, pageTotal: number, total: number | undefined): string {
  const range = pageTotal > 0 && total !== 0 ? `${offset}-${offset + pageTotal - 1}` : '*';
  return `${range}/${total ?? '*'}`;
}

async function execute(tx: Transaction, plan: RestPlan, r: RestRequest): Promise<Answer> {
  if (plan.kind === 'void') {
    await tx.query(plan.sql, plan.params);
    return { status: 204, headers: {}, body: null };
  }
  const res = await tx.query<{
    total: string | null;
    page_total: string;
    body: string | null;
    first: string | null;
  }>(plan.sql, plan.params);
  const row = res.rows[0];
  const pageTotal = Number(row?.page_total ?? '0');
  const total = row?.total == null ? undefined : Number(row.total);
  if (plan.kind === 'scalar') return { status: 200, headers: {}, body: row?.body ?? 'null' };
  if (r.single && pageTotal !== 1) throw singularity(pageTotal);
  const offset = plan.offset;
  if (plan.kind === 'read' && total !== undefined && offset > total)
    throw new RestError(
      416,
      'PGRST103',
      'Requested range not satisfiable',
      `An offset of ${offset} was requested, but there are only ${total} rows.`,
      null,
      { 'content-range': `*/${total}` },
    );
  const headers = { 'content-range': contentRange(offset, pageTotal, total) };
  let status = plan.successStatus;
  if (plan.kind === 'read' && total !== undefined && pageTotal < total && status === 200) status = 206;
  if (!plan.returnBody) return { status: plan.minimalStatus, headers, body: null };
  return {
    status,
    headers,
    body: r.single ? (row?.first ?? 'null') : (row?.body ?? '[]'),
    ...(r.single ? { contentType: `${OBJECT_MEDIA}; charset=utf-8` } : {}),
  };
}

export const restService = (): ServiceFactory => async (ctx) => {
  let catalog: Catalog = await loadCatalog(ctx.db);
  let catalogAt = Date.now();
  // Like PostgREST's schema-cache reload: a name we do not know may be a table created since we looked.
  const withCatalog = async <T>(fn: (c: Catalog) => T): Promise<T> => {
    try {
      return fn(catalog);
    } catch (err) {
      if (
        !(err instanceof RestError) ||
        !['PGRST205', '42703', 'PGRST202', 'PGRST200', 'PGRST204'].includes(err.code)
      )
        throw err;
      if (Date.now() - catalogAt < 1000) throw err;
      catalog = await loadCatalog(ctx.db);
      catalogAt = Date.now();
      return fn(catalog);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, db: Database): Promise<void> => {
    const keyRole = checkApiKey(req, res, ctx.keys);
    if (!keyRole) return;
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname.slice(PREFIX.length) || '/';
    let authenticated = false;
    try {
      if (!['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'].includes(method))
        throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method.slice(0, 20)}`);
      const claims = await claimsFor(ctx, req, keyRole);
      authenticated = claims.role !== 'anon';
      let body: unknown;
      if (method === 'POST' || method === 'PATCH') {
        try {
          body = await readJson(req);
        } catch (err) {
          if (err instanceof BodyTooLargeError) throw new RestError(413, 'PGRST102', err.message);
          if (err instanceof InvalidJsonError) throw new RestError(400, 'PGRST102', 'Empty or invalid json');
          throw err;
        }
      }
      const accept = header(req, 'accept') ?? '';
      const r: RestRequest = {
        method,
        path,
        query: url.searchParams,
        prefer: parsePrefer(req),
        single: accept.includes(OBJECT_MEDIA),
        range: parseRange(req),
        body,
      };
      const plan = await withCatalog((c) => planRequest(c, r));
      let answer: Answer;
      try {
        answer = await db.transaction(async (tx) => {
          await setRequestContext(tx, claims, method, path, plan.readOnly);
          return execute(tx, plan, r);
        });
      } catch (err) {
        if (isPgError(err)) throw fromPgError(err, authenticated);
        throw err;
      }
      if (method === 'HEAD') answer.body = null;
      sendRaw(res, answer.status, answer.body, answer.headers, answer.contentType);
    } catch (err) {
      if (err instanceof RestError) {
        sendRaw(res, err.status, JSON.stringify(err.body()), err.headers);
        return;
      }
      throw err;
    }
  };

  return { prefix: PREFIX, handle: (req, res) => handle(req, res, ctx.db) };
};
