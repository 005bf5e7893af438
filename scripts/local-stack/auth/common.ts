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

export function checkPassword(settings: AuthSettings, password: string): void {
  if (password.length < settings.minPasswordLength)
    throw unprocessable(
      'weak_password',
      `Password should be at least ${settings.minPasswordLength} characters.`,
      {
        weak_password: { reasons: ['length'] },
      },
    );
}
