// Token checks with the outcomes (and words) Supabase Realtime uses: its ChannelsAuthorization tells a
// malformed token from a bad signature, from missing `role`/`exp`, from an expired one.
import { decodeJwt } from 'jose';
import { type JwtClaims, JwtError } from '../jwt';

export type TokenCheck =
  | { ok: true; claims: JwtClaims }
  | {
      ok: false;
      code: 'MalformedJWT' | 'JwtSignatureError' | 'InvalidJWTToken';
      message: string;
      expired: boolean;
    };

export async function checkToken(
  verifyJwt: (token: string) => Promise<JwtClaims>,
  token: string,
): Promise<TokenCheck> {
  let unverified: Record<string, unknown>;
  try {
    unverified = decodeJwt(token.replace(/\s/g, ''));
  } catch {
    return {
      ok: false,
      code: 'MalformedJWT',
      message: 'The token provided is not a valid JWT',
      expired: false,
    };
  }
  if (typeof unverified.role !== 'string' || typeof unverified.exp !== 'number') {
    return {
      ok: false,
      code: 'InvalidJWTToken',
      message: 'Fields `role` and `exp` are required in JWT',
      expired: false,
    };
  }
  try {
    return { ok: true, claims: await verifyJwt(token.replace(/\s/g, '')) };
  } catch (err) {
    const now = Math.floor(Date.now() / 1000);
    if (err instanceof JwtError && err.reason === 'expired') {
      return {
        ok: false,
        code: 'InvalidJWTToken',
        message: `Token has expired ${now - unverified.exp} seconds ago`,
        expired: true,
      };
    }
    return {
      ok: false,
      code: 'JwtSignatureError',
      message: 'Failed to validate JWT signature',
      expired: false,
    };
  }
}

/**
 * The `system` message that ends a channel whose refreshed (`access_token`) or re-confirmed token fails, as
 * RealtimeChannel's handle_in("access_token") and handle_info(:confirm_token) word it
 * (supabase/realtime lib/realtime_web/channels/realtime_channel.ex): a bad signature is not one of the
 * cases it names, so it reaches the catch-all clause, which sends `inspect(:signature_error)`.
 */
export function shutdownMessage(check: Extract<TokenCheck, { ok: false }>): string {
  return check.code === 'JwtSignatureError' ? ':signature_error' : check.message;
}

/** Milliseconds until the token expires (may be ≤ 0). */
export function msUntilExpiry(claims: JwtClaims): number {
  return claims.exp * 1000 - Date.now();
}
