import { describe, expect, it } from 'vitest';
import { median, medianOfRuns, pacedAt, quantile, summarizeLateness } from '../../bench/agenda/stats.js';

describe('timer benchmark statistics', () => {
  it('takes quantiles by nearest rank, whatever the input order', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(quantile(xs, 0.5)).toBe(5);
    expect(quantile(xs, 0.99)).toBe(10);
    expect(quantile(xs, 0.1)).toBe(1);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(xs[0]).toBe(5);
  });

  it('paces events evenly over a window from its start', () => {
    expect([0, 1, 2, 3].map((i) => pacedAt(i, 4, 1000, 100))).toEqual([100, 350, 600, 850]);
    expect(pacedAt(0, 1, 1000, 100)).toBe(100);
  });

  it('summarizes lateness and the medians of runs', () => {
    expect(summarizeLateness([30, 10, 20])).toEqual({ fired: 3, p50Ms: 20, p99Ms: 30, maxMs: 30 });
    expect(summarizeLateness([]).fired).toBe(0);
    expect(medianOfRuns([{ a: 1, b: 9 }, { a: 3, b: 7 }, { a: 2, b: 8 }])).toEqual({ a: 2, b: 8 });
    expect(() => medianOfRuns([])).toThrow();
  });
});
