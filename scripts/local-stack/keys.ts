// The stack's keys, as a Supabase project created today has them: an asymmetric ES256 signing key (with a
// `kid`, published in the JWKS) for user access tokens, opaque `sb_publishable_…` / `sb_secret_…` API keys,
// and — as projects still have them until the legacy keys are switched off — the legacy JWT secret with its
// anon / service-role JWT keys. Generated once per data directory and kept there (never hard-coded), or made
// fresh in memory for a throwaway stack. A data directory made before the new keys existed gets them added.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { z } from 'zod';

/** A private EC P-256 JWK as GoTrue holds its signing key (supabase/auth internal/conf/jwk.go). */
const SigningJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string(),
  y: z.string(),
  d: z.string(),
  kid: z.string().min(1),
  alg: z.literal('ES256'),
});
export type SigningJwk = z.infer<typeof SigningJwk>;

export interface StackKeys {
  /** Legacy HS256 secret: signs the legacy API keys and still verifies HS256 user tokens. */
  jwtSecret: string;
  /** Legacy anon JWT key. */
  anonKey: string;
  /** Legacy service-role JWT key. */
  serviceRoleKey: string;
  /** `sb_publishable_…`: what the app ships; the gateway maps it to the anon role. */
  publishableKey: string;
  /** `sb_secret_…`: for servers and admin tools only; the gateway maps it to service_role. */
  secretKey: string;
  /** Signs user access tokens (ES256, with kid). */
  signingKey: SigningJwk;
}

const KeysFile = z.object({
  jwtSecret: z.string().min(32),
  anonKey: z.string(),
  serviceRoleKey: z.string(),
  publishableKey: z.string().startsWith('sb_publishable_').optional(),
  secretKey: z.string().startsWith('sb_secret_').optional(),
  signingKey: SigningJwk.optional(),
});

export const JWT_ISSUER = 'keyroom-local-stack';

async function legacyApiKey(secret: string, role: 'anon' | 'service_role'): Promise<string> {
  // Long-lived like Supabase's own anon/service keys (ten years; supabase/cli pkg/config/apikeys.go).
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(JWT_ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + 10 * 365 * 24 * 3600)
    .sign(new TextEncoder().encode(secret));
}

/**
 * An opaque API key shaped like Supabase's (`sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH` in
 * supabase/cli pkg/config/apikeys.go): prefix, 22 random base64url characters, `_`, an 8-character checksum.
 * Nothing decodes it; the gateway compares it whole.
 */
function opaqueKey(prefix: 'sb_publishable_' | 'sb_secret_'): string {
  const body = randomBytes(16).toString('base64url').slice(0, 22);
  const check = createHash('sha256')
    .update(prefix + body)
    .digest('base64url')
    .slice(0, 8);
  return `${prefix}${body}_${check}`;
}

async function signingKey(): Promise<SigningJwk> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return SigningJwk.parse({ ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'ES256' });
}

/** The public half as GoTrue's /.well-known/jwks.json serves it (supabase/auth internal/api/jwks.go). */
export function publicJwk(key: SigningJwk): JWK {
  return {
    kty: key.kty,
    crv: key.crv,
    x: key.x,
    y: key.y,
    kid: key.kid,
    alg: key.alg,
    use: 'sig',
    key_ops: ['verify'],
  };
}

export async function generateKeys(): Promise<StackKeys> {
  const jwtSecret = randomBytes(48).toString('base64url');
  return {
    jwtSecret,
    anonKey: await legacyApiKey(jwtSecret, 'anon'),
    serviceRoleKey: await legacyApiKey(jwtSecret, 'service_role'),
    publishableKey: opaqueKey('sb_publishable_'),
    secretKey: opaqueKey('sb_secret_'),
    signingKey: await signingKey(),
  };
}

export async function loadOrCreateKeys(dataDir: string | undefined): Promise<StackKeys> {
  if (!dataDir) return generateKeys();
  const file = join(dataDir, 'keys.json');
  let keys: StackKeys;
  if (existsSync(file)) {
    const stored = KeysFile.parse(JSON.parse(await readFile(file, 'utf8')));
    if (stored.publishableKey && stored.secretKey && stored.signingKey)
      return {
        ...stored,
        publishableKey: stored.publishableKey,
        secretKey: stored.secretKey,
        signingKey: stored.signingKey,
      };
    // Made before the new keys: keep the legacy ones (PCs hold them), add the rest.
    keys = {
      ...stored,
      publishableKey: stored.publishableKey ?? opaqueKey('sb_publishable_'),
      secretKey: stored.secretKey ?? opaqueKey('sb_secret_'),
      signingKey: stored.signingKey ?? (await signingKey()),
    };
  } else {
    keys = await generateKeys();
  }
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  await chmod(file, 0o600);
  return keys;
}
