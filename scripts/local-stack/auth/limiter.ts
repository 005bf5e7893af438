// GoTrue's per-IP request limits (supabase/auth internal/api/apilimiter/apilimiter.go): one token bucket per
// client address and per limiter, as tollbooth builds them on golang.org/x/time/rate. A bucket starts full
// (`burst` requests at once), refills at `ratePer5Min` per five minutes, and a refused request costs nothing.
// There is no per-account limit: GoTrue has none, and one would let anyone lock a colleague out by typing
// wrong passwords for their email.
import type { AuthSettings } from './settings';

const FIVE_MINUTES_MS = 5 * 60_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    ratePer5Min: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = ratePer5Min / FIVE_MINUTES_MS;
  }

  /** Takes one request from `key`'s bucket; false when it is empty and the request must get 429. */
  allow(key: string): boolean {
    const t = this.now();
    const b = this.buckets.get(key);
    const tokens = b ? Math.min(this.burst, b.tokens + (t - b.at) * this.perMs) : this.burst;
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: t });
      return false;
    }
    this.buckets.set(key, { tokens: tokens - 1, at: t });
    if (this.buckets.size > 10_000) this.forgetFull(t);
    return true;
  }

  /** A bucket that refilled is the same as no bucket: drop those so memory stays bounded. */
  private forgetFull(t: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + (t - b.at) * this.perMs >= this.burst) this.buckets.delete(key);
  }
}

/** The limiters of the routes the stand-in serves, each a separate set of buckets as in GoTrue. */
export interface AuthLimiters {
  /** POST /token, every grant type together (apilimiter Token: token_refresh per 5 min, burst 30). */
  token: TokenBucketLimiter;
  /** POST /signup with an email or phone (apilimiter Signups: the OTP rate, burst 30). */
  signups: TokenBucketLimiter;
  /** POST /otp (apilimiter Otp). */
  otp: TokenBucketLimiter;
  /** POST /magiclink (apilimiter MagicLink). */
  magicLink: TokenBucketLimiter;
  /** PUT /user (apilimiter User). */
  user: TokenBucketLimiter;
}

export function makeLimiters(s: AuthSettings, now?: () => number): AuthLimiters {
  // newLimiterPer5mOver1h: every OTP-rate limiter has a burst of 30, like the token limiter.
  const otpRate = () => new TokenBucketLimiter(s.otpRatePer5Min, s.otpBurst, now);
  return {
    token: new TokenBucketLimiter(s.tokenRatePer5Min, s.tokenBurst, now),
    signups: otpRate(),
    otp: otpRate(),
    magicLink: otpRate(),
    user: otpRate(),
  };
}
