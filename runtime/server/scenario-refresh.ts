import type { DialogManager } from '../dialogs/index.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { compileStored } from './compile-stored.js';

/**
 * Picks up scenario versions uploaded or activated through another process: every `everyMs`, a bot whose active
 * stored version differs from the one it runs switches to it. Returns the function that stops it.
 */
export function refreshScenarios(botIds: readonly string[], manager: DialogManager, store: Store, logger: Logger, everyMs: number): () => void {
  const failed = new Set<string>();
  let running = false;
  const check = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      for (const botId of botIds) {
        const active = await store.getScenario(botId);
        if (!active || active.hash === manager.configOf(botId)?.version || failed.has(active.hash)) continue;
        const { config } = compileStored(active);
        if (!config) {
          failed.add(active.hash);
          logger.error({ botId, version: active.version }, 'the active scenario version does not compile here: the bot keeps its current one');
          continue;
        }
        manager.registerBot(botId, config);
        logger.info({ event_type: 'ADMIN', bot_id: botId, version: active.version, hash: active.hash.slice(0, 12) }, 'switched to the active scenario version');
      }
    } catch (err) {
      logger.warn({ event_type: 'ERROR', err }, 'could not look up the active scenario versions');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
