// What the Auth service's routes share: the request and dependency shapes, body parsing, password rules.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Database } from '../db';
import { BodyTooLargeError, InvalidJsonError, readJson } from '../http/body';
import type { StackContext } from '../server';
import { AuthError, badRequest, unprocessable } from './errors';
import type { TokenIssuer } from './sessions';
import type { AuthSettings } from './settings';

export const BCRYPT_COST = 10;

export interface AuthRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path below /auth/v1, without the query string. */
  path: string;
  query: URLSearchParams;
}

export interface AuthDeps {
  db: Database;
  ctx: StackContext;
  settings: AuthSettings;
  issuer(): TokenIssuer;
}

export async function readParams<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await readJson(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new AuthError(413, 'request_too_large', err.message);
    if (err instanceof InvalidJsonError) throw badRequest('bad_json', 'Could not parse request body as JSON');
    throw err;
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw badRequest('bad_json', 'Could not read request body: unexpected field types');
  return parsed.data;
}

/** GoTrue's WeakPasswordError body (supabase/auth internal/api/password.go checkPasswordStrength). */
export interface WeakPassword {
  message: string;
  reasons: string[];
}

// bcrypt's limit; GoTrue measures passwords in bytes (Go's len), not characters.
const MAX_PASSWORD_BYTES = 72;

/** Why GoTrue calls `password` weak, or undefined (a password_requirements set is not modelled: config has ""). */
export function weakPassword(settings: AuthSettings, password: string): WeakPassword | undefined {
  if (Buffer.byteLength(password, 'utf8') >= settings.minPasswordLength) return undefined;
  return {
    message: `Password should be at least ${settings.minPasswordLength} characters.`,
    reasons: ['length'],
  };
}

/** checkPasswordStrength for sign-up and password changes: too long is a 400, weak a 422 weak_password. */
export function checkPassword(settings: AuthSettings, password: string): void {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES)
    throw badRequest('validation_failed', `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  const weak = weakPassword(settings, password);
  if (weak) throw unprocessable('weak_password', weak.message, { weak_password: { reasons: weak.reasons } });
}
