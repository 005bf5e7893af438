// /auth/v1: the subset of GoTrue that Keyroom uses, with GoTrue's routes, bodies, error codes and statuses.
import type { IncomingMessage } from 'node:http';
import bcrypt from 'bcryptjs';
import { checkApiKey } from '../http/apikey';
import { bearer, clientIp, header, sendJson } from '../http/respond';
import { type JwtClaims, JwtError } from '../jwt';
import { publicJwk } from '../keys';
import type { ServiceFactory } from '../server';
import { adminRoutes, invite } from './admin';
import {
  type AuthDeps,
  type AuthRequest,
  BCRYPT_COST,
  checkPassword,
  readParams,
  weakPassword,
} from './common';
import { AuthError, badRequest, forbidden, OAuthError, sendAuthError, unprocessable } from './errors';
import { type AuthLimiters, makeLimiters } from './limiter';
import { PasswordGrant, RefreshGrant, UserUpdate } from './params';
import { type LogoutScope, logout, refreshSession, startSession } from './sessions';
import { resolveAuthSettings, settingsBody } from './settings';
import { limited, signupRoutes } from './signup';
import { findUserByEmail, findUserById, parseUserJson, type UserRow } from './users';

export const PREFIX = '/auth/v1';
const INVALID_LOGIN = 'Invalid login credentials';
/** GoTrue's requireAuthentication: a valid bearer JWT whose user and session still exist. */
async function authenticate(
  deps: AuthDeps,
  req: IncomingMessage,
): Promise<{ claims: JwtClaims; user: UserRow; sessionId: string | undefined }> {
  const token = bearer(req);
  if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  let claims: JwtClaims;
  try {
    claims = await deps.ctx.verifyJwt(token);
  } catch (err) {
    const why =
      err instanceof JwtError && err.reason === 'expired' ? 'token is expired' : 'signature is invalid';
    throw forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${why}`);
  }
  if (!claims.sub) throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
  if (!/^[0-9a-f-]{36}$/i.test(claims.sub))
    throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID');
  const user = await findUserById(deps.db, claims.sub);
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
  const sessionId = claims.session_id;
  if (sessionId) {
    const s = await deps.db.query('select 1 from auth.sessions where id = $1::uuid', [sessionId]);
    if (s.rows.length === 0)
      throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
  }
  if (user.banned) throw forbidden('user_banned', 'User is banned');
  return { claims, user, sessionId };
}

// supabase/auth internal/api/token.go ResourceOwnerPasswordGrant. No per-account lockout: GoTrue has none.
async function passwordGrant(deps: AuthDeps, r: AuthRequest): Promise<void> {
  const p = await readParams(r.req, PasswordGrant);
  const email = p.email ?? '';
  if (email && p.phone)
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided on login.',
    );
  if (!email && p.phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  if (!email) throw badRequest('validation_failed', 'missing email or phone');
  const user = await findUserByEmail(deps.db, email);
  if (!user?.encrypted_password) throw badRequest('invalid_credentials', INVALID_LOGIN);
  if (user.banned) throw badRequest('user_banned', 'User is banned');
  if (!(await bcrypt.compare(p.password ?? '', user.encrypted_password)))
    throw badRequest('invalid_credentials', INVALID_LOGIN);
  if (!user.confirmed) throw badRequest('email_not_confirmed', 'Email not confirmed');
  const session = await deps.db.transaction((tx) =>
    startSession(tx, deps.issuer(), user.id, { userAgent: header(r.req, 'user-agent'), ip: clientIp(r.req) }),
  );
  // A right password that no longer meets the rules still signs in; the answer says why it is weak.
  const weak = weakPassword(deps.settings, p.password ?? '');
  sendJson(r.res, 200, weak ? { ...session, weak_password: weak } : session);
}

async function refreshGrant(deps: AuthDeps, r: AuthRequest): Promise<void> {
  const p = await readParams(r.req, RefreshGrant);
  if (!p.refresh_token) throw new OAuthError('invalid_request', 'refresh_token required');
  const token = p.refresh_token;
  const outcome = await deps.db.transaction((tx) => refreshSession(tx, deps.issuer(), token));
  if (!outcome.ok) throw badRequest(outcome.code, outcome.message);
  sendJson(r.res, 200, outcome.session);
}

async function getUser(deps: AuthDeps, r: AuthRequest): Promise<void> {
  const { user } = await authenticate(deps, r.req);
  sendJson(r.res, 200, parseUserJson(user.json));
}

async function updateUser(deps: AuthDeps, limits: AuthLimiters, r: AuthRequest): Promise<void> {
  const { user, sessionId } = await authenticate(deps, r.req);
  // api.go: PUT /user is behind the User limiter, after authentication.
  limited(limits.user, r);
  const p = await readParams(r.req, UserUpdate);
  if (p.email !== undefined && p.email.toLowerCase() !== (user.email ?? '').toLowerCase())
    throw unprocessable(
      'validation_failed',
      'Changing the email address is not supported by the local stack',
    );
  if (p.phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled');
  let hash: string | undefined;
  if (p.password !== undefined && p.password !== '') {
    checkPassword(deps.settings, p.password);
    if (user.encrypted_password && (await bcrypt.compare(p.password, user.encrypted_password)))
      throw unprocessable('same_password', 'New password should be different from the old password.');
    hash = await bcrypt.hash(p.password, BCRYPT_COST);
  }
  const json = await deps.db.transaction(async (tx) => {
    if (p.data)
      await tx.query(
        `update auth.users set raw_user_meta_data = (
           select coalesce(jsonb_object_agg(k, v) filter (where v <> 'null'::jsonb), '{}'::jsonb)
           from jsonb_each(coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb) as e(k, v)
         ), updated_at = now() where id = $1::uuid`,
        [user.id, JSON.stringify(p.data)],
      );
    if (hash) {
      await tx.query(
        'update auth.users set encrypted_password = $2, updated_at = now() where id = $1::uuid',
        [user.id, hash],
      );
      // Like GoTrue: a new password signs out every other session, which may have been the attacker's.
      await logout(tx, user.id, sessionId, 'others');
    }
    const fresh = await findUserById(tx, user.id);
    return fresh?.json ?? user.json;
  });
  sendJson(r.res, 200, parseUserJson(json));
}

async function logoutRoute(deps: AuthDeps, r: AuthRequest): Promise<void> {
  const raw = r.query.get('scope') ?? 'global';
  if (!['global', 'local', 'others', ''].includes(raw))
    throw badRequest('validation_failed', `Unsupported logout scope "${raw.slice(0, 40)}"`);
  const { user, sessionId } = await authenticate(deps, r.req);
  await logout(deps.db, user.id, sessionId, (raw || 'global') as LogoutScope);
  r.res.writeHead(204).end();
}

export const authService = (): ServiceFactory => async (ctx) => {
  const settings = resolveAuthSettings(ctx.auth);
  const limits = makeLimiters(settings);
  const deps: AuthDeps = {
    db: ctx.db,
    ctx,
    settings,
    issuer: () => ({ signingKey: ctx.keys.signingKey, issuer: `${ctx.url}${PREFIX}`, settings }),
  };
  const admin = adminRoutes(deps);
  const signups = signupRoutes(deps, limits);

  const route = async (r: AuthRequest): Promise<void> => {
    const { method, path } = r;
    if (path === '/health' && method === 'GET')
      return sendJson(r.res, 200, {
        version: 'keyroom-local',
        name: 'GoTrue',
        description: 'GoTrue is a user registration and authentication API',
      });
    if (path === '/settings' && method === 'GET') return sendJson(r.res, 200, settingsBody());
    // supabase/auth internal/api/jwks.go: the public signing keys only (never the HMAC secret), cacheable.
    if (path === '/.well-known/jwks.json' && method === 'GET')
      return sendJson(
        r.res,
        200,
        { keys: [publicJwk(ctx.keys.signingKey)] },
        { 'cache-control': 'public, max-age=600' },
      );
    if (path === '/token' && method === 'POST') {
      const grant = r.query.get('grant_type');
      if (grant !== 'password' && grant !== 'refresh_token')
        throw badRequest('invalid_credentials', 'unsupported_grant_type');
      // token.go Token: one per-IP limiter for every grant, applied before the grant reads its body.
      limited(limits.token, r);
      return grant === 'password' ? passwordGrant(deps, r) : refreshGrant(deps, r);
    }
    if (path === '/user' && method === 'GET') return getUser(deps, r);
    if (path === '/user' && method === 'PUT') return updateUser(deps, limits, r);
    if (path === '/logout' && method === 'POST') return logoutRoute(deps, r);
    if (path === '/invite' && method === 'POST') return invite(deps, r);
    const signup = signups(r);
    if (signup) return signup;
    if (path === '/admin/users' || path.startsWith('/admin/users/')) return admin(r);
    if (
      [
        '/health',
        '/settings',
        '/token',
        '/user',
        '/logout',
        '/signup',
        '/otp',
        '/magiclink',
        '/invite',
      ].includes(path)
    )
      throw new AuthError(405, 'method_not_allowed', 'Method Not Allowed');
    throw new AuthError(404, 'not_found', 'Not Found');
  };

  return {
    prefix: PREFIX,
    handle: async (req, res) => {
      if (!checkApiKey(req, res, ctx.keys)) return;
      const url = new URL(req.url ?? '/', 'http://local');
      const path = url.pathname.slice(PREFIX.length).replace(/\/+$/, '') || '/';
      try {
        await route({ req, res, method: req.method ?? 'GET', path, query: url.searchParams });
      } catch (err) {
        if (err instanceof AuthError || err instanceof OAuthError) return sendAuthError(req, res, err);
        ctx.log(`auth: ${(err as Error).message}`);
        sendAuthError(
          req,
          res,
          new AuthError(
            500,
            'unexpected_failure',
            'Unexpected failure, please check server logs for more information',
          ),
        );
      }
    },
  };
};
