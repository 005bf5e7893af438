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

export function makeJwtVerifier(secret: string): (token: string) => Promise<JwtClaims> {
  const key = new TextEncoder().encode(secret);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      return JwtClaims.parse(payload);
    } catch (err) {
      throw new JwtError(err instanceof errors.JWTExpired ? 'expired' : 'invalid');
    }
  };
}
