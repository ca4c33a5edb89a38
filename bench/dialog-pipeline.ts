/**
 * The runtime without HTTP: Telegram updates parsed and applied by the dialog manager on SQLite (every transition
 * group-committed to disk), replies handed to an adapter that does nothing. Shows what the server costs apart
 * from its network I/O.
 * Run: npm run bench:pipeline  (options: CHATS=6000 CONCURRENCY=64 RUNS=5; STORE=memory for the reference store)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compileScenario, emitMachineConfig } from '../compiler/index.js';
import { parseTelegramUpdate } from '../runtime/adapters/telegram/index.js';
import type { PlatformAdapter } from '../runtime/adapters/types.js';
import { DialogManager } from '../runtime/dialogs/index.js';
import { silentLogger } from '../runtime/log/index.js';
import { MemoryStore, openSqliteStore, type Store } from '../runtime/store/index.js';

const chats = Number(process.env['CHATS'] ?? 6000);
const concurrency = Number(process.env['CONCURRENCY'] ?? 64);
const runs = Number(process.env['RUNS'] ?? 5);
const storeKind = process.env['STORE'] === 'memory' ? 'memory' : 'sqlite';
const file = fileURLToPath(new URL('../../examples/spec-example.json', import.meta.url));
const compiled = compileScenario(readFileSync(file, 'utf8'), { file });
if (!compiled.ir) throw new Error('the spec example does not compile');
const config = emitMachineConfig(compiled.ir);

const from = (c: number) => ({ id: c, is_bot: false, first_name: 'User' });
function conversation(c: number, id: number): object[] {
  const chat = { id: c, type: 'private' };
  return [
    { update_id: id, message: { message_id: 1, from: from(c), chat, date: 1, text: '/start' } },
    { update_id: id + 1, message: { message_id: 2, from: from(c), chat, date: 1, text: 'Ann' } },
    { update_id: id + 2, callback_query: { id: `q${id}`, from: from(c), chat_instance: '1', data: 'more_info', message: { message_id: 3, chat, date: 1, text: 'x' } } },
  ];
}

async function run(): Promise<{ updatesPerSec: number; cpuUsPerUpdate: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-pipeline-'));
  const store: Store = storeKind === 'memory' ? new MemoryStore() : openSqliteStore({ file: join(dir, 'dialogs.db') });
  let sent = 0;
  const adapter: PlatformAdapter = { platform: 'telegram', parseUpdate: (update) => parseTelegramUpdate(update), send: async () => void sent++, acknowledge: async () => undefined };
  const manager = new DialogManager({ store, logger: silentLogger() });
  manager.registerPlatformAdapter('telegram', adapter);
  manager.registerBot('bench', config);
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < chats) {
        const c = next++;
        for (const update of conversation(1_000_000 + c, 1 + c * 3)) await manager.processIncomingMessage({ botId: 'bench', platform: 'telegram', update });
      }
    }),
  );
  while (sent < chats * 5) await new Promise((r) => setImmediate(r));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await manager.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { updatesPerSec: Math.round((chats * 3) / seconds), cpuUsPerUpdate: Math.round((cpu.user + cpu.system) / (chats * 3)) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const results = [];
for (let r = 0; r < runs + 1; r++) {
  const result = await run();
  if (r > 0) results.push(result); // the first run warms the JIT up
  console.error(`run ${r}${r === 0 ? ' (warm-up)' : ''}: ${JSON.stringify(result)}`);
}
console.log(
  JSON.stringify({
    store: storeKind,
    chats,
    concurrency,
    runs,
    updatesPerSec: median(results.map((r) => r.updatesPerSec)),
    cpuUsPerUpdate: median(results.map((r) => r.cpuUsPerUpdate)),
  }),
);
