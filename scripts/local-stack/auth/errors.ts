// GoTrue's error bodies. Clients that send `X-Supabase-Api-Version: 2024-01-01` (auth-js does) get
// `{code, message}` with the version echoed back; older clients get `{code: <status>, error_code, msg}`.
// OAuth-style errors (`{error, error_description}`, always 400) are used where GoTrue uses them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { header, sendJson } from '../http/respond';

export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra top-level fields GoTrue adds for some errors (weak_password.reasons). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export const API_VERSION_HEADER = 'x-supabase-api-version';
const API_VERSION_2024 = '2024-01-01';

/** True when the client asked for the 2024-01-01 API (or later), as auth-js does. */
function wantsNewShape(req: IncomingMessage): boolean {
  const v = header(req, API_VERSION_HEADER);
  return !!v && /^\d{4}-\d{2}-\d{2}$/.test(v) && v >= API_VERSION_2024;
}

export function sendAuthError(req: IncomingMessage, res: ServerResponse, err: AuthError | OAuthError): void {
  if (err instanceof OAuthError) {
    sendJson(res, 400, { error: err.error, error_description: err.description });
    return;
  }
  const headers: Record<string, string> = { 'x-sb-error-code': err.code };
  if (wantsNewShape(req)) {
    headers[API_VERSION_HEADER] = API_VERSION_2024;
    sendJson(res, err.status, { code: err.code, message: err.message, ...err.extra }, headers);
  } else {
    sendJson(
      res,
      err.status,
      { code: err.status, error_code: err.code, msg: err.message, ...err.extra },
      headers,
    );
  }
}

export const badRequest = (code: string, message: string) => new AuthError(400, code, message);
export const forbidden = (code: string, message: string) => new AuthError(403, code, message);
export const notFound = (code: string, message: string) => new AuthError(404, code, message);
export const unprocessable = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  new AuthError(422, code, message, extra);

/** The stand-in has no mailer: a request GoTrue would answer by sending an email is refused, naming why. */
export const noMailer = (what: string) =>
  new AuthError(
    501,
    'not_implemented',
    `${what} sends an email, which the local stack does not model (it has no mailer)`,
  );
