// Sliding-window counters for the sign-in brute-force guard, kept in memory like GoTrue's limiter.
export class WindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `key` already used up its allowance in the current window. */
  exhausted(key: string): boolean {
    return this.recent(key).length >= this.limit;
  }

  record(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    this.hits.set(key, list);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.hits.delete(key);
    else this.hits.set(key, list);
    return list;
  }
}

/** Per-IP attempts and per-email failures: an attacker gets neither many guesses on one account nor on many. */
export class SignInGuard {
  private readonly perIp: WindowLimiter;
  private readonly perEmail: WindowLimiter;

  constructor(opts: { perIp: number; failuresPerEmail: number; windowMs: number; now?: () => number }) {
    this.perIp = new WindowLimiter(opts.perIp, opts.windowMs, opts.now);
    this.perEmail = new WindowLimiter(opts.failuresPerEmail, opts.windowMs, opts.now);
  }

  /** Counts the attempt; false when it must be refused with 429. */
  admit(ip: string, email: string): boolean {
    const key = email.trim().toLowerCase();
    if (this.perIp.exhausted(ip) || this.perEmail.exhausted(key)) return false;
    this.perIp.record(ip);
    return true;
  }

  failed(email: string): void {
    this.perEmail.record(email.trim().toLowerCase());
  }
}
