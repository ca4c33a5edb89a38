import type { BotScenario, Store } from './types.js';

/**
 * Makes a version the bot's active one. The time is later than the active version's activatedAt even when the
 * clock has not moved on (a fixed test clock, two requests in one millisecond) or lags another process's clock:
 * otherwise a tie or a skew would leave the other version active. Undefined when the bot has no such version.
 */
export async function activateVersion(store: Store, botId: string, version: number, now: number): Promise<BotScenario | undefined> {
  const active = await store.getScenario(botId);
  if (active?.version === version) return active;
  return store.activateScenario(botId, version, active ? Math.max(now, active.activatedAt + 1) : now);
}
