import { readFileSync } from 'node:fs';
import { compileScenario, emitMachineConfig, type MachineConfig } from '../../../compiler/index.js';
import { DialogManager, type DialogManagerOptions } from '../../../runtime/dialogs/index.js';
import { MemoryStore, type Store } from '../../../runtime/store/index.js';
import { captureLogger } from '../../support/capture-logger.js';
import { RecordingAdapter, type TestUpdate } from '../../support/recording-adapter.js';

export function compileFile(path: string): MachineConfig {
  const r = compileScenario(readFileSync(path, 'utf8'), { file: path });
  if (!r.ir) throw new Error(`${path} does not compile`);
  return emitMachineConfig(r.ir);
}

export function compileText(json: object): MachineConfig {
  const r = compileScenario(JSON.stringify(json), { file: 'inline.json' });
  if (!r.ir) throw new Error(`inline scenario does not compile: ${JSON.stringify(r.diagnostics)}`);
  return emitMachineConfig(r.ir);
}

export const SPEC = compileFile('examples/spec-example.json');

export interface Harness {
  readonly manager: DialogManager;
  readonly adapter: RecordingAdapter;
  readonly store: Store;
  readonly lines: Record<string, unknown>[];
  send(update: TestUpdate): ReturnType<DialogManager['processIncomingMessage']>;
  /** Waits until every scheduled delivery is done. */
  settle(): Promise<void>;
}

export function harness(options: Partial<DialogManagerOptions> & { config?: MachineConfig } = {}): Harness {
  const store = options.store ?? new MemoryStore();
  const { logger, lines } = captureLogger();
  const adapter = new RecordingAdapter();
  const manager = new DialogManager({ logger, ...options, store, sleep: options.sleep ?? (async () => undefined) });
  manager.registerPlatformAdapter('test', adapter);
  manager.registerBot('bot', options.config ?? SPEC);
  return {
    manager,
    adapter,
    store,
    lines,
    send: (update) => manager.processIncomingMessage({ botId: 'bot', platform: 'test', update }),
    settle: async () => {
      for (let i = 0; i < 50 && manager.stats.deliveries > 0; i++) await new Promise((r) => setTimeout(r, 5));
      if (manager.stats.deliveries > 0) throw new Error('deliveries did not settle');
    },
  };
}

export const key = (chatId: string) => ({ botId: 'bot', platform: 'test', chatId });
