// /rest/v1: the PostgREST behaviour postgrest-js relies on. Every request runs in one transaction as the JWT's
// role with request.jwt.claims set, so the database's grants and RLS policies decide, as behind PostgREST.
// What it does not model it refuses (PGRST127, or PostgREST's own answer where that is a refusal too).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../db';
import { checkApiKey } from '../http/apikey';
import { BodyTooLargeError, InvalidJsonError, JsonTooDeepError, readJson } from '../http/body';
import { bearer, header, sendRaw } from '../http/respond';
import { type JwtClaims, JwtError } from '../jwt';
import type { ServiceFactory, StackContext } from '../server';
import { type Catalog, loadCatalog } from './catalog';
import { setRequestContext } from './context';
import { fromPgError, isPgError, notImplemented, RestError } from './errors';
import { type Answer, execute } from './execute';
import { contentType, mediaTypeText, negotiate, type Produced } from './media';
import { planRequest } from './plan';
import { type Preferences, parsePreferences } from './prefer';
import { type DbConfig, loadDbConfig } from './roles';

export const PREFIX = '/rest/v1';

/** supabase/config.toml [api] schemas: what PostgREST exposes (db-schemas); the first is the default. */
export const EXPOSED_SCHEMAS = ['public', 'graphql_public'];

export interface RestRequest {
  method: string;
  /** Path below /rest/v1 ('/entries', '/rpc/log_event'). */
  path: string;
  query: URLSearchParams;
  prefer: Preferences;
  media: Produced;
  range: { offset: number; limit: number } | undefined;
  body: unknown;
}

