import { describe, expect, it } from 'vitest';
import { SignInGuard, WindowLimiter } from './limiter';

describe('WindowLimiter', () => {
  it('refuses once the limit is used and forgets hits older than the window', () => {
    let t = 0;
    const l = new WindowLimiter(2, 1000, () => t);
    l.record('a');
    t = 500;
    l.record('a');
    expect(l.exhausted('a')).toBe(true);
    expect(l.exhausted('b')).toBe(false);
    t = 1001;
    expect(l.exhausted('a')).toBe(false);
  });
});

describe('SignInGuard', () => {
  it('limits failures per email whatever the IP, case-insensitively', () => {
    const g = new SignInGuard({ perIp: 100, failuresPerEmail: 3, windowMs: 60_000, now: () => 0 });
    for (const ip of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) {
      expect(g.admit(ip, 'Ann@x.test')).toBe(true);
      g.failed('Ann@x.test');
    }
    expect(g.admit('4.4.4.4', 'ann@x.test')).toBe(false);
    expect(g.admit('4.4.4.4', 'bob@x.test')).toBe(true);
  });

  it('limits attempts per IP across emails, successful ones included', () => {
    const g = new SignInGuard({ perIp: 3, failuresPerEmail: 100, windowMs: 60_000, now: () => 0 });
    expect(g.admit('1.1.1.1', 'a@x.test')).toBe(true);
    expect(g.admit('1.1.1.1', 'b@x.test')).toBe(true);
    expect(g.admit('1.1.1.1', 'c@x.test')).toBe(true);
    expect(g.admit('1.1.1.1', 'd@x.test')).toBe(false);
    expect(g.admit('2.2.2.2', 'd@x.test')).toBe(true);
  });
});
