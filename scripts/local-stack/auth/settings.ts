// What a project's [auth] config decides, with supabase/config.toml's values as defaults, and what the stand-in
// models of the rest: the project Keyroom runs on, where sign-ups are off (users are made only by the
// admin-users function) and anonymous sign-ins are off.
export interface AuthSettings {
  /** Access-token lifetime (config.toml jwt_expiry). */
  accessTokenTtlSeconds: number;
  /** How long a just-rotated refresh token may still be used (refresh_token_reuse_interval). */
  refreshReuseIntervalSeconds: number;
  minPasswordLength: number;
  /**
   * [auth.rate_limit] token_refresh (GOTRUE_RATE_LIMIT_TOKEN_REFRESH): POST /token requests per client IP per
   * 5 minutes, every grant together (password sign-ins and refreshes share one bucket).
   */
  tokenRatePer5Min: number;
  /** How many /token requests one IP may make at once: GoTrue fixes it at 30 whatever the rate. */
  tokenBurst: number;
  /**
   * [auth.rate_limit] sign_in_sign_ups, which the CLI hands to GoTrue as GOTRUE_RATE_LIMIT_OTP: /signup, /otp,
   * /magiclink and PUT /user per client IP per 5 minutes (each route its own bucket). Not /token.
   */
  otpRatePer5Min: number;
  otpBurst: number;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  accessTokenTtlSeconds: 3600,
  refreshReuseIntervalSeconds: 10,
  minPasswordLength: 6,
  // supabase/cli pkg/config/templates/config.toml [auth.rate_limit]; burst from apilimiter.go.
  tokenRatePer5Min: 150,
  tokenBurst: 30,
  otpRatePer5Min: 30,
  otpBurst: 30,
};

/** The settings a stack runs with: defaults, then the overrides. */
export function resolveAuthSettings(overrides: Partial<AuthSettings> = {}): AuthSettings {
  return { ...DEFAULT_AUTH_SETTINGS, ...overrides };
}

/** GoTrue's GET /settings (supabase/auth internal/api/settings.go) for the project the stand-in models. */
export function settingsBody() {
  const providers = [
    'anonymous_users',
    'apple',
    'azure',
    'bitbucket',
    'discord',
    'facebook',
    'snapchat',
    'figma',
    'fly',
    'github',
    'gitlab',
    'google',
    'keycloak',
    'kakao',
    'linkedin',
    'linkedin_oidc',
    'notion',
    'spotify',
    'slack',
    'slack_oidc',
    'workos',
    'twitch',
    'twitter',
    'phone',
    'zoom',
  ];
  return {
    external: { ...Object.fromEntries(providers.map((k) => [k, false])), email: true },
    // config.toml [auth] enable_signup = false → GOTRUE_DISABLE_SIGNUP=true (supabase/cli internal/start/start.go).
    disable_signup: true,
    mailer_autoconfirm: false,
    phone_autoconfirm: false,
    sms_provider: '',
    saml_enabled: false,
    saml_private_key_next_configured: false,
    passkeys_enabled: false,
  };
}
