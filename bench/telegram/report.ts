/** Figures of the Telegram benchmark: medians per target, ratios between targets, Markdown and JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunFigures {
  /** Replies the fake Bot API received per second (calls carried in webhook answers included), over `seconds`. */
  deliveredPerSec: number;
  updatesPerSec: number;
  /** From posting an update to the arrival of its last reply. */
  replyP50Ms: number;
  replyP90Ms: number;
  replyP99Ms: number;
  replyMaxMs: number;
  /** From posting an update to its webhook answer. */
  webhookP50Ms: number;
  webhookP99Ms: number;
  /** Server CPU (user + system) over the measured phase, per update. */
  cpuUsPerUpdate: number;
  peakRssMB: number;
  /** First post to last reply at the fake Bot API (the throughput window). */
  seconds: number;
  /** First post to last webhook answer. */
  webhookSeconds: number;
  serverCpuPct: number;
  loadCpuPct: number;
  /** CPU that other processes on the machine took meanwhile (% of one core): high = noisy figures. */
  otherCpuPct: number;
  /** Bot API calls the server put in webhook answers, per method. */
  carried: Record<string, number>;
  /** Webhook posts answered 429/503 and posted again. */
  retried: number;
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
export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Figures whose median over runs the summary gives, with their rounding. */
const MEDIANS = {
  deliveredPerSec: 0,
  updatesPerSec: 0,
  replyP50Ms: 1,
  replyP90Ms: 1,
  replyP99Ms: 1,
  replyMaxMs: 1,
  webhookP50Ms: 2,
  webhookP99Ms: 2,
  cpuUsPerUpdate: 0,
  peakRssMB: 1,
  serverCpuPct: 0,
  loadCpuPct: 0,
  otherCpuPct: 0,
  retried: 0,
} as const satisfies Partial<Record<keyof RunFigures, number>>;

export type TargetSummary = {
  runs: number;
  replyLagMs: number;
  /** Calls carried in webhook answers in the last run, per method (the same in every run of a target). */
  carried: Record<string, number>;
} & Record<keyof typeof MEDIANS, number>;
export type Summary = Record<string, TargetSummary>;

export function summarize(results: Readonly<Record<string, readonly RunFigures[]>>): Summary {
  const out: Summary = {};
  for (const [name, rs] of Object.entries(results)) {
    if (rs.length === 0) continue;
    const s = {
      runs: rs.length,
      replyLagMs: round(median(rs.map((r) => Math.max(0, r.seconds - r.webhookSeconds) * 1000)), 0),
      carried: rs[rs.length - 1]!.carried,
    } as TargetSummary;
    for (const [field, digits] of Object.entries(MEDIANS) as [keyof typeof MEDIANS, number][]) {
      s[field] = round(median(rs.map((r) => r[field])), digits);
    }
    out[name] = s;
  }
  return out;
}

/** Ratios of `a` to `b` (a/b) of the figures the goal is stated in, and delivered/s run by run. */
export interface Ratio {
  deliveredPerSec: number;
  replyP99Ms: number;
  cpuUsPerUpdate: number;
  peakRssMB: number;
  /** Lowest and highest a/b of delivered/s over the runs paired by their order (runs alternate). */
  deliveredRunByRun: [number, number] | undefined;
}

const REFERENCE = 'telegraf';
const BASELINE = 'ours-baseline';
const isOurs = (name: string) => name === 'ours' || name.startsWith('ours-');

/** Every target against telegraf, every other ours-* target against ours and ours against ours-baseline, as "a/b". */
export function ratios(summary: Summary, results: Readonly<Record<string, readonly RunFigures[]>>): Record<string, Ratio> {
  const names = Object.keys(summary);
  const pairs: [string, string][] = [
    ...names.filter((n) => n !== REFERENCE && summary[REFERENCE]).map((n): [string, string] => [n, REFERENCE]),
    // The baseline is the older version: ours is compared with it, other variants with ours.
    ...names
      .filter((n) => isOurs(n) && n !== 'ours' && summary['ours'])
      .map((n): [string, string] => (n === BASELINE ? ['ours', BASELINE] : [n, 'ours'])),
  ];
  const out: Record<string, Ratio> = {};
  for (const [a, b] of pairs) {
    const [sa, sb] = [summary[a]!, summary[b]!];
    const ra = results[a] ?? [];
    const rb = results[b] ?? [];
    const perRun = ra.slice(0, rb.length).map((r, i) => r.deliveredPerSec / rb[i]!.deliveredPerSec);
    out[`${a}/${b}`] = {
      deliveredPerSec: round(sa.deliveredPerSec / sb.deliveredPerSec, 2),
      replyP99Ms: round(sa.replyP99Ms / sb.replyP99Ms, 2),
      cpuUsPerUpdate: round(sa.cpuUsPerUpdate / sb.cpuUsPerUpdate, 2),
      peakRssMB: round(sa.peakRssMB / sb.peakRssMB, 2),
      deliveredRunByRun: perRun.length > 0 ? [round(Math.min(...perRun), 2), round(Math.max(...perRun), 2)] : undefined,
    };
  }
  return out;
}

