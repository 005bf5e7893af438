// Sessions, refresh-token rotation and access tokens as GoTrue keeps them: one auth.sessions row per sign-in,
// a chain of auth.refresh_tokens per session (each new token's parent is the one it replaced), and access
// tokens carrying the session id, signed with the project's asymmetric key: ES256 with its `kid` in the header
// (supabase/auth internal/tokens/service.go SignJWT).
import { randomBytes, randomUUID } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
import type { Queryable, Transaction } from '../db';
import type { SigningJwk } from '../keys';
import { badRequest } from './errors';
import type { AuthSettings } from './settings';
import { parseUserJson, USER_JSON, type UserJson } from './users';

export interface TokenIssuer {
  signingKey: SigningJwk;
  issuer: string;
  settings: AuthSettings;
}

export interface SessionResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: UserJson;
}

const imported = new WeakMap<SigningJwk, Promise<CryptoKey | Uint8Array>>();
/** The signing key is imported once per stack, not once per token. */
function privateKey(jwk: SigningJwk): Promise<CryptoKey | Uint8Array> {
  let key = imported.get(jwk);
  if (!key) {
    key = importJWK(jwk, 'ES256') as Promise<CryptoKey | Uint8Array>;
    imported.set(jwk, key);
  }
  return key;
}

const newRefreshToken = () => randomBytes(24).toString('base64url');

async function signAccessToken(
  q: Queryable,
  issuer: TokenIssuer,
  userId: string,
  sessionId: string,
): Promise<{ token: string; expiresAt: number; user: UserJson }> {
  const r = await q.query<{ json: string; created: string }>(
    `select ${USER_JSON} as json, extract(epoch from s.created_at)::bigint::text as created
     from auth.users u join auth.sessions s on s.user_id = u.id where u.id = $1::uuid and s.id = $2::uuid`,
    [userId, sessionId],
  );
  const row = r.rows[0];
  if (!row) throw badRequest('session_not_found', 'Session not found');
  const user = parseUserJson(row.json);
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + issuer.settings.accessTokenTtlSeconds;
  const token = await new SignJWT({
    aud: user.aud as string,
    role: user.role as string,
    email: user.email,
    phone: user.phone as string,
    app_metadata: user.app_metadata as Record<string, unknown>,
    user_metadata: user.user_metadata as Record<string, unknown>,
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: Number(row.created) }],
    session_id: sessionId,
    is_anonymous: user.is_anonymous === true,
  })
    .setProtectedHeader({ alg: 'ES256', kid: issuer.signingKey.kid, typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(issuer.issuer)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(await privateKey(issuer.signingKey));
  return { token, expiresAt: exp, user };
}

async function respond(
  q: Queryable,
  issuer: TokenIssuer,
  userId: string,
  sessionId: string,
  refreshToken: string,
): Promise<SessionResponse> {
  const { token, expiresAt, user } = await signAccessToken(q, issuer, userId, sessionId);
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: issuer.settings.accessTokenTtlSeconds,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user,
  };
}

