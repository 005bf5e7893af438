// Who is calling. The functions run with verify_jwt = false (supabase/config.toml says why), so this is the
// only gate, in three steps, each of which can refuse:
// 1. The bearer token is a user's access token from this project: an ES256/RS256 token verifies against the
//    project's JWKS by its `kid` (here, before anything else sees it); a legacy HS256 token is left to Auth,
//    which holds the legacy secret while the project still has one (a function's environment never does,
//    supabase.com/docs/guides/functions/secrets). Either way it must say role `authenticated` and name a
//    user (`sub`): the anon and service-role keys are API keys, not people.
// 2. Auth confirms the user is live: GoTrue's GET /user refuses a banned user, a deleted one and a session
//    that was signed out, even while the token has not expired (supabase/auth internal/api/auth.go
//    requireAuthentication). That is what stops a disabled employee at once.
// 3. `profiles`, not the JWT, says whether that user is an active admin right now.
import { createClient, type SupabaseClient } from 'npm:@supabase/supabase-js@2';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
} from 'npm:jose@6';
import { z } from 'npm:zod@4';
import { env } from './env.ts';
import { HttpError } from './http.ts';

export interface Admin {
  id: string;
  email: string;
}

export function serviceClient(): SupabaseClient {
  return createClient(env.SUPABASE_URL, env.secretKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
}

const ASYMMETRIC = ['ES256', 'RS256'];

/** What a user's access token must say (supabase/auth internal/api/token.go AccessTokenClaims). */
const UserClaims = z.object({
  sub: z.uuid(),
  role: z.literal('authenticated'),
  exp: z.number(),
});

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);
const notAUser = () => unauthorized('sign in as a user: an API key is not a signed-in user');

// The inline SUPABASE_JWKS first; a kid it lacks (a key added after this worker booted) is looked up at the
// project's JWKS endpoint, which jose caches and re-reads at most every few minutes.
const inlineKeys = env.jwks ? createLocalJWKSet(env.jwks) : undefined;
const remoteKeys = createRemoteJWKSet(new URL('/auth/v1/.well-known/jwks.json', env.SUPABASE_URL));

async function verifyAsymmetric(token: string): Promise<JWTPayload> {
  if (inlineKeys) {
    try {
      return (await jwtVerify(token, inlineKeys, { algorithms: ASYMMETRIC })).payload;
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
    }
  }
  return (await jwtVerify(token, remoteKeys, { algorithms: ASYMMETRIC })).payload;
}

/** Step 1: the token's claims, verified here (asymmetric) or to be verified by Auth (legacy HS256). */
async function tokenClaims(token: string): Promise<z.infer<typeof UserClaims>> {
  // The gateway's opaque keys (`sb_publishable_…`, `sb_secret_…`) are not JWTs.
  if (token.startsWith('sb_')) throw notAUser();
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized('the access token is not a JWT');
  }
  let payload: JWTPayload;
  if (alg && ASYMMETRIC.includes(alg)) {
    try {
      payload = await verifyAsymmetric(token);
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw unauthorized('the session has expired: sign in again');
      // The project's JWKS could not be read: our failure, not the caller's.
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) throw err;
      if (err instanceof errors.JOSEError) throw unauthorized('the access token is not valid');
      throw err;
    }
  } else if (alg === 'HS256') {
    // Unverified until Auth has seen it: read only to refuse early, never to accept.
    try {
      payload = decodeJwt(token);
    } catch {
      throw unauthorized('the access token is not a JWT');
    }
  } else {
    throw unauthorized('the access token is not valid');
  }
  if (payload.role !== 'authenticated' || payload.sub === undefined) throw notAUser();
  const claims = UserClaims.safeParse(payload);
  if (!claims.success) throw unauthorized('the access token is not valid');
  if (claims.data.exp <= Date.now() / 1000) throw unauthorized('the session has expired: sign in again');
  return claims.data;
}

export async function requireAdmin(req: Request, service: SupabaseClient): Promise<Admin> {
  const token = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1];
  if (!token) throw unauthorized('sign in first');
  const claims = await tokenClaims(token);
  // Step 2 (and, for an HS256 token, its signature check).
  const { data, error } = await service.auth.getUser(token);
  if (error || !data.user) {
    // Auth answers 4xx for a token or user it refuses; anything else is Auth failing, not the caller.
    if (error && (!error.status || error.status >= 500))
      throw new Error(`auth user lookup failed: ${error.status ?? 'network'}`);
    throw unauthorized('the session is no longer valid: sign in again');
  }
  if (data.user.id !== claims.sub) throw unauthorized('the access token is not valid');
  const profile = await service
    .from('profiles')
    .select('id, email, role, status')
    .eq('id', data.user.id)
    .maybeSingle();
  if (profile.error) throw new Error(`profiles lookup failed: ${profile.error.code}`);
  if (profile.data?.role !== 'admin' || profile.data.status !== 'active')
    throw new HttpError(403, 'forbidden', 'only an active admin may do this');
  return { id: profile.data.id, email: profile.data.email };
}
