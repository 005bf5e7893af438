// One error type leaves the core: a stable code the UI can branch on and a sentence a person can read.
// Server messages are never passed through (they may carry internals); only codes are mapped.
import {
  AUDIT_RATE_MESSAGE,
  BOUND_MESSAGES,
  DEFAULT_MESSAGES,
  type ErrorCode,
  OFFICE_ROOT_MESSAGES,
} from '../../shared/errors';
// The codes and their wording are the IPC contract's (src/shared/errors.ts, free of Electron and zod), so what
// the core says is word for word what the renderer shows.
export type CoreErrorCode = ErrorCode;
export const MESSAGES = DEFAULT_MESSAGES;

export class CoreError extends Error {
  readonly code: CoreErrorCode;
  constructor(code: CoreErrorCode, message: string = MESSAGES[code]) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
  }
}

/** The one refusal for anything that fails to decrypt or verify: the same words whatever went wrong. */
export function damaged(): CoreError {
  return new CoreError('damaged');
}

interface ServerErrorShape {
  code?: unknown;
  message?: unknown;
  status?: unknown;
  name?: unknown;
}

/** Per call, the words to use when the server refuses (RLS) or finds nothing. */
export interface ErrorContext {
  forbidden?: string;
  notFound?: string;
}

// The edge functions' own refusal codes (supabase/functions/_shared/rpc.ts, admin-users, app-updates). Most are
// HTTP 409, which the fallbacks below would read as an entry edit conflict: each is mapped by its code first.
const FUNCTION_REFUSALS: Readonly<Record<string, CoreErrorCode>> = {
  email_exists: 'account_exists',
  last_admin: 'last_admin',
  not_enrolled: 'not_enrolled',
  grant_mismatch: 'changed_meanwhile',
  key_version_mismatch: 'changed_meanwhile',
  take_over_mismatch: 'changed_meanwhile',
  still_signs: 'admin_still_signs',
  active_admin: 'admin_still_signs',
  version_not_newer: 'version_not_newer',
  invalid_input: 'invalid_request',
  invalid_json: 'invalid_request',
  method_not_allowed: 'internal',
  auth_failed: 'internal',
  unauthorized: 'not_signed_in',
};

function isNetworkFailure(e: ServerErrorShape): boolean {
  const text = typeof e.message === 'string' ? e.message : '';
  return (
    e.name === 'AuthRetryableFetchError' ||
    e.name === 'FunctionsFetchError' ||
    // `net::ERR_…` is Chromium's (Electron's net.fetch): no route, proxy down, tunnel refused.
    /fetch failed|ECONNREFUSED|ECONNRESET|network|socket hang up|net::ERR_/i.test(text)
  );
}

function boundWords(message: string): string {
  const constraint = /violates check constraint "([a-z0-9_]+)"/.exec(message)?.[1];
  return constraint && Object.hasOwn(BOUND_MESSAGES, constraint)
    ? (BOUND_MESSAGES[constraint] ?? MESSAGES.invalid_request)
    : MESSAGES.invalid_request;
}

/** Turns a PostgREST, Auth or Functions error (or a thrown fetch failure) into a CoreError. */
export function mapServerError(err: unknown, ctx: ErrorContext = {}): CoreError {
  if (err instanceof CoreError) return err;
  const e: ServerErrorShape = typeof err === 'object' && err !== null ? (err as ServerErrorShape) : {};
  if (isNetworkFailure(e)) return new CoreError('offline');
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  const status = typeof e.status === 'number' ? e.status : 0;
  // admin-users' office-root refusals (409, supabase/functions/_shared/rpc.ts), in the words the app uses when it
  // refuses the same itself (admin/succession.ts): not an entry conflict.
  if (code === 'office_root') return new CoreError('forbidden', OFFICE_ROOT_MESSAGES.refused);
  if (code === 'already_root') return new CoreError('invalid_request', OFFICE_ROOT_MESSAGES.already);
  if (code === 'take_root_mismatch')
    return new CoreError('changed_meanwhile', OFFICE_ROOT_MESSAGES.meanwhile);
  const refusal = Object.hasOwn(FUNCTION_REFUSALS, code) ? FUNCTION_REFUSALS[code] : undefined;
  if (refusal) return new CoreError(refusal);
  // register_device refuses a PC that was signed out and is not starting afresh (supabase/migrations).
  if (code === 'P0001' && message === 'device_revoked') return new CoreError('device_revoked');
  // The concurrency RPCs raise P0001 'conflict' when the base version is stale (docs/data-model.md).
  if (code === 'P0001' && /conflict/i.test(message)) return new CoreError('conflict');
  if (code === 'user_banned' || code === 'disabled') return new CoreError('disabled');
  if (code === '42501' || code === 'forbidden' || status === 403)
    return new CoreError('forbidden', ctx.forbidden ?? MESSAGES.forbidden);
  // PT404: an RPC's "not found" (supabase/migrations raise it so PostgREST answers 404 with that code).
  if (code === 'PGRST116' || code === 'PT404' || code === 'not_found' || status === 404)
    return new CoreError('not_found', ctx.notFound ?? MESSAGES.not_found);
  if (code === 'invalid_credentials' || (status === 400 && /invalid login/i.test(message)))
    return new CoreError('wrong_credentials');
  // PT429: the per-user bucket of log_event / log_import (the only RPCs that raise it).
  if (code === 'PT429') return new CoreError('rate_limited', AUDIT_RATE_MESSAGE);
  if (code === 'over_request_rate_limit' || status === 429) return new CoreError('rate_limited');
  // A size bound of the database: the constraint's name (never the rest of the message) picks the words.
  if (code === '23514') return new CoreError('invalid_request', boundWords(message));
  if (status === 401 || code === 'PGRST301' || code === 'PGRST303' || code === 'session_not_found')
    return new CoreError('not_signed_in');
  if (code === '23505' || code === 'conflict' || status === 409) return new CoreError('conflict');
  if (code === '22P02' || code === 'invalid_request' || status === 400)
    return new CoreError('invalid_request');
  return new CoreError('internal');
}
