// Kong's key-auth in front of a Supabase project: every /auth/v1 and /rest/v1 request must carry one of the
// project's API keys in the `apikey` header (or query parameter), whatever its Authorization header says.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StackKeys } from '../keys';
import { header, sendJson } from './respond';

export type ApiKeyRole = 'anon' | 'service_role';

function presentedKey(req: IncomingMessage): string | undefined {
  const fromHeader = header(req, 'apikey');
  if (fromHeader) return fromHeader;
  const q = new URL(req.url ?? '/', 'http://x').searchParams.get('apikey');
  return q ?? undefined;
}

/** Returns the key's role, or answers 401 like Kong and returns undefined. */
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
  if (key === keys.anonKey) return 'anon';
  if (key === keys.serviceRoleKey) return 'service_role';
  sendJson(res, 401, { message: 'Invalid authentication credentials' });
  return undefined;
}
