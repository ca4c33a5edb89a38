/**
 * The SQLite store's share of the hot path alone: the writes the dialog manager makes for CHATS conversations of the
 * spec example (three turns each, as bench:pipeline sends them), CONCURRENCY dialogs per group commit, each turn's
 * replies marked delivered before the next. The records are made once through the engine, so only the store runs
 * while timed. BASE=<a built checkout> also measures that checkout's store in the same process, alternating.
 * Run: npm run build && node dist/bench/store-writes.js  (options: CHATS=6000 CONCURRENCY=64 RUNS=5 BASE=/tmp/base)
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileScenario, emitMachineConfig } from '../compiler/index.js';
import { nextState } from '../runtime/dialogs/index.js';
import { Dialog, type UserMessage } from '../runtime/engine/index.js';
import type { DialogState, DialogWrite, Store } from '../runtime/store/index.js';

const chats = Number(process.env['CHATS'] ?? 6000);
const concurrency = Number(process.env['CONCURRENCY'] ?? 64);
const runs = Number(process.env['RUNS'] ?? 5);
const base = process.env['BASE'];
const file = fileURLToPath(new URL('../../examples/spec-example.json', import.meta.url));
const compiled = compileScenario(readFileSync(file, 'utf8'), { file });
if (!compiled.ir) throw new Error('the spec example does not compile');
const config = emitMachineConfig(compiled.ir);
const TURNS: UserMessage[] = [{ text: '/start' }, { text: 'Ann' }, { press: 'more_info' }];

/** Each chat's writes, turn by turn: writes[turn][chat]. */
function records(): DialogWrite[][] {
  const writes: DialogWrite[][] = TURNS.map(() => []);
  for (let c = 0; c < chats; c++) {
    const key = { botId: 'bench', platform: 'telegram', chatId: String(1_000_000 + c) };
    const dialog = new Dialog(config);
    let previous: DialogState | undefined;
    TURNS.forEach((message, turn) => {
      const stepBefore = dialog.step ?? null;
      const result = dialog.send(message);
      const now = 1_700_000_000_000 + c * 10 + turn;
      const { state, history } = nextState({
        key, previous, scenarioVersion: config.version, stepBefore, stepAfter: result.step ?? null, vars: dialog.vars,
        snapshot: dialog.persisted(), effects: result.effects, now, inbound: { updateId: String(c * 3 + turn), message },
      });
      writes[turn]!.push({ expectedRev: previous?.rev ?? 0, state, history });
      previous = { ...state, delivered: state.lastSeq };
    });
    dialog.stop();
  }
  return writes;
}

type Open = (file: string) => Store;

async function run(open: Open, writes: DialogWrite[][]): Promise<{ cpuUsPerUpdate: number; mb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-store-writes-'));
  const path = join(dir, 'dialogs.db');
  const store = open(path);
  const cpu0 = process.cpuUsage();
  for (let from = 0; from < chats; from += concurrency) {
    for (const turn of writes) {
      const wave = turn.slice(from, from + concurrency);
      if ((await Promise.all(wave.map((w) => store.writeDialog(w)))).includes(false)) throw new Error('a write conflicted');
      await Promise.all(wave.map((w) => store.markDelivered(w.state.key, w.state.lastSeq)));
    }
  }
  const cpu = process.cpuUsage(cpu0);
  await store.close();
  const mb = (statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 1024 / 1024;
  rmSync(dir, { recursive: true, force: true });
  return { cpuUsPerUpdate: (cpu.user + cpu.system) / (chats * TURNS.length), mb };
}

async function storeOf(root: string): Promise<Open> {
  const mod = (await import(pathToFileURL(join(root, 'runtime/store/index.js')).href)) as { openSqliteStore: (o: { file: string }) => Store };
  return (f) => mod.openSqliteStore({ file: f });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const targets: [string, Open][] = [['ours', await storeOf(fileURLToPath(new URL('..', import.meta.url)))]];
if (base) targets.push(['base', await storeOf(join(base, 'dist'))]);
const writes = records();
const results = new Map<string, number[]>(targets.map(([name]) => [name, []]));
for (let r = 0; r <= runs; r++) {
  for (const [name, open] of r % 2 === 0 ? targets : [...targets].reverse()) {
    const result = await run(open, writes);
    if (r > 0) results.get(name)!.push(result.cpuUsPerUpdate); // the first round warms the JIT up
    console.error(`run ${r}${r === 0 ? ' (warm-up)' : ''} ${name}: ${result.cpuUsPerUpdate.toFixed(1)} µs/update, ${result.mb.toFixed(1)} MB`);
  }
}
const summary = Object.fromEntries([...results].map(([name, xs]) => [name, Number(median(xs).toFixed(1))]));
console.log(JSON.stringify({ chats, concurrency, runs, cpuUsPerUpdate: summary, ...(base ? { ratio: Number((summary['ours']! / summary['base']!).toFixed(3)) } : {}) }));
