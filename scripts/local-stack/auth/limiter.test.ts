// The per-IP limiter as GoTrue's tollbooth buckets behave (supabase/auth internal/api/apilimiter): full at
// first, refilled at the configured rate, a refused request free. No key is ever an email.
import { describe, expect, it } from 'vitest';
import { makeLimiters, TokenBucketLimiter } from './limiter';
import { DEFAULT_AUTH_SETTINGS } from './settings';

describe('TokenBucketLimiter', () => {
  it('lets a burst through at once, then one request per refill interval, per key', () => {
    let t = 0;
    // 150 per 5 minutes = one every 2 s, burst 30: GoTrue's /token limiter with config.toml's defaults.
    const l = new TokenBucketLimiter(150, 30, () => t);
    for (let i = 0; i < 30; i++) expect(l.allow('1.1.1.1')).toBe(true);
    expect(l.allow('1.1.1.1')).toBe(false);
    expect(l.allow('2.2.2.2')).toBe(true);
    t = 1_999;
    expect(l.allow('1.1.1.1')).toBe(false);
    t = 2_000;
    expect(l.allow('1.1.1.1')).toBe(true);
    expect(l.allow('1.1.1.1')).toBe(false);
  });

  it('does not charge refused requests, and never holds more than the burst', () => {
    let t = 0;
    const l = new TokenBucketLimiter(150, 2, () => t);
    expect(l.allow('k')).toBe(true);
    expect(l.allow('k')).toBe(true);
    for (let i = 0; i < 50; i++) expect(l.allow('k')).toBe(false);
    t = 2_000;
    expect(l.allow('k')).toBe(true);
    t = 3_600_000;
    expect(l.allow('k')).toBe(true);
    expect(l.allow('k')).toBe(true);
    expect(l.allow('k')).toBe(false);
  });
});

describe('auth limiters', () => {
  it('default to config.toml [auth.rate_limit]: token_refresh 150 and sign_in_sign_ups 30, burst 30', () => {
    expect(DEFAULT_AUTH_SETTINGS).toMatchObject({
      tokenRatePer5Min: 150,
      tokenBurst: 30,
      otpRatePer5Min: 30,
      otpBurst: 30,
    });
    const t = 0;
    const l = makeLimiters(DEFAULT_AUTH_SETTINGS, () => t);
    for (let i = 0; i < 30; i++) expect(l.token.allow('ip')).toBe(true);
    expect(l.token.allow('ip')).toBe(false);
    // Each route keeps its own buckets.
    expect(l.signups.allow('ip')).toBe(true);
    expect(l.user.allow('ip')).toBe(true);
  });
});
