// The routes through which GoTrue creates a user for someone who is not an admin — /signup (also anonymous
// sign-in), /otp and /magiclink with an unknown email — answered as GoTrue answers them when the project has
// sign-ups off (config.toml enable_signup = false, enable_anonymous_sign_ins = false), which is how Keyroom's
// project runs: users are created only by the admin-users function. What GoTrue would do next for an existing
// user (send a magic link or an invite email) needs a mailer the stand-in does not have, so it is refused
// with a clear error rather than pretended.
import { z } from 'zod';
import { clientIp } from '../http/respond';
import { type AuthDeps, type AuthRequest, readParams } from './common';
import { AuthError, badRequest, noMailer, unprocessable } from './errors';
import type { AuthLimiters, TokenBucketLimiter } from './limiter';
import { validateEmail, validatePhone } from './params';
import { findUserByEmail } from './users';

// Go's JSON decoding leaves a field empty for `null`, as auth-js sends for options it was not given.
const str = z.string().nullish();
const Metadata = z.record(z.string(), z.unknown()).nullish();

const SignupParams = z.object({
  email: str,
  phone: str,
  password: str,
  data: Metadata,
  channel: str,
  code_challenge: str,
  code_challenge_method: str,
});

const OtpParams = SignupParams.omit({ password: true }).extend({ create_user: z.boolean().nullish() });

const MagicLinkParams = SignupParams.pick({
  email: true,
  data: true,
  code_challenge: true,
  code_challenge_method: true,
});

// supabase/auth internal/api/signup.go Signup and anonymous.go SignupAnonymously: checked before anything else.
const SIGNUP_DISABLED = () => unprocessable('signup_disabled', 'Signups not allowed for this instance');

export function limited(limiter: TokenBucketLimiter, r: AuthRequest): void {
  // supabase/auth internal/api/middleware.go performRateLimiting.
  if (!limiter.allow(clientIp(r.req)))
    throw new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached');
}

/** POST /signup (supabase/auth internal/api/api.go, the /signup route, then signup.go / anonymous.go). */
async function signup(limits: AuthLimiters, r: AuthRequest): Promise<void> {
  const p = await readParams(r.req, SignupParams);
  if (!p.email && !p.phone) {
    // enable_anonymous_sign_ins = false: refused before the anonymous limiter and before the sign-up check.
    throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
  }
  limited(limits.signups, r);
  throw SIGNUP_DISABLED();
}

/**
 * POST /magiclink (supabase/auth internal/api/magic_link.go): an unknown or unconfirmed email goes through
 * Signup, which refuses; a confirmed user would be mailed a link.
 */
async function magicLinkFor(deps: AuthDeps, rawEmail: string | null | undefined): Promise<never> {
  if (!rawEmail) throw unprocessable('validation_failed', 'Password recovery requires an email');
  const email = validateEmail(rawEmail);
  const user = await findUserByEmail(deps.db, email);
  if (!user?.confirmed) throw SIGNUP_DISABLED();
  throw noMailer('Signing in with a magic link');
}

/** POST /otp (supabase/auth internal/api/otp.go Otp, shouldCreateUser, then MagicLink or SmsOtp). */
async function otp(deps: AuthDeps, limits: AuthLimiters, r: AuthRequest): Promise<void> {
  limited(limits.otp, r);
  const p = await readParams(r.req, OtpParams);
  if (p.email && p.phone)
    throw badRequest('validation_failed', 'Only an email address or phone number should be provided');
  if (p.email && p.channel)
    throw badRequest('validation_failed', 'Channel should only be specified with Phone OTP');
  // create_user defaults to true; with false, an address nobody has is refused before any sign-up.
  if (p.create_user === false) {
    if (p.email) {
      if (!(await findUserByEmail(deps.db, validateEmail(p.email))))
        throw unprocessable('otp_disabled', 'Signups not allowed for otp');
    } else if (p.phone) {
      validatePhone(p.phone);
      // Phone logins are off, so no user has a phone number.
      throw unprocessable('otp_disabled', 'Signups not allowed for otp');
    }
  }
  if (p.email) return magicLinkFor(deps, p.email);
  if (p.phone) throw badRequest('phone_provider_disabled', 'Unsupported phone provider');
  throw badRequest('validation_failed', 'One of email or phone must be set');
}

async function magicLink(deps: AuthDeps, limits: AuthLimiters, r: AuthRequest): Promise<void> {
  limited(limits.magicLink, r);
  const p = await readParams(r.req, MagicLinkParams);
  return magicLinkFor(deps, p.email);
}

/** Routes that would create a user for a non-admin; undefined when `r` is none of them. */
export function signupRoutes(
  deps: AuthDeps,
  limits: AuthLimiters,
): (r: AuthRequest) => Promise<void> | undefined {
  return (r) => {
    if (r.method !== 'POST') return undefined;
    if (r.path === '/signup') return signup(limits, r);
    if (r.path === '/otp') return otp(deps, limits, r);
    if (r.path === '/magiclink') return magicLink(deps, limits, r);
    return undefined;
  };
}
