// The API gateway in front of a Supabase project, as supabase/cli runs it (internal/start/templates/kong.yml
// and the BearerToken / QueryToken expressions in internal/start/start.go):
// - key-auth: every /auth/v1 and /rest/v1 request carries one of the project's API keys in `apikey` (header
//   or query parameter): `sb_publishable_…`, `sb_secret_…`, or a legacy anon / service-role JWT;
// - the opaque keys never reach the services: an Authorization header that is absent or `Bearer sb_…` is
//   replaced by the role's JWT (secret key → service_role, publishable key → anon), and a legacy JWT in
//   `apikey` is copied into Authorization; a user's own bearer token passes through unchanged. The WebSocket's
//   `apikey` query parameter is mapped the same way.
// The hosted gateway mints a short-lived role JWT at that step; the CLI (and this stand-in) hand on the
// project's long-lived legacy role JWTs, which the services verify the same way.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StackKeys } from '../keys';
import { header, sendJson } from './respond';

export type ApiKeyRole = 'anon' | 'service_role';

/** The role an API key stands for, or undefined for anything that is not one of this project's keys. */
export function apiKeyRole(key: string, keys: StackKeys): ApiKeyRole | undefined {
  if (key === keys.publishableKey || key === keys.anonKey) return 'anon';
  if (key === keys.secretKey || key === keys.serviceRoleKey) return 'service_role';
  return undefined;
}

function presentedKey(req: IncomingMessage): string | undefined {
  const fromHeader = header(req, 'apikey');
  if (fromHeader) return fromHeader;
  const q = new URL(req.url ?? '/', 'http://x').searchParams.get('apikey');
  return q ?? undefined;
}

/** Returns the key's role, or answers 401 like the gateway and returns undefined. */
export function checkApiKey(
  req: IncomingMessage,
  res: ServerResponse,
  keys: StackKeys,
): ApiKeyRole | undefined {
  const key = presentedKey(req);
  if (!key) {
    sendJson(res, 401, { message: 'No API key found in request' });
    return undefined;
  }
  const role = apiKeyRole(key, keys);
  if (!role) sendJson(res, 401, { message: 'Invalid authentication credentials' });
  return role;
}

/** The legacy role JWT an opaque key stands for; any other value is handed on as it is. */
function roleToken(key: string, keys: StackKeys): string {
  if (key === keys.secretKey) return keys.serviceRoleKey;
  if (key === keys.publishableKey) return keys.anonKey;
  return key;
}

/** Rewrites a request's Authorization header (HTTP) or `apikey` query parameter (WebSocket) as the gateway does. */
export function applyGateway(req: IncomingMessage, keys: StackKeys, websocket: boolean): void {
  if (websocket) {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = url.searchParams.get('apikey');
    if (key) {
      url.searchParams.set('apikey', roleToken(key, keys));
      req.url = `${url.pathname}${url.search}`;
    }
    return;
  }
  const auth = header(req, 'authorization');
  if (auth && !/^Bearer sb_/.test(auth)) return;
  const key = header(req, 'apikey');
  if (key) req.headers.authorization = `Bearer ${roleToken(key, keys)}`;
  else if (auth) delete req.headers.authorization;
}
