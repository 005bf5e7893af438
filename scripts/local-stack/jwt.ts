// HS256 JWTs as Supabase issues them: verification for every service of the stack.
import { errors, jwtVerify } from 'jose';
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

/**
 * Verifies HS256 tokens. A token that verified is remembered with its claims, so the next request carrying
 * it skips the signature check (the same answer for the same bytes) but not the expiry check; the HMAC key
 * is imported once. Both matter with hundreds of PCs pulling at once.
 */
export function makeJwtVerifier(secret: string): (token: string) => Promise<JwtClaims> {
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const verified = new Map<string, Readonly<JwtClaims>>();
  return async (token) => {
    const known = verified.get(token);
    if (known) {
      // jose's rule: expired once exp is not after the current second.
      if (known.exp > Math.floor(Date.now() / 1000)) return known;
      verified.delete(token);
      throw new JwtError('expired');
    }
    let claims: Readonly<JwtClaims>;
    try {
      const { payload } = await jwtVerify(token, await key, { algorithms: ['HS256'] });
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
