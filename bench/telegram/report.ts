/** Figures of the Telegram benchmark: medians per target, the ours/telegraf ratio, Markdown and JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunFigures {
  updatesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMB: number;
  /** First request to last reply at the fake Bot API (the throughput window). */
  seconds: number;
  /** First request to last webhook answer. */
  webhookSeconds: number;
  serverCpuPct: number;
  loadCpuPct: number;
  /** CPU that other processes on the machine took meanwhile (% of one core): high = noisy figures. */
  otherCpuPct: number;
  getMeCalls: number;
  /** TCP connections the server opened to the fake Bot API (keep-alive check: should stay small). */
  apiConnections: number;
  logKB: number;
}

export interface MemoryFigures {
  dialogs: number;
  startsPerSec: number;
  rssMB: number;
  peakRssMB: number;
  dbMB: number;
  files: Record<string, number>;
}

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export type Summary = ReturnType<typeof summarize>;

export function summarize(results: Record<string, RunFigures[]>) {
  const entries = Object.entries(results).filter(([, rs]) => rs.length > 0);
  return Object.fromEntries(
    entries.map(([name, rs]) => {
      const m = (f: (r: RunFigures) => number, digits: number) => round(median(rs.map(f)), digits);
      return [
        name,
        {
          runs: rs.length,
          updatesPerSec: m((r) => r.updatesPerSec, 0),
          p50Ms: m((r) => r.p50Ms, 2),
          p99Ms: m((r) => r.p99Ms, 2),
          peakRssMB: m((r) => r.peakRssMB, 1),
          serverCpuPct: m((r) => r.serverCpuPct, 0),
          loadCpuPct: m((r) => r.loadCpuPct, 0),
          otherCpuPct: m((r) => r.otherCpuPct, 0),
          replyLagMs: m((r) => (r.seconds - r.webhookSeconds) * 1000, 0),
        },
      ];
    }),
  );
}

export function ratioOf(summary: Summary) {
  const [o, t] = [summary['ours'], summary['telegraf']];
  if (!o || !t) return undefined;
  return {
    updatesPerSec: round(o.updatesPerSec / t.updatesPerSec, 2),
    p50Ms: round(o.p50Ms / t.p50Ms, 2),
    p99Ms: round(o.p99Ms / t.p99Ms, 2),
    peakRssMB: round(o.peakRssMB / t.peakRssMB, 2),
  };
}

export interface Report {
  env: { node: string; cpu: string; cores: number; pinning: string; chats: number; connections: number; warmup: number };
  summary: Summary;
  ratio: ReturnType<typeof ratioOf>;
  memory: MemoryFigures | undefined;
  verification: Record<string, string>;
  failures: Record<string, string>;
}

export function markdown(r: Report): string {
  const rows = Object.entries(r.summary);
  const table = rows.length === 0 ? ['No target completed a run.'] : [
    '| target | updates/s (median) | p50 ms | p99 ms | peak RSS MB | runs |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(([n, s]) => `| ${n} | ${s.updatesPerSec} | ${s.p50Ms} | ${s.p99Ms} | ${s.peakRssMB} | ${s.runs} |`),
    '',
    r.ratio
      ? `ours/telegraf: updates/s ×${r.ratio.updatesPerSec}, p50 ×${r.ratio.p50Ms}, p99 ×${r.ratio.p99Ms}, peak RSS ×${r.ratio.peakRssMB}`
      : 'ours/telegraf: n/a (needs both targets)',
    '',
    'CPU during the measured window (median; ~100% = that side was the bottleneck): ' +
      rows.map(([n, s]) => `${n} server ${s.serverCpuPct}% / load generator ${s.loadCpuPct}% / other processes ${s.otherCpuPct}%`).join('; '),
    'Replies still on their way after the last webhook answer (median): ' + rows.map(([n, s]) => `${n} ${s.replyLagMs} ms`).join(', '),
    ...(rows.some(([, s]) => s.otherCpuPct > 25)
      ? ['**Warning**: other processes took a noticeable share of the CPU during the runs; these figures are noisy.']
      : []),
  ];
  const m = r.memory;
  return [
    `## Telegram webhook benchmark: ${r.env.chats} dialogs × 3 updates, ${r.env.connections} connections`,
    '',
    ...table,
    ...(m
      ? ['', `Memory, ours with ${m.dialogs} stored dialogs (one /start each): RSS ${m.rssMB} MB, VmHWM ${m.peakRssMB} MB, ` +
          `SQLite db + WAL ${m.dbMB} MB (${m.startsPerSec} /start per s)`]
      : []),
    '',
    `Environment: node ${r.env.node}, ${r.env.cores} cores (${r.env.cpu}), pinning: ${r.env.pinning}; ` +
      `${r.env.warmup} warm-up dialogs per run; every run a fresh server process (and database).`,
    ...Object.entries(r.verification).map(([n, v]) => `Verified ${n}: ${v}`),
    ...Object.entries(r.failures).map(([n, f]) => `**${n} FAILED**: ${f.split('\n')[0]}`),
  ].join('\n');
}

/** Raw figures to bench/results/telegram-<timestamp>.json (ignored by git); returns the path. */
export function writeJson(data: object): string {
  const dir = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `telegram-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}
