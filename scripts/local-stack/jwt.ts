// User and API-key JWTs as a Supabase project created today verifies them: ES256 tokens by the `kid` of a
// key in the project's JWKS (supabase/auth internal/conf/jwk.go), and legacy HS256 tokens against the legacy
// JWT secret while the project still has one. Any other algorithm, or a kid the JWKS lacks, is invalid.
import { decodeProtectedHeader, errors, importJWK, type JWK, jwtVerify, type KeyObject } from 'jose';
import { z } from 'zod';

export const JwtClaims = z
  .object({
    role: z.enum(['anon', 'authenticated', 'service_role']),
    sub: z.string().optional(),
    exp: z.number(),
    iat: z.number().optional(),
    session_id: z.string().optional(),
    email: z.string().optional(),
  })
  .passthrough();
export type JwtClaims = z.infer<typeof JwtClaims>;

export type JwtFailure = 'expired' | 'invalid';

export class JwtError extends Error {
  constructor(readonly reason: JwtFailure) {
    super(reason === 'expired' ? 'JWT expired' : 'invalid JWT');
  }
}

/** How many verified tokens the verifier remembers; each PC sends the same one until it refreshes. */
const REMEMBERED_TOKENS = 10_000;

export interface VerifierKeys {
  /** The legacy HS256 secret; absent once a project has revoked it. */
  legacySecret?: string | undefined;
  /** Public JWKs (ES256) that user tokens may be signed with. */
  jwks: readonly JWK[];
}

type VerifyKey = CryptoKey | KeyObject | Uint8Array;

/**
 * Verifies tokens. A token that verified is remembered with its claims, so the next request carrying it skips
 * the signature check (the same answer for the same bytes) but not the expiry check; keys are imported once.
 * Both matter with hundreds of PCs pulling at once.
 */
export function makeJwtVerifier(keys: VerifierKeys): (token: string) => Promise<JwtClaims> {
  const hmac = keys.legacySecret
    ? crypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(keys.legacySecret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      )
    : undefined;
  const byKid = new Map<string, Promise<VerifyKey>>();
  for (const jwk of keys.jwks) {
    if (jwk.kid && jwk.alg === 'ES256') byKid.set(jwk.kid, importJWK(jwk, 'ES256') as Promise<VerifyKey>);
  }
  const keyFor = (token: string): { key: Promise<VerifyKey>; alg: 'HS256' | 'ES256' } | undefined => {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return undefined;
    }
    if (header.alg === 'HS256' && hmac) return { key: hmac, alg: 'HS256' };
    const key = header.alg === 'ES256' && header.kid ? byKid.get(header.kid) : undefined;
    return key ? { key, alg: 'ES256' } : undefined;
  };
  const verified = new Map<string, Readonly<JwtClaims>>();
  return async (token) => {
    const known = verified.get(token);
    if (known) {
      // jose's rule: expired once exp is not after the current second.
      if (known.exp > Math.floor(Date.now() / 1000)) return known;
      verified.delete(token);
      throw new JwtError('expired');
    }
    const chosen = keyFor(token);
    if (!chosen) throw new JwtError('invalid');
    let claims: Readonly<JwtClaims>;
    try {
      const { payload } = await jwtVerify(token, await chosen.key, { algorithms: [chosen.alg] });
      claims = Object.freeze(JwtClaims.parse(payload));
    } catch (err) {
      throw new JwtError(err instanceof errors.JWTExpired ? 'expired' : 'invalid');
    }
    // A token that is not valid yet (nbf) failed above and is checked again next time.
    if (verified.size >= REMEMBERED_TOKENS) verified.delete(verified.keys().next().value as string);
    verified.set(token, claims);
    return claims;
  };
}
