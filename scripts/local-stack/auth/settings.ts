// What a project's [auth] config decides, with supabase/config.toml's values as defaults.
export interface AuthSettings {
  /** Access-token lifetime (config.toml jwt_expiry). */
  accessTokenTtlSeconds: number;
  /** How long a just-rotated refresh token may still be used (refresh_token_reuse_interval). */
  refreshReuseIntervalSeconds: number;
  minPasswordLength: number;
  /** Sign-in attempts per client IP per window (successful or not). */
  signInPerIp: number;
  /** Failed sign-in attempts per email per window: the brute-force guard on one account. */
  signInFailuresPerEmail: number;
  signInWindowMs: number;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  accessTokenTtlSeconds: 3600,
  refreshReuseIntervalSeconds: 10,
  minPasswordLength: 6,
  // GoTrue's /token limit per IP (150 per 5 minutes): a whole office of simulated PCs signs in from 127.0.0.1.
  signInPerIp: 150,
  signInFailuresPerEmail: 10,
  signInWindowMs: 5 * 60_000,
};
