import { z } from 'zod';

// PostgREST's error body `{code, details, hint, message}` and its mapping from SQLSTATE to HTTP status
// (PostgREST/postgrest v14 src/PostgREST/Error.hs).
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
    /** The HTTP reason phrase, where PostgREST sets one (PTxyz: the error's message). */
    readonly statusText?: string,
  ) {
    super(message);
  }

  body() {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/**
 * PostgREST's own "Feature not implemented" (PGRST127, 400), used by the stand-in for what it does not model:
 * a clear refusal naming the feature rather than an answer PostgREST would not give.
 */
export const notImplemented = (what: string) =>
  new RestError(400, 'PGRST127', 'Feature not implemented', what);

export const parseError = (message: string, details: string | null = null) =>
  new RestError(400, 'PGRST100', message, details);

export const tableNotFound = (name: string) =>
  new RestError(404, 'PGRST205', `Could not find the table 'public.${name}' in the schema cache`);

/** What PostgreSQL says for an unknown column; PostgREST passes it on as 42703 / 400. */
export const columnNotFound = (table: string, column: string) =>
  new RestError(400, '42703', `column ${table}.${column} does not exist`);

export const bodyColumnNotFound = (table: string, column: string) =>
  new RestError(400, 'PGRST204', `Could not find the '${column}' column of '${table}' in the schema cache`);

export const singularity = (rows: number) =>
  new RestError(
    406,
    'PGRST116',
    'Cannot coerce the result to a single JSON object',
    `The result contains ${rows} rows`,
  );

interface PgErrorLike {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  hint?: unknown;
}

export function isPgError(err: unknown): err is PgErrorLike & { code: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as PgErrorLike).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((err as PgErrorLike).code as string)
  );
}

/** Error.hs pgErrorStatus. */
function statusFor(code: string, message: string, authenticated: boolean): number {
  const exact: Record<string, number> = {
    '23503': 409,
    '23505': 409,
    '25006': 405,
    '53400': 500,
    '57P01': 503,
    P0001: 400,
    '42P01': 404,
    '42P17': 500,
  };
  if (code === '42501') return authenticated ? 403 : 401;
  // pg-safeupdate's refusal is the client's fault; any other cardinality violation is the server's.
  if (code === '21000') return message.endsWith('requires a WHERE clause') ? 400 : 500;
  // A JWT role that does not exist.
  if (code === '22023') return message.startsWith('role') && message.endsWith('does not exist') ? 401 : 400;
  if (code === '42883') return message.startsWith('function xmlagg(') ? 406 : 404;
  const hit = exact[code];
  if (hit) return hit;
  if (code.startsWith('PT')) {
    // PTxyz answers status xyz (any number PostgREST can read); Node cannot send one outside 100-999.
    const n = /^\d+$/.test(code.slice(2)) ? Number(code.slice(2)) : Number.NaN;
    return n >= 100 && n <= 999 ? n : 500;
  }
  const byClass: Record<string, number> = {
    '08': 503,
    '09': 500,
    '0L': 403,
    '0P': 403,
    '25': 500,
    '28': 403,
    '2D': 500,
    '38': 500,
    '39': 500,
    '3B': 500,
    '40': 500,
    '53': 503,
    '54': 500,
    '55': 500,
    '57': 500,
    '58': 500,
    F0: 500,
    HV: 500,
    P0: 500,
    XX: 500,
  };
  return byClass[code.slice(0, 2)] ?? 400;
}

const RaiseMessage = z.object({
  code: z.string(),
  message: z.string(),
  details: z.string().nullish(),
  hint: z.string().nullish(),
});
const RaiseDetail = z.object({
  status: z.number().int(),
  status_text: z.string().nullish(),
  headers: z.record(z.string(), z.string()),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `raise sqlstate 'PGRST' using message = '{…}', detail = '{…}'`: the function sets the whole answer. */
function fullControl(message: string, detail: string | null): RestError {
  const parseFailure = (details: string, hint: string) =>
    new RestError(
      500,
      'PGRST121',
      'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
      details,
      hint,
    );
  const msgHint =
    "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.";
  const detHint =
    "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";
  const m = RaiseMessage.safeParse(parseJson(message));
  if (!m.success) return parseFailure(`Invalid JSON value for MESSAGE: '${message}'`, msgHint);
  if (detail === null) return parseFailure('DETAIL is missing in the RAISE statement', detHint);
  const d = RaiseDetail.safeParse(parseJson(detail));
  if (!d.success) return parseFailure(`Invalid JSON value for DETAIL: '${detail}'`, detHint);
  const status = d.data.status >= 100 && d.data.status <= 999 ? d.data.status : 500;
  return new RestError(
    status,
    m.data.code,
    m.data.message,
    m.data.details ?? null,
    m.data.hint ?? null,
    d.data.headers,
    d.data.status_text ?? undefined,
  );
}

export function fromPgError(err: PgErrorLike & { code: string }, authenticated: boolean): RestError {
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const message = str(err.message) ?? 'database error';
  if (err.code === 'PGRST') return fullControl(message, str(err.detail));
  const status = statusFor(err.code, message, authenticated);
  return new RestError(
    status,
    err.code,
    message,
    str(err.detail),
    str(err.hint),
    // Error.hs: a database error that answers 401 says how to authenticate.
    status === 401 ? { 'www-authenticate': 'Bearer' } : {},
    // Error.hs: PTxyz answers with the error's message as the reason phrase (HTTP.mkStatus n m).
    /^PT\d+$/.test(err.code) && status === Number(err.code.slice(2)) ? message : undefined,
  );
}
