/**
 * The dashboard's store queries, and its whole request through the Koa app, on a SQLite file holding DIALOGS dialogs
 * of one bot over 7 days plus half as many of each of two other bots (which every query must filter out). The
 * conversations are real: driven through the engine and recorded with nextState, as the dialog manager does.
 * Each measure is one untimed call, then RUNS timed ones (with fewer than 10, the p90 is the slowest of them).
 * Run: npm run bench:dashboard  (options: DIALOGS=10000 RUNS=7)
 */
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compileScenario, emitMachineConfig, type MachineConfig } from '../compiler/index.js';
import { DialogManager, isSensitiveStep, nextState } from '../runtime/dialogs/index.js';
import { Dialog, type UserMessage } from '../runtime/engine/index.js';
import { createApp } from '../runtime/http/index.js';
import { silentLogger } from '../runtime/log/index.js';
import { openStore, type DialogKey, type DialogState, type DialogWrite, type Store } from '../runtime/store/index.js';

const dialogs = Number(process.env['DIALOGS'] ?? 10_000);
const runs = Number(process.env['RUNS'] ?? 7);
const gc = (globalThis as { gc?: () => void }).gc;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// A fixed clock: every run and every query sees the same windows of the same data.
const NOW = Date.UTC(2026, 0, 15, 12);
const TOKEN = 'bench-dashboard-token-0123456789';
const CHUNK = 500; // dialogs whose writes share one group commit while seeding

const t = (text: string): UserMessage => ({ text });
const p = (press: string): UserMessage => ({ press });
const START = [t('/start'), t('hello')];

interface Bot {
  readonly id: string;
  readonly source: string;
  readonly config: MachineConfig;
  readonly startStep: string;
  /** What users send at each waiting step; some answers are invalid and get re-asked. */
  readonly answers: Readonly<Record<string, readonly UserMessage[]>>;
}

function bot(id: string, example: string, answers: Bot['answers']): Bot {
  const file = fileURLToPath(new URL(`../../examples/${example}`, import.meta.url));
  const source = readFileSync(file, 'utf8');
  const { ir } = compileScenario(source, { file });
  if (!ir) throw new Error(`${file} does not compile`);
  return { id, source, config: emitMachineConfig(ir), startStep: ir.startStep, answers };
}

// The measured bot (10 steps) first; every other dialog belongs to one of the two others.
const BOTS: readonly Bot[] = [
  bot('loans', 'loan-conditions.json', {
    ask_income: [t('3500'), t('6000'), t('2750,50'), t('800'), t('4500'), t('lots'), t('/help')],
    ask_age: [t('25'), t('35'), t('19'), t('17'), t('40'), t('old')],
    ask_purpose: [p('car'), p('home'), p('education'), t('Home'), t('boat')],
  }),
  bot('signup', 'signup-validation.json', {
    ask_age: [t('30'), t('45'), t('12'), t('abc')],
    ask_email: [t('ann@example.com'), t('Bob@Example.org'), t('nope')],
    ask_phone: [t('+1 555 123 4567'), t('020 7946 0958'), t('12'), t('/cancel')],
  }),
  bot('greeter', 'spec-example.json', { ask_name: [t('Ann'), t('Bob'), t('/help')], greet_with_name: [p('more_info'), p('end'), t('maybe')] }),
];
const MAIN = BOTS[0]!;
const botOf = (g: number): Bot => (g % 2 === 0 ? MAIN : BOTS[g % 4 === 1 ? 1 : 2]!);

/** Seeded (mulberry32), so every run of the benchmark builds the same data. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The manager stores snapshots without the last turn's effects (they are in the outbox already). */
function withoutEffects(snapshot: unknown): unknown {
  const s = snapshot as { context: object };
  return { ...s, context: { ...s.context, effects: [] } };
}

/** One conversation through the engine: the writes the manager would make, a few seconds to minutes apart. */
function converse(bot: Bot, key: DialogKey, start: number, rand: () => number): { writes: DialogWrite[]; lastSeq: number } {
  const dialog = new Dialog(bot.config);
  // The first turn adds 3 entries and no turn more than 3, so every dialog keeps 5 to 12.
  const target = 4 + Math.floor(rand() * 7);
  const writes: DialogWrite[] = [];
  let previous: DialogState | undefined;
  let at = start;
  for (let entries = 0, turn = 1; entries < target && !dialog.ended; turn++) {
    const stepBefore = dialog.step ?? null;
    const choices = stepBefore === null ? START : bot.answers[stepBefore];
    if (!choices) throw new Error(`the benchmark has no answers for step ${stepBefore} of bot ${bot.id}`);
    const message = choices[Math.floor(rand() * choices.length)]!;
    const turnResult = dialog.send(message);
    const { state, history } = nextState({
      key, previous, scenarioVersion: bot.config.version, stepBefore, stepAfter: turnResult.step ?? null, vars: dialog.vars,
      snapshot: withoutEffects(dialog.persisted()), effects: turnResult.effects, now: Math.round(at),
      inbound: { updateId: `${key.chatId}-${turn}`, message, sensitive: isSensitiveStep(bot.config, stepBefore) },
    });
    writes.push({ expectedRev: previous?.rev ?? 0, state, history });
    entries += history.length;
    previous = { ...state, delivered: state.lastSeq }; // the replies went out before the next message came in
    at += 3_000 + rand() * 120_000;
  }
  dialog.stop();
  return { writes, lastSeq: previous?.lastSeq ?? 0 };
}