export interface Report {
  env: {
    node: string;
    cpu: string;
    cores: number;
    pinning: string;
    chats: number;
    connections: number;
    inFlight: number;
    pace: string;
    warmup: number;
    addedEnv: Record<string, Readonly<Record<string, string>>>;
  };
  summary: Summary;
  ratios: Record<string, Ratio>;
  memory: MemoryFigures | undefined;
  verification: Record<string, string>;
  failures: Record<string, string>;
}

const thousands = (n: number) => n.toLocaleString('en-US');
const times = (n: number) => `×${n}`;

/** The medians as a table the README can take. */
export function summaryTable(summary: Summary): string[] {
  return [
    '| target | delivered replies/s | updates/s | reply p50 ms | reply p90 ms | reply p99 ms | reply max ms | webhook p50 / p99 ms | server CPU µs/update | peak RSS MB | runs |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(summary).map(
      ([n, s]) =>
        `| ${n} | ${thousands(s.deliveredPerSec)} | ${thousands(s.updatesPerSec)} | ${s.replyP50Ms} | ${s.replyP90Ms} | ${s.replyP99Ms} | ` +
        `${s.replyMaxMs} | ${s.webhookP50Ms} / ${s.webhookP99Ms} | ${s.cpuUsPerUpdate} | ${s.peakRssMB} | ${s.runs} |`,
    ),
  ];
}

export function ratioTable(rs: Record<string, Ratio>): string[] {
  const entries = Object.entries(rs);
  if (entries.length === 0) return [];
  return [
    '| ratio | delivered replies/s | run by run | reply p99 | server CPU µs/update | peak RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...entries.map(([pair, r]) => {
      const range = r.deliveredRunByRun ? `${times(r.deliveredRunByRun[0])}–${times(r.deliveredRunByRun[1])}` : 'n/a';
      return `| ${pair.replace('/', ' / ')} | ${times(r.deliveredPerSec)} | ${range} | ${times(r.replyP99Ms)} | ${times(r.cpuUsPerUpdate)} | ${times(r.peakRssMB)} |`;
    }),
  ];
}

export function markdown(r: Report): string {
  const rows = Object.entries(r.summary);
  const carried = rows
    .filter(([, s]) => Object.keys(s.carried).length > 0)
    .map(([n, s]) => `${n} ${Object.entries(s.carried).map(([m, c]) => `${thousands(c)} ${m}`).join(', ')}`);
  const added = Object.entries(r.env.addedEnv).filter(([, e]) => Object.keys(e).length > 0);
  const table = rows.length === 0 ? ['No target completed a run.'] : [
    ...summaryTable(r.summary),
    '',
    ...ratioTable(r.ratios),
    '',
    'Medians over runs. Delivered: replies received by the fake Bot API per second (sendMessage and ' +
      'answerCallbackQuery, those carried in webhook answers included), from the first post to the last reply; ' +
      'reply latency: from posting an update to the arrival of its last reply.',
    'CPU during the measured window (median; ~100% = that side was the bottleneck): ' +
      rows.map(([n, s]) => `${n} server ${s.serverCpuPct}% / load generator ${s.loadCpuPct}% / other processes ${s.otherCpuPct}%`).join('; '),
    'Replies still on their way after the last webhook answer (median): ' + rows.map(([n, s]) => `${n} ${s.replyLagMs} ms`).join(', '),
    ...(carried.length > 0 ? [`Calls carried in webhook answers, per run: ${carried.join('; ')}`] : []),
    ...(rows.some(([, s]) => s.retried > 0)
      ? ['Webhook posts answered 429/503 and posted again after Retry-After (median per run): ' +
          rows.map(([n, s]) => `${n} ${thousands(s.retried)}`).join(', ')]
      : []),
    ...(rows.some(([, s]) => s.otherCpuPct > 25)
      ? ['**Warning**: other processes took a noticeable share of the CPU during the runs; these figures are noisy.']
      : []),
  ];
  const m = r.memory;
  return [
    `## Telegram webhook benchmark: ${r.env.chats} dialogs × 3 updates, ${r.env.connections} connections, ` +
      `${r.env.inFlight} chats in flight, pace ${r.env.pace}`,
    '',
    ...table,
    ...(m
      ? ['', `Memory, ours with ${m.dialogs} stored dialogs (one /start each): RSS ${m.rssMB} MB, VmHWM ${m.peakRssMB} MB, ` +
          `SQLite db + WAL ${m.dbMB} MB (${m.startsPerSec} /start per s)`]
      : []),
    '',
    `Environment: node ${r.env.node}, ${r.env.cores} cores (${r.env.cpu}), pinning: ${r.env.pinning}; ` +
      `${r.env.warmup} warm-up dialogs per run; every run a fresh server process (and database).`,
    ...added.map(([n, e]) => `Added to ${n}'s environment: ${Object.entries(e).map(([k, v]) => `${k}=${v}`).join(', ')}`),
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