/** A new session for a user who just proved their password. */
export async function startSession(
  tx: Transaction,
  issuer: TokenIssuer,
  userId: string,
  meta: { userAgent: string | undefined; ip: string },
): Promise<SessionResponse> {
  const sessionId = randomUUID();
  const token = newRefreshToken();
  await tx.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, refreshed_at, user_agent, ip)
     values ($1::uuid, $2::uuid, now(), now(), 'aal1', now() at time zone 'UTC', $3, $4::inet)`,
    [sessionId, userId, meta.userAgent ?? null, normaliseIp(meta.ip)],
  );
  await tx.query(
    `insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, session_id)
     values ($1, $2, false, now(), now(), $3::uuid)`,
    [token, userId, sessionId],
  );
  await tx.query('update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1::uuid', [
    userId,
  ]);
  await tx.query(
    `update auth.identities set last_sign_in_at = now(), updated_at = now()
     where user_id = $1::uuid and provider = 'email'`,
    [userId],
  );
  return respond(tx, issuer, userId, sessionId, token);
}

function normaliseIp(ip: string): string | null {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (v4) return v4[1] ?? null;
  return /^[\d.:a-fA-F]+$/.test(ip) ? ip : null;
}

export type RefreshOutcome =
  | { ok: true; session: SessionResponse }
  | { ok: false; code: string; message: string };

interface TokenRow {
  id: string;
  user_id: string;
  revoked: boolean;
  session_id: string | null;
  session_exists: boolean;
  banned: boolean;
  reusable: boolean;
  not_after_passed: boolean;
}

/**
 * GoTrue's refresh-token grant. A revoked token is accepted only when it is the parent of the session's
 * active token (the client lost the answer to its last refresh: it gets that active token back) or within the
 * reuse interval; any other reuse looks like theft, so the whole session's token family is revoked. The
 * outcome is returned rather than thrown so that the family revocation commits.
 */
export async function refreshSession(
  tx: Transaction,
  issuer: TokenIssuer,
  refreshToken: string,
): Promise<RefreshOutcome> {
  const found = await tx.query<TokenRow>(
    `select rt.id::text as id, rt.user_id, coalesce(rt.revoked, false) as revoked, rt.session_id::text as session_id,
            s.id is not null as session_exists, coalesce(u.banned_until > now(), false) as banned,
            rt.updated_at + make_interval(secs => $2) > now() as reusable,
            coalesce(s.not_after < now(), false) as not_after_passed
     from auth.refresh_tokens rt
     join auth.users u on u.id::text = rt.user_id
     left join auth.sessions s on s.id = rt.session_id
     where rt.token = $1
     for update of rt`,
    [refreshToken, issuer.settings.refreshReuseIntervalSeconds],
  );
  const row = found.rows[0];
  if (!row)
    return {
      ok: false,
      code: 'refresh_token_not_found',
      message: 'Invalid Refresh Token: Refresh Token Not Found',
    };
  if (row.banned) return { ok: false, code: 'user_banned', message: 'Invalid Refresh Token: User Banned' };
  if (!row.session_id || !row.session_exists) {
    await tx.query('delete from auth.refresh_tokens where id = $1::bigint', [row.id]);
    return { ok: false, code: 'session_not_found', message: 'Invalid Refresh Token: No Valid Session Found' };
  }
  if (row.not_after_passed)
    return { ok: false, code: 'session_expired', message: 'Invalid Refresh Token: Session Expired' };

  if (row.revoked) {
    const active = await tx.query<{ token: string; parent: string | null }>(
      `select token, parent from auth.refresh_tokens where session_id = $1::uuid and revoked is false
       order by id desc limit 1`,
      [row.session_id],
    );
    const current = active.rows[0];
    if (current && current.parent === refreshToken) {
      await touchSession(tx, row.session_id);
      return { ok: true, session: await respond(tx, issuer, row.user_id, row.session_id, current.token) };
    }
    if (!row.reusable) {
      await tx.query(
        `update auth.refresh_tokens set revoked = true, updated_at = now()
         where session_id = $1::uuid and revoked = false`,
        [row.session_id],
      );
      return {
        ok: false,
        code: 'refresh_token_already_used',
        message: 'Invalid Refresh Token: Already Used',
      };
    }
  }

  const next = newRefreshToken();
  await tx.query('update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1::bigint', [
    row.id,
  ]);
  await tx.query(
    `insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ($1, $2, false, now(), now(), $3, $4::uuid)`,
    [next, row.user_id, refreshToken, row.session_id],
  );
  await touchSession(tx, row.session_id);
  return { ok: true, session: await respond(tx, issuer, row.user_id, row.session_id, next) };
}

async function touchSession(tx: Transaction, sessionId: string): Promise<void> {
  await tx.query(
    `update auth.sessions set refreshed_at = now() at time zone 'UTC', updated_at = now() where id = $1::uuid`,
    [sessionId],
  );
}

export type LogoutScope = 'global' | 'local' | 'others';

export async function logout(
  q: Queryable,
  userId: string,
  sessionId: string | undefined,
  scope: LogoutScope,
): Promise<void> {
  if (sessionId && scope === 'local') {
    await q.query('delete from auth.sessions where id = $1::uuid', [sessionId]);
  } else if (sessionId && scope === 'others') {
    await q.query('delete from auth.sessions where user_id = $1::uuid and id <> $2::uuid', [
      userId,
      sessionId,
    ]);
  } else {
    await q.query('delete from auth.sessions where user_id = $1::uuid', [userId]);
  }
}
