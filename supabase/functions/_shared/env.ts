// The project settings the edge runtime gives every function (supabase.com/docs/guides/functions/secrets:
// SUPABASE_URL, SUPABASE_SECRET_KEYS / SUPABASE_PUBLISHABLE_KEYS as JSON dictionaries, SUPABASE_JWKS, and the
// legacy SUPABASE_SERVICE_ROLE_KEY / SUPABASE_ANON_KEY while a project still has legacy keys); read and
// checked once, at boot. A failure names the variable and never echoes a value: JSON.parse's own message
// quotes the text it choked on, so it is never passed on.
import type { JWK } from 'npm:jose@6';
import { z } from 'npm:zod@4';

/** SUPABASE_SECRET_KEYS / SUPABASE_PUBLISHABLE_KEYS: `{"default": "sb_…", "<name>": "sb_…"}`. */
const KeyDictionary = z.record(z.string(), z.string().min(1));

/** SUPABASE_JWKS: the project's JWKS, as /auth/v1/.well-known/jwks.json serves it. */
const Jwks = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional() })),
});

export interface FunctionEnv {
  SUPABASE_URL: string;
  /** The `default` secret key, or the legacy service-role JWT: bypasses RLS, server side only. */
  secretKey: string;
  /** The `default` publishable key, or the legacy anon JWT; the functions call nothing as anon today. */
  publishableKey: string | undefined;
  /** Inline JWKS; when absent the functions fetch the project's JWKS endpoint instead. */
  jwks: { keys: JWK[] } | undefined;
}

export class EnvError extends Error {
  override name = 'EnvError';
}

type Read = (name: string) => string | undefined;

function json(read: Read, name: string): unknown {
  const raw = read(name);
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new EnvError(`${name}: not valid JSON`);
  }
}

/** The `default` entry of a key dictionary, else the legacy variable; undefined when neither is set. */
function apiKey(read: Read, dictionary: string, legacy: string): string | undefined {
  const value = json(read, dictionary);
  if (value !== undefined) {
    const keys = KeyDictionary.safeParse(value);
    if (!keys.success) throw new EnvError(`${dictionary}: not a JSON object of key names to keys`);
    const key = keys.data.default;
    if (!key) throw new EnvError(`${dictionary}: has no "default" key`);
    return key;
  }
  const old = read(legacy);
  return old === undefined || old === '' ? undefined : old;
}

export function readEnv(read: Read): FunctionEnv {
  const url = read('SUPABASE_URL');
  if (!url) throw new EnvError('SUPABASE_URL: not set');
  if (!z.url({ protocol: /^https?$/ }).safeParse(url).success)
    throw new EnvError('SUPABASE_URL: not an http(s) URL');
  const secretKey = apiKey(read, 'SUPABASE_SECRET_KEYS', 'SUPABASE_SERVICE_ROLE_KEY');
  if (!secretKey)
    throw new EnvError('SUPABASE_SECRET_KEYS: not set (nor the legacy SUPABASE_SERVICE_ROLE_KEY)');
  const publishableKey = apiKey(read, 'SUPABASE_PUBLISHABLE_KEYS', 'SUPABASE_ANON_KEY');
  const rawJwks = json(read, 'SUPABASE_JWKS');
  let jwks: FunctionEnv['jwks'];
  if (rawJwks !== undefined) {
    const parsed = Jwks.safeParse(rawJwks);
    if (!parsed.success) throw new EnvError('SUPABASE_JWKS: not a JWKS ({"keys": [...]})');
    jwks = { keys: parsed.data.keys as JWK[] };
  }
  return { SUPABASE_URL: url, secretKey, publishableKey, jwks };
}

export const env: FunctionEnv = readEnv((name) => Deno.env.get(name));
