// The transaction variables PostgREST sets at the start of every request (PostgREST/postgrest v14
// src/PostgREST/Query/PreQuery.hs txVarQuery), in its order: search_path, the impersonated role's settings,
// the role, the JWT claims, method, path, headers, cookies, the Prefer timezone, the function's hoisted settings.
import type { IncomingMessage } from 'node:http';
import type { Transaction } from '../db';
import type { JwtClaims } from '../jwt';
import { notImplemented } from './errors';
import type { DbConfig } from './roles';
import { timeoutMs } from './roles';
import { literal } from './sql';

/** supabase/config.toml [api]: the exposed schema, then extra_search_path (public, extensions). */
const SEARCH_PATH = '"public", "public", "extensions"';

export interface RequestContext {
  claims: JwtClaims;
  method: string;
  path: string;
  readOnly: boolean;
  headers: IncomingMessage['headers'];
  timezone: string | undefined;
  /** The called function's hoisted settings (RPC only). */
  functionSettings: [string, string][];
}

export interface AppliedContext {
  /** The statement_timeout in force for the main statement, in ms (undefined: none). */
  statementTimeoutMs: number | undefined;
}

function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** The settings for the request's role: authenticator's login settings, then the role's own, then the function's. */
function settingsFor(config: DbConfig, ctx: RequestContext): [string, string][] {
  const role = ctx.claims.role;
  const isolation = [
    config.isolation.get(role),
    ...ctx.functionSettings.filter(([k]) => k === 'default_transaction_isolation').map(([, v]) => v),
  ].filter((v): v is string => v !== undefined && v.toLowerCase() !== 'read committed');
  if (isolation.length)
    throw notImplemented(
      `default_transaction_isolation '${isolation[0]}' (set on role ${role} or on the function) is not modelled by the local stack`,
    );
  return [...config.login, ...(config.roles.get(role) ?? [])];
}

export async function setRequestContext(
  tx: Transaction,
  config: DbConfig,
  ctx: RequestContext,
): Promise<AppliedContext> {
  const { claims } = ctx;
  const roleSettings = settingsFor(config, ctx);
  const headers = Object.fromEntries(
    Object.entries(ctx.headers)
      .filter(([k]) => k !== 'cookie')
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
  );
  const pairs: [string, string][] = [
    ['search_path', SEARCH_PATH],
    ...roleSettings,
    ['role', claims.role],
    ['request.jwt.claims', JSON.stringify(claims)],
    ['request.method', ctx.method],
    ['request.path', ctx.path],
    ['request.headers', JSON.stringify(headers)],
    ['request.cookies', JSON.stringify(cookies(ctx.headers.cookie))],
  ];
  if (ctx.timezone !== undefined) pairs.push(['timezone', ctx.timezone]);
  pairs.push(...ctx.functionSettings);
  // GET and HEAD run read-only, as PostgREST does (SQL.Read), so a volatile function called through GET
  // cannot write.
  if (ctx.readOnly) pairs.push(['transaction_read_only', 'on']);
  // Older policies read each top-level claim on its own (PostgREST < 10 set them; Supabase's auth.uid() falls
  // back to request.jwt.claim.sub).
  for (const [k, v] of Object.entries(claims)) {
    if (!/^[a-z_][a-z0-9_]*$/i.test(k)) continue;
    pairs.push([`request.jwt.claim.${k}`, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  // Literals rather than bind parameters, so that on PostgreSQL this first statement travels with BEGIN.
  await tx.query(
    `select ${pairs.map(([n, v]) => `set_config(${literal(n)}, ${literal(v)}, true)`).join(', ')}`,
  );
  const timeouts = pairs.filter(([k]) => k === 'statement_timeout');
  return { statementTimeoutMs: timeoutMs(timeouts[timeouts.length - 1]?.[1]) };
}
