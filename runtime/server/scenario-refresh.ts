import type { DialogManager } from '../dialogs/index.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { compileStored } from './load-bots.js';

/**
 * Picks up scenario versions uploaded through another process: every `everyMs`, a bot whose newest stored
 * version differs from the one it runs switches to it. Returns the function that stops it.
 */
export function refreshScenarios(botIds: readonly string[], manager: DialogManager, store: Store, logger: Logger, everyMs: number): () => void {
  const failed = new Set<string>();
  let running = false;
  const check = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      for (const botId of botIds) {
        const newest = (await store.listScenarios(botId))[0];
        if (!newest || newest.hash === manager.configOf(botId)?.version || failed.has(newest.hash)) continue;
        const stored = await store.getScenario(botId, newest.hash);
        const config = stored && compileStored(stored);
        if (!config) {
          failed.add(newest.hash);
          logger.error({ botId, version: newest.version }, 'a newer scenario version was stored but does not compile here: the bot keeps its current one');
          continue;
        }
        manager.registerBot(botId, config);
        logger.info({ event_type: 'ADMIN', bot_id: botId, version: newest.version, hash: newest.hash.slice(0, 12) }, 'switched to a newer scenario version');
      }
    } catch (err) {
      logger.warn({ event_type: 'ERROR', err }, 'could not look for newer scenario versions');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
