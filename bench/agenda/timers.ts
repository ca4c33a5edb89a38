/**
 * Timers in operation on SQLite on disk, through the real dialog manager and agenda runner, replies handed to an
 * adapter that counts them.
 *
 * MODE=fire: timers one process fires per second. FIRE_DIALOGS dialogs each wait at a step with a reminder due in
 * 1 h (and a timeout in 1 d); the process stops, and a new one starts with its clock 1 h later (a restart after an
 * outage: every reminder is due). Measured from its start to the last reminder delivered.
 *
 * MODE=lateness: PENDING_DIALOGS dialogs each hold two far timers (1 h, 1 d: 2 x PENDING_DIALOGS pending entries),
 * then DUE_DIALOGS new dialogs arrive evenly over WINDOW_SECONDS with a reminder due 10 s after each; lateness
 * (fire time - due, as the runner measures it) of those reminders, with the server's defaults (sweep every 1 s;
 * SWEEP_MS to change it).
 *
 * Run: npm run build && MODE=fire node dist/bench/agenda/timers.js   (RUNS=3)
 *      npm run build && MODE=lateness node dist/bench/agenda/timers.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileScenario, emitMachineConfig } from '../../compiler/index.js';
import { parseTelegramUpdate } from '../../runtime/adapters/telegram/index.js';
import type { PlatformAdapter } from '../../runtime/adapters/types.js';
import { DialogManager } from '../../runtime/dialogs/index.js';
import { silentLogger } from '../../runtime/log/index.js';
import { openSqliteStore, type Store } from '../../runtime/store/index.js';
import { medianOfRuns, pacedAt, summarizeLateness } from './stats.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const mode = process.env['MODE'] ?? 'fire';
const runs = env('RUNS', 3);
const concurrency = env('CONCURRENCY', 64);
const HOUR = 3_600_000;
/** SWEEP_MS: the agenda runner's sweep interval (the server's AGENDA_SWEEP_SECONDS); default the server's 1 s. */
const agenda = process.env['SWEEP_MS'] === undefined ? {} : { agenda: { sweepMs: env('SWEEP_MS', 1000) } };

function compile(name: string, remindAfter: string): ReturnType<typeof emitMachineConfig> {
  const text = JSON.stringify({
    name,
    version: '1',
    start_step: 'ask',
    steps: {
      ask: {
        message: { text: 'Your order?' },
        expected_input: { type: 'text', variable: 'order' },
        reminders: [{ after: remindAfter, message: 'Still there?' }],
        timeout: { after: '1d', next: 'closed' },
        next_step: 'done',
      },
      done: { message: { text: 'Thanks.' } },
      closed: { message: { text: 'Closed.' } },
    },
  });
  const compiled = compileScenario(text, { file: `${name}.json` });
  if (!compiled.ir) throw new Error(`the ${name} scenario does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  return emitMachineConfig(compiled.ir);
}
const FAR = compile('far', '1h');
const SOON = compile('soon', '10s');

const start = (chat: number, id: number): object => ({
  update_id: id,
  message: { message_id: id, from: { id: chat, is_bot: false, first_name: 'User' }, chat: { id: chat, type: 'private' }, date: 1, text: '/start' },
});

interface Process {
  readonly manager: DialogManager;
  readonly sent: () => number;
}

function processOn(store: Store, clock: () => number): Process {
  let sent = 0;
  const adapter: PlatformAdapter = { platform: 'telegram', parseUpdate: (u) => parseTelegramUpdate(u), send: async () => void sent++, acknowledge: async () => undefined };
  const manager = new DialogManager({ store, logger: silentLogger(), clock, ...agenda });
  manager.registerPlatformAdapter('telegram', adapter);
  manager.registerBot('far', FAR);
  manager.registerBot('soon', SOON);
  return { manager, sent: () => sent };
}

async function until(done: () => boolean, deadlineMs: number, what: string): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Starts `count` dialogs of a bot from chat `first` on, `concurrency` at a time; waits for their first replies. */
async function seed(p: Process, botId: string, first: number, count: number): Promise<void> {
  const before = p.sent();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const c = first + next++;
        await p.manager.processIncomingMessage({ botId, platform: 'telegram', update: start(c, c) });
      }
    }),
  );
  await until(() => p.sent() >= before + count, 120_000, 'the first replies');
}

async function fireRun(dialogs: number): Promise<{ timersPerSec: number; seconds: number; seedSeconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-timers-'));
  const file = join(dir, 'dialogs.db');
  const seeding = openSqliteStore({ file });
  const first = processOn(seeding, Date.now);
  const s0 = performance.now();
  await seed(first, 'far', 1_000_000, dialogs);
  const seedSeconds = (performance.now() - s0) / 1000;
  await first.manager.stop();
  await seeding.close();

  const store = openSqliteStore({ file });
  const later = processOn(store, () => Date.now() + HOUR + 1000);
  const t0 = performance.now();
  later.manager.start();
  await until(() => later.sent() >= dialogs, 600_000, 'every reminder');
  const seconds = (performance.now() - t0) / 1000;
  await later.manager.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { timersPerSec: Math.round(dialogs / seconds), seconds: Math.round(seconds * 100) / 100, seedSeconds: Math.round(seedSeconds * 10) / 10 };
}

async function latenessRun(pending: number, due: number, windowMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-timers-'));
  const store = openSqliteStore({ file: join(dir, 'dialogs.db') });
  const p = processOn(store, Date.now);
  const latenesses: number[] = [];
  p.manager.observe((e) => {
    if (e.type === 'timer' && e.key.botId === 'soon' && e.outcome === 'applied') latenesses.push(e.latenessMs);
  });
  p.manager.start();
  const s0 = performance.now();
  await seed(p, 'far', 1_000_000, pending);
  const seedSeconds = (performance.now() - s0) / 1000;
  // New dialogs arrive evenly over the window; each reminder comes due 10 s after its dialog started.
  const t0 = Date.now();
  for (let i = 0; i < due; i++) {
    const at = pacedAt(i, due, windowMs, t0);
    if (at > Date.now()) await new Promise((r) => setTimeout(r, at - Date.now()));
    const c = 5_000_000 + i;
    void p.manager.processIncomingMessage({ botId: 'soon', platform: 'telegram', update: start(c, c) });
  }
  await until(() => latenesses.length >= due, windowMs + 120_000, 'every due reminder');
  await p.manager.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { pendingTimers: pending * 2, seedSeconds: Math.round(seedSeconds * 10) / 10, ...summarizeLateness(latenesses) };
}

if (mode === 'fire') {
  const dialogs = env('FIRE_DIALOGS', 20_000);
  const results = [];
  for (let r = 0; r < runs; r++) {
    const result = await fireRun(dialogs);
    results.push(result);
    console.error(`run ${r}: ${JSON.stringify(result)}`);
  }
  console.log(JSON.stringify({ mode, store: 'sqlite', dialogs, runs, ...medianOfRuns(results) }));
} else if (mode === 'lateness') {
  const pending = env('PENDING_DIALOGS', 50_000);
  const due = env('DUE_DIALOGS', 2_000);
  const windowMs = env('WINDOW_SECONDS', 20) * 1000;
  const results = [];
  for (let r = 0; r < runs; r++) {
    const result = await latenessRun(pending, due, windowMs);
    results.push(result);
    console.error(`run ${r}: ${JSON.stringify(result)}`);
  }
  console.log(JSON.stringify({ mode, store: 'sqlite', dueDialogs: due, windowSeconds: windowMs / 1000, runs, ...medianOfRuns(results) }));
} else {
  throw new Error(`MODE must be fire or lateness, not ${mode}`);
}
