/**
 * Heap kept per dialog at rest: CHATS dialogs each run a short conversation through the dialog manager (in-memory
 * store, so only the manager's own memory is counted apart from the store's records, measured separately), then
 * heap used after a full GC, per dialog. Run: node --expose-gc dist/bench/dialog-memory.js (CHATS=10000)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileScenario, emitMachineConfig } from '../compiler/index.js';
import { parseTelegramUpdate } from '../runtime/adapters/telegram/index.js';
import type { PlatformAdapter } from '../runtime/adapters/types.js';
import { DialogManager } from '../runtime/dialogs/index.js';
import { silentLogger } from '../runtime/log/index.js';
import { MemoryStore } from '../runtime/store/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const chats = Number(process.env['CHATS'] ?? 10_000);
const file = fileURLToPath(new URL('../../examples/spec-example.json', import.meta.url));
const compiled = compileScenario(readFileSync(file, 'utf8'), { file });
if (!compiled.ir) throw new Error('the spec example does not compile');
const config = emitMachineConfig(compiled.ir);

const from = (c: number) => ({ id: c, is_bot: false, first_name: 'User' });
const updates = (c: number, id: number): object[] => {
  const chat = { id: c, type: 'private' };
  return [
    { update_id: id, message: { message_id: 1, from: from(c), chat, date: 1, text: '/start' } },
    { update_id: id + 1, message: { message_id: 2, from: from(c), chat, date: 1, text: 'Ann' } },
  ];
};

/** Heap after a full GC, in bytes. */
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

async function measure(keep: boolean): Promise<number> {
  const store = new MemoryStore();
  let sent = 0;
  const adapter: PlatformAdapter = { platform: 'telegram', parseUpdate: (u) => parseTelegramUpdate(u), send: async () => void sent++ };
  const manager = new DialogManager({ store, logger: silentLogger(), registry: { maxSize: keep ? chats : 1 } });
  manager.registerPlatformAdapter('telegram', adapter);
  manager.registerBot('bench', config);
  // The same conversations with a registry of one: what the store and the manager hold without kept dialogs.
  const before = heap();
  for (let c = 0; c < chats; c++) for (const u of updates(1_000_000 + c, 1 + c * 2)) await manager.processIncomingMessage({ botId: 'bench', platform: 'telegram', update: u });
  while (sent < chats * 3) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 50));
  const after = heap();
  const stats = manager.stats;
  await manager.stop();
  void stats;
  return after - before;
}

const kept = await measure(true);
const notKept = await measure(false);
console.log(JSON.stringify({ chats, bytesPerKeptDialog: Math.round((kept - notKept) / chats), bytesPerDialogInStoreAndManager: Math.round(notKept / chats) }));
