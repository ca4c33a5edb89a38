// Pure helpers of the timer benchmarks: pacing, quantiles, summaries. Tested in test/bench/agenda-stats.test.ts.

/** The q-quantile (0 < q <= 1) by the nearest-rank method; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** When the i-th of `count` events paced evenly over `windowMs` from `start` is due (the first at start). */
export function pacedAt(i: number, count: number, windowMs: number, start: number): number {
  return start + (count <= 1 ? 0 : Math.round((i * windowMs) / count));
}

export interface LatenessSummary {
  readonly fired: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Lateness (fire time - due, ms) of the timers fired, in percentiles. */
export function summarizeLateness(latenesses: readonly number[]): LatenessSummary {
  return {
    fired: latenesses.length,
    p50Ms: quantile(latenesses, 0.5),
    p99Ms: quantile(latenesses, 0.99),
    maxMs: latenesses.length ? Math.max(...latenesses) : NaN,
  };
}

/** The median of each numeric field over runs (the runs all have the same fields). */
export function medianOfRuns<T extends Record<string, number>>(runs: readonly T[]): T {
  const first = runs[0];
  if (!first) throw new Error('no runs to summarize');
  return Object.fromEntries(Object.keys(first).map((k) => [k, median(runs.map((r) => r[k]!))])) as T;
}
