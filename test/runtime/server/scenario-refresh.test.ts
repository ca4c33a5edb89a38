import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compileScenario, emitMachineConfig, type MachineConfig } from '../../../compiler/index.js';
import { DialogManager } from '../../../runtime/dialogs/index.js';
import { silentLogger } from '../../../runtime/log/index.js';
import { refreshScenarios } from '../../../runtime/server/scenario-refresh.js';
import { MemoryStore } from '../../../runtime/store/index.js';

const source = (n: number) => `scenario "S" version "${n}"\nstart a\n\nstep a\n  say "version ${n}"\n`;
const compile = (text: string): MachineConfig => emitMachineConfig(compileScenario(text, { file: 'b.scn' }).ir!);

describe('refreshScenarios', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('switches to the active version when another process activates an older one', async () => {
    const store = new MemoryStore();
    const manager = new DialogManager({ store, logger: silentLogger(), clock: () => 0 });
    const configs = [1, 2].map((n) => compile(source(n)));
    for (const [i, config] of configs.entries()) {
      await store.putScenario({ botId: 'b', hash: config.version, format: 'scn', source: source(i + 1), machine: config, createdAt: 10 + i });
    }
    manager.registerBot('b', configs[1]!);
    const stop = refreshScenarios(['b'], manager, store, silentLogger(), 1000);
    try {
      await vi.advanceTimersByTimeAsync(1000);
      expect(manager.configOf('b')?.version).toBe(configs[1]!.version);
      await store.activateScenario('b', 1, 20);
      await vi.advanceTimersByTimeAsync(1000);
      expect(manager.configOf('b')?.version).toBe(configs[0]!.version);
    } finally {
      stop();
    }
  });
});
