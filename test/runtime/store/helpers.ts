/** Records for the store tests, and a real scenario snapshot to persist. */
import { readFileSync } from 'node:fs';
import { compileScenario, emitMachineConfig, type MachineConfig } from '../../../compiler/index.js';
import { Dialog } from '../../../runtime/engine/index.js';
import type { BotInstance, DialogKey, DialogState, HistoryEntry, NewBotScenario, OutboxButton, Store } from '../../../runtime/store/index.js';

function compileSpec(): MachineConfig {
  const { ir, diagnostics } = compileScenario(readFileSync('examples/spec-example.json', 'utf8'), { file: 'spec-example.json' });
  if (!ir) throw new Error(JSON.stringify(diagnostics));
  return emitMachineConfig(ir);
}

export const specConfig = compileSpec();

/** A dialog of the spec example after "hi" and "Ann": waits at greet_with_name, with `children: {}`. */
export function specSnapshot(): { dialog: Dialog; snapshot: unknown } {
  const dialog = new Dialog(specConfig);
  dialog.send({ text: 'hi' });
  dialog.send({ text: 'Ann' });
  return { dialog, snapshot: dialog.persisted() };
}

export const bot = (id: string, createdAt: number): BotInstance => ({ id, accountId: 'acc', name: `Bot ${id}`, createdAt, updatedAt: createdAt });

export const scenarioOf = (botId: string, hash: string, createdAt: number): NewBotScenario => ({
  botId,
  hash,
  format: 'json',
  source: `{"hash":"${hash}"}`,
  machine: { id: 'scenario', version: hash, states: { a: {} } },
  createdAt,
});

export const dialogKey = (chatId: string, botId = 'b1'): DialogKey => ({ botId, platform: 'telegram', chatId });

export function dialogState(key: DialogKey, rev: number, overrides: Partial<DialogState> = {}): DialogState {
  return {
    key,
    rev,
    scenarioVersion: 'v1',
    step: 'ask',
    status: 'active',
    vars: {},
    snapshot: { status: 'active', value: 'ask', context: {}, children: {} },
    outbox: [],
    lastSeq: 0,
    delivered: 0,
    recentUpdates: [],
    blocked: false,
    createdAt: 1,
    updatedAt: rev,
    ...overrides,
  };
}

export function historyEntry(key: DialogKey, rev: number, direction: 'in' | 'out', text: string, buttons?: OutboxButton[]): HistoryEntry {
  return { key, rev, direction, step: 'ask', text, ...(buttons && { buttons }), at: rev };
}

/** A compare-and-set write of `state` over revision state.rev - 1. */
export function write(store: Store, state: DialogState, history: HistoryEntry[] = []): ReturnType<Store['writeDialog']> {
  return store.writeDialog({ expectedRev: state.rev - 1, state, history });
}