/** Dialogs in order of their start over the 7 days, so history rows land roughly in time order, as in production. */
async function seed(store: Store): Promise<{ entries: number; ms: number; perBot: Map<string, number> }> {
  const rand = random(1);
  const total = dialogs * 2;
  const t0 = performance.now();
  let entries = 0;
  const perBot = new Map<string, number>();
  for (let from = 0; from < total; from += CHUNK) {
    const pending: Promise<unknown>[] = [];
    for (let g = from; g < Math.min(total, from + CHUNK); g++) {
      const bot = botOf(g);
      perBot.set(bot.id, (perBot.get(bot.id) ?? 0) + 1);
      const web = rand() < 0.3;
      const key = { botId: bot.id, platform: web ? 'webchat' : 'telegram', chatId: web ? `web-${g.toString(36).padStart(14, '0')}` : String(10_000_000 + g) };
      const { writes, lastSeq } = converse(bot, key, NOW - 7 * DAY + ((g + rand()) / total) * (7 * DAY - HOUR), rand);
      for (const w of writes) pending.push(store.writeDialog(w));
      pending.push(store.markDelivered(key, lastSeq).then(() => true));
      entries += writes.reduce((n, w) => n + w.history.length, 0);
    }
    if ((await Promise.all(pending)).includes(false)) throw new Error('a seeding write conflicted: dialog keys must be unique');
  }
  return { entries, ms: performance.now() - t0, perBot };
}

/** One untimed call (statement caches, the scenario view), then RUNS timed ones; returns the times and the last result. */
async function sample<T>(fn: () => Promise<T>): Promise<{ ms: number[]; result: T }> {
  let result = await fn();
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    gc?.();
    const t0 = performance.now();
    result = await fn();
    ms.push(performance.now() - t0);
  }
  return { ms, result };
}

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
const fmt = (n: number): string => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const mb = (file: string): number => (existsSync(file) ? statSync(file).size / 1024 / 1024 : 0);

async function dashboard(url: string, hours: number): Promise<string> {
  const res = await fetch(`${url}/api/bots/${MAIN.id}/dashboard?window=${hours}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { funnel?: { dialogs: number } };
  if (!res.ok || !body.funnel) throw new Error(`the dashboard answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
  return `funnel ${body.funnel.dialogs} conversations`;
}

type Row = readonly [measure: string, window: string, sample: { ms: number[]; result: string }];

/** Each query with the 24 h and 7 d windows, the recent-dialogs list, and the whole request through HTTP. */
/** The app's clock: moved on to expire the funnel cache; the data's windows move by a minute at most. */
let appNow = NOW;

async function measure(store: Store, url: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [label, span] of [['24 h', DAY], ['7 d', 7 * DAY]] as const) {
    const since = NOW - span;
    rows.push(['activeByStep', label, await sample(async () => `${Object.values(await store.activeByStep(MAIN.id, since)).reduce((a, b) => a + b, 0)} active`)]);
    rows.push(['funnel', label, await sample(async () => `${(await store.funnel(MAIN.id, since, MAIN.startStep)).dialogs} conversations`)]);
    rows.push(['messageRate (1 min)', label, await sample(async () => `${(await store.messageRate(MAIN.id, since, MINUTE)).length} buckets`)]);
  }
  rows.push(['listDialogs (20)', '-', await sample(async () => `${(await store.listDialogs(MAIN.id, { limit: 20 })).length} dialogs`)]);
  for (const [label, hours] of [['24 h', 24], ['7 d', 168]] as const) {
    // Past the funnel's cache each time: the request as the first dashboard after a change sees it.
    rows.push(['GET dashboard (HTTP)', label, await sample(() => ((appNow += 61_000), dashboard(url, hours)))]);
    rows.push(['  same, funnel cached', label, await sample(() => dashboard(url, hours))]);
    appNow = NOW;
  }
  return rows;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-bench-dashboard-'));
  const file = join(dir, 'dashboard.db');
  const store = await openStore(file);
  const manager = new DialogManager({ store, logger: silentLogger(), clock: () => NOW });
  const server = createApp({ manager, store, logger: silentLogger(), telegramSecretOf: () => undefined, clock: () => appNow, adminToken: TOKEN, pages: false }).listen(0, '127.0.0.1');
  try {
    await once(server, 'listening');
    for (const { id, config, source } of BOTS) {
      await store.upsertBot({ id, accountId: 'bench', name: id, createdAt: NOW - 8 * DAY, updatedAt: NOW - 8 * DAY });
      await store.putScenario({ botId: id, hash: config.version, format: 'json', source, machine: config, createdAt: NOW - 8 * DAY });
    }
    manager.registerBot(MAIN.id, MAIN.config);
    const seeded = await seed(store);
    const rows = await measure(store, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    console.log(`dashboard bench: node ${process.version}, ${availableParallelism()} CPUs, ${runs} runs per measure
seeded dialogs: ${[...seeded.perBot].map(([id, n]) => `${id} ${n}`).join(', ')} (measured: ${MAIN.id}); ${seeded.entries} history entries in ${(seeded.ms / 1000).toFixed(1)} s
database: ${mb(file).toFixed(1)} MB + WAL ${mb(`${file}-wal`).toFixed(1)} MB

${'measure'.padEnd(22)}${'window'.padEnd(8)}${'median ms'.padStart(10)}${'p90 ms'.padStart(9)}   result`);
    for (const [name, label, s] of rows) console.log(`${name.padEnd(22)}${label.padEnd(8)}${fmt(quantile(s.ms, 0.5)).padStart(10)}${fmt(quantile(s.ms, 0.9)).padStart(9)}   ${s.result}`);
  } finally {
    server.close();
    server.closeAllConnections();
    await manager.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
