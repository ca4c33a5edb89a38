import { describe, expect, it } from 'vitest';
import { markdown, median, ratios, summarize, type Report, type RunFigures } from '../../../bench/telegram/report.js';

function run(deliveredPerSec: number, replyP99Ms: number, cpuUsPerUpdate: number, peakRssMB: number): RunFigures {
  return {
    deliveredPerSec, updatesPerSec: deliveredPerSec / 2, replyP50Ms: 1, replyP90Ms: 2, replyP99Ms, replyMaxMs: 9,
    webhookP50Ms: 1, webhookP99Ms: 2, cpuUsPerUpdate, peakRssMB, seconds: 2, webhookSeconds: 1.5,
    serverCpuPct: 90, loadCpuPct: 50, otherCpuPct: 5, carried: {}, retried: 0, getMeCalls: 0, apiConnections: 3, logKB: 0,
  };
}

const results = {
  ours: [run(4000, 30, 300, 100), run(6000, 10, 200, 120), run(5000, 20, 250, 110)],
  telegraf: [run(2000, 20, 500, 100), run(2500, 40, 600, 100), run(3000, 50, 400, 100)],
  'ours-b': [{ ...run(5500, 20, 250, 110), carried: { answerCallbackQuery: 1000 } }],
  'ours-baseline': [run(2500, 20, 500, 200), run(2500, 20, 500, 200)],
};

describe('the report of the Telegram benchmark', () => {
  it('takes medians over runs, the mean of the middle two for an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    const s = summarize({ ...results, empty: [] });
    expect(s['ours']).toMatchObject({ runs: 3, deliveredPerSec: 5000, replyP99Ms: 20, cpuUsPerUpdate: 250, peakRssMB: 110, replyLagMs: 500 });
    expect(s['telegraf']).toMatchObject({ deliveredPerSec: 2500, replyP99Ms: 40, cpuUsPerUpdate: 500, peakRssMB: 100 });
    expect(s).not.toHaveProperty('empty');
  });

  it('gives ratios against telegraf, ours-* variants against ours, ours against the baseline', () => {
    const r = ratios(summarize(results), results);
    expect(Object.keys(r).sort()).toEqual(['ours-b/ours', 'ours-b/telegraf', 'ours-baseline/telegraf', 'ours/ours-baseline', 'ours/telegraf']);
    expect(r['ours/telegraf']).toEqual({ deliveredPerSec: 2, replyP99Ms: 0.5, cpuUsPerUpdate: 0.5, peakRssMB: 1.1, deliveredRunByRun: [1.67, 2.4] });
    // Runs pair by their order, as many as the shorter side has.
    expect(r['ours-b/ours']!.deliveredRunByRun).toEqual([1.38, 1.38]);
    expect(r['ours/ours-baseline']!.deliveredPerSec).toBe(2);
  });

  it('writes the medians and the ratios as Markdown tables', () => {
    const summary = summarize(results);
    const report: Report = {
      env: { node: 'v20', cpu: 'cpu', cores: 2, pinning: 'none', chats: 10, connections: 2, inFlight: 2, pace: 'webhook', warmup: 0, addedEnv: { 'ours-b': { LEVER: 'on' } } },
      summary,
      ratios: ratios(summary, results),
      memory: undefined,
      verification: {},
      failures: {},
    };
    const lines = markdown(report).split('\n');
    expect(lines).toContain('| ours | 5,000 | 2,500 | 1 | 2 | 20 | 9 | 1 / 2 | 250 | 110 | 3 |');
    expect(lines).toContain('| ours / telegraf | ×2 | ×1.67–×2.4 | ×0.5 | ×0.5 | ×1.1 |');
    expect(lines).toContain("Added to ours-b's environment: LEVER=on");
    expect(lines).toContain('Calls carried in webhook answers, per run: ours-b 1,000 answerCallbackQuery');
  });
});
