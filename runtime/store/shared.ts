/** Helpers every store implementation uses, so they agree on the small rules of the port. */
import { RECENT_UPDATES_LIMIT, type DialogKey, type DialogWrite, type HistoryQuery } from './types.js';

export const DEFAULT_HISTORY_LIMIT = 100;

/** A map key for a dialog; NUL cannot occur in platform ids, so the join is unambiguous. */
export function keyId(key: DialogKey): string {
  return `${key.botId}\u0000${key.platform}\u0000${key.chatId}`;
}

/** Rejects a malformed write before it reaches storage: a wrong `rev` would break compare-and-set for everyone. */
export function checkWrite(write: DialogWrite): void {
  const { expectedRev, state } = write;
  if (!Number.isSafeInteger(expectedRev) || expectedRev < 0) throw new RangeError(`expectedRev must be an integer >= 0, got ${expectedRev}`);
  if (state.rev !== expectedRev + 1) throw new RangeError(`state.rev must be expectedRev + 1 (${expectedRev + 1}), got ${state.rev}`);
  // History rows are unique by (dialog, rev, position in the write); a row of another dialog or revision could
  // collide with an earlier write's row and be dropped as a duplicate.
  for (const h of write.history) {
    if (h.rev !== state.rev || keyId(h.key) !== keyId(state.key)) throw new RangeError('history entries must have the key and rev of the written state');
  }
}

/** The newest RECENT_UPDATES_LIMIT ids, oldest first. */
export function trimRecent(ids: readonly string[]): string[] {
  return ids.length > RECENT_UPDATES_LIMIT ? ids.slice(-RECENT_UPDATES_LIMIT) : [...ids];
}

export function historyLimit(query: HistoryQuery | undefined): number {
  const limit = query?.limit ?? DEFAULT_HISTORY_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`history limit must be an integer >= 0, got ${limit}`);
  return limit;
}
