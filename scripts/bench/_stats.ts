// Percentiles and a one-line summary shared by the benchmarks.
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function summarize(samplesMs: number[]): {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  n: number;
} {
  const s = [...samplesMs].sort((a, b) => a - b);
  return {
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.at(-1) ?? Number.NaN,
    n: s.length,
  };
}

export function formatMs(label: string, samplesMs: number[]): string {
  const r = summarize(samplesMs);
  const f = (v: number) => `${v.toFixed(1)} ms`;
  return `${label}: n=${r.n} p50=${f(r.p50)} p95=${f(r.p95)} p99=${f(r.p99)} max=${f(r.max)}`;
}