function parseRange(req: IncomingMessage): RestRequest['range'] {
  // RangeQuery.hs / ApiRequest.hs getRanges: the Range header counts for GET only.
  const raw = req.method === 'GET' ? header(req, 'range') : undefined;
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

/** ApiRequest.hs getSchema: Accept-Profile for GET/HEAD, Content-Profile for writes; only exposed schemas. */
function checkProfile(req: IncomingMessage, method: string) {
  const name = ['GET', 'HEAD'].includes(method) ? 'accept-profile' : 'content-profile';
  const profile = header(req, name);
  if (profile === undefined || profile === EXPOSED_SCHEMAS[0]) return;
  if (!EXPOSED_SCHEMAS.includes(profile))
    throw new RestError(
      406,
      'PGRST106',
      `Invalid schema: ${profile}`,
      null,
      `Only the following schemas are exposed: ${EXPOSED_SCHEMAS.join(', ')}`,
    );
  throw notImplemented(`the ${profile} schema (pg_graphql) is not modelled by the local stack`);
}

/** The path's shape and method, checked first as PostgREST does (ApiRequest.hs getResource, getAction). */
function checkResource(path: string, method: string, query: URLSearchParams, pk: (t: string) => string[]) {
  if (path === '/')
    throw notImplemented('the OpenAPI description at /rest/v1/ is not modelled by the local stack');
  const rpc = /^\/rpc\/[^/]+$/.test(path);
  if (!rpc && !/^\/[^/]+$/.test(path))
    throw new RestError(404, 'PGRST125', 'Invalid path specified in request URL');
  if (rpc && !['GET', 'HEAD', 'POST'].includes(method))
    throw new RestError(405, 'PGRST101', `Cannot use the ${method.slice(0, 10)} method on RPC`);
  if (!['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'PUT'].includes(method))
    throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method.slice(0, 20)}`);
  if (method === 'PUT') {
    // PUT is a single-row upsert whose filters must be exactly the primary key with eq (Error.hs
    // InvalidFilters, 405); a well-formed one is real PostgREST behaviour the stand-in does not model.
    let keys: string[] = [];
    try {
      keys = pk(decodeURIComponent(path.slice(1)));
    } catch {
      throw new RestError(404, 'PGRST125', 'Invalid path specified in request URL');
    }
    const filters = [...query.keys()].filter((k) => !['select', 'columns', 'on_conflict'].includes(k));
    const exact =
      keys.length > 0 &&
      filters.length === keys.length &&
      keys.every((k) => (query.get(k) ?? '').startsWith('eq.'));
    if (!exact)
      throw new RestError(
        405,
        'PGRST105',
        "Filters must include all and only primary key columns with 'eq' operators",
      );
    throw notImplemented(
      'PUT (single-row upsert) is not modelled by the local stack; use POST with resolution',
    );
  }
}

async function readBody(req: IncomingMessage, isRpc: boolean): Promise<unknown> {
  // Payload.hs: JSON by default; CSV and form bodies (and raw bodies for RPC) are PostgREST features the
  // stand-in does not model; any other type is PostgREST's own 400.
  const ct = contentType(header(req, 'content-type'));
  if (
    ct.type === 'csv' ||
    ct.type === 'urlencoded' ||
    (isRpc && ['text', 'xml', 'octet'].includes(ct.type))
  ) {
    req.resume();
    throw notImplemented(`request bodies of type ${mediaTypeText(ct)} are not modelled by the local stack`);
  }
  if (ct.type !== 'json') {
    req.resume();
    throw new RestError(400, 'PGRST102', `Content-Type not acceptable: ${mediaTypeText(ct)}`);
  }
  try {
    return await readJson(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new RestError(413, 'PGRST102', err.message);
    if (err instanceof JsonTooDeepError) throw new RestError(400, 'PGRST102', err.message);
    if (err instanceof InvalidJsonError) throw new RestError(400, 'PGRST102', 'Empty or invalid json');
    throw err;
  }
}

export const restService = (): ServiceFactory => async (ctx) => {
  let catalog: Catalog = await loadCatalog(ctx.db);
  let config: DbConfig = await loadDbConfig(ctx.db);
  let catalogAt = Date.now();
  const reload = async () => {
    [catalog, config] = await Promise.all([loadCatalog(ctx.db), loadDbConfig(ctx.db)]);
    catalogAt = Date.now();
  };
  // Listener.hs: NOTIFY pgrst (empty or 'reload schema') reloads the schema cache, and with it the in-database
  // config; 'reload config' reloads the config (role settings) alone.
  const unlisten = await ctx.db.listen('pgrst', (payload) => {
    const job =
      payload === '' || payload === 'reload schema'
        ? reload()
        : payload === 'reload config'
          ? loadDbConfig(ctx.db).then((c) => {
              config = c;
            })
          : undefined;
    job?.catch((err: unknown) => ctx.log(`rest: reload failed: ${String(err)}`));
  });
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
      await reload();
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
      checkResource(path, method, url.searchParams, (t) => catalog.tables.get(t)?.pk ?? []);
      checkProfile(req, method);
      const claims = await claimsFor(ctx, req, keyRole);
      authenticated = claims.role !== 'anon';
      const isRpc = path.startsWith('/rpc/');
      const body = method === 'POST' || method === 'PATCH' ? await readBody(req, isRpc) : undefined;
      const prefer = parsePreferences(req, config.timezones);
      // Negotiation errors come after the plan's own (Plan.hs), so a wrong table still answers 404 first.
      let media: Produced = { kind: 'json', stripNulls: false };
      let mediaError: unknown;
      try {
        media = negotiate(header(req, 'accept'), !isRpc);
      } catch (err) {
        mediaError = err;
      }
      const r: RestRequest = {
        method,
        path,
        query: url.searchParams,
        prefer,
        media,
        range: parseRange(req),
        body,
      };
      const plan = await withCatalog((c) => planRequest(c, r));
      if (mediaError) throw mediaError;
      if (prefer.handling === 'strict' && prefer.invalid.length)
        throw new RestError(
          400,
          'PGRST122',
          'Invalid preferences given with handling=strict',
          `Invalid preferences: ${prefer.invalid.join(', ')}`,
        );
      let answer: Answer;
      try {
        answer = await db.transaction(async (tx) => {
          const applied = await setRequestContext(tx, config, {
            claims,
            method,
            path,
            readOnly: plan.readOnly,
            headers: req.headers,
            timezone: prefer.timezone,
            functionSettings: plan.settings,
          });
          // PGlite cannot interrupt a statement, so it is judged once it ends: past the timeout it fails
          // and rolls back as on PostgreSQL, only later.
          const deadline = db.kind === 'pglite' ? applied.statementTimeoutMs : undefined;
          return execute(tx, plan, r, deadline);
        });
      } catch (err) {
        if (isPgError(err)) throw fromPgError(err, authenticated);
        throw err;
      }
      if (method === 'HEAD') answer.body = null;
      sendRaw(res, answer.status, answer.body, answer.headers, answer.contentType);
    } catch (err) {
      if (err instanceof RestError) {
        const headers = { ...err.headers, 'proxy-status': `PostgREST; error=${err.code}` };
        sendRaw(res, err.status, JSON.stringify(err.body()), headers, undefined, err.statusText);
        return;
      }
      throw err;
    }
  };

  return {
    prefix: PREFIX,
    handle: (req, res) => handle(req, res, ctx.db),
    close: unlisten,
  };
};
