// Realtime's RateCounter as limit_joins uses it (supabase/realtime lib/realtime/rate_counter/rate_counter.ex and
// Tenants.joins_per_second_rate): events are counted per tick (5 s), the last 12 ticks are kept, and at each tick
// avg = sum / ticks / tick seconds. A tick whose avg reaches the limit triggers it; a later tick whose avg is below
// the limit releases it. While triggered every event is refused and not counted. So a burst inside one tick passes
// and the refusals start at the next tick, as on Supabase.
export interface RateCounterOptions {
  limit: number;
  tickMs: number;
  maxBuckets: number;
}

export class RateCounter {
  private count = 0;
  private buckets: number[] = [];
  private triggered = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: RateCounterOptions) {
    this.timer = setInterval(() => this.tick(), opts.tickMs);
    this.timer.unref();
  }

  /** Counts one event; false (and not counted) while the limit is triggered. */
  take(): boolean {
    if (this.triggered) return false;
    this.count++;
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    this.buckets = [this.count, ...this.buckets].slice(0, this.opts.maxBuckets);
    this.count = 0;
    const sum = this.buckets.reduce((a, b) => a + b, 0);
    const avg = sum / this.buckets.length / (this.opts.tickMs / 1000);
    // maybe_trigger_limit: triggered at avg >= limit, released at avg < limit, which is one test.
    this.triggered = avg >= this.opts.limit;
  }
}
