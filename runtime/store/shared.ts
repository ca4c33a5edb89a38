import { randomBytes } from 'node:crypto';
/** Helpers every store implementation uses, so they agree on the small rules of the port. */
import { RECENT_UPDATES_LIMIT, type AgendaEntry, type DialogKey, type ScenarioSummary, type DialogListQuery, type DialogWrite, type FunnelCounts, type HistoryQuery } from './types.js';

export const DEFAULT_HISTORY_LIMIT = 100;
export const DEFAULT_DIALOG_LIST_LIMIT = 50;
export const MAX_DIALOG_LIST_LIMIT = 1000;
/** Smaller buckets would turn a dashboard chart into a scan that returns one row per message. */
export const MIN_RATE_BUCKET_MS = 1000;

/** The active one of a bot's versions: the greatest activatedAt, ties to the greatest version. */
export function activeOf<T extends Pick<ScenarioSummary, 'version' | 'activatedAt'>>(versions: readonly (T | undefined)[]): T | undefined {
  let best: T | undefined;
  for (const v of versions) {
    if (v && (!best || v.activatedAt > best.activatedAt || (v.activatedAt === best.activatedAt && v.version > best.version))) best = v;
  }
  return best;
}

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

/** When the earliest entry of an agenda is due (entries are kept in due order, but not trusted to be); null: none. */
export function earliestDue(agenda: readonly AgendaEntry[] | undefined): number | null {
  if (agenda === undefined || agenda.length === 0) return null;
  let due = agenda[0]!.due;
  for (const e of agenda) if (e.due < due) due = e.due;
  return due;
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

/** The afterRev cursor of a history query, or undefined for "the newest entries". */
export function historyAfterRev(query: HistoryQuery | undefined): number | undefined {
  const afterRev = query?.afterRev;
  if (afterRev !== undefined && (!Number.isSafeInteger(afterRev) || afterRev < 0)) throw new RangeError(`history afterRev must be an integer >= 0, got ${afterRev}`);
  return afterRev;
}

export function dialogListLimit(query: DialogListQuery | undefined): number {
  const limit = query?.limit ?? DEFAULT_DIALOG_LIST_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_DIALOG_LIST_LIMIT) {
    throw new RangeError(`dialog list limit must be an integer from 0 to ${MAX_DIALOG_LIST_LIMIT}, got ${limit}`);
  }
  return limit;
}

export function checkBucketMs(bucketMs: number): void {
  if (!Number.isSafeInteger(bucketMs) || bucketMs < MIN_RATE_BUCKET_MS) throw new RangeError(`bucketMs must be an integer >= ${MIN_RATE_BUCKET_MS}, got ${bucketMs}`);
}

export const bucketStart = (at: number, bucketMs: number): number => Math.floor(at / bucketMs) * bucketMs;

/** A count of dialogs, as a database groups them; rows of one step are summed. */
export interface StepCount {
  readonly step: string | null;
  readonly n: number;
}

/** Counts per step, null steps left out, keys sorted so every store answers the same object. */
export function stepCounts(rows: Iterable<StepCount>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) if (r.step !== null) counts.set(r.step, (counts.get(r.step) ?? 0) + r.n);
  // fromEntries, not assignment: a step named "__proto__" stays a plain key.
  return Object.fromEntries([...counts].sort(([a], [b]) => compareText(a, b)));
}

/** Orders by UTF-16 code units, independent of locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A group of the dialogs with history since the funnel start, by their current state (null: no dialog record). */
export interface FunnelGroup extends StepCount {
  readonly status: 'active' | 'ended' | null;
}

/** What the funnel reads of a history entry. */
export interface FunnelEntry {
  readonly rev: number;
  readonly direction: 'in' | 'out';
  readonly step: string | null;
}

/**
 * Whether a revision starts a conversation: its message came when no dialog ran (the inbound entry's step is null:
 * a new or ended dialog), or it entered the start step from another step (/start in the middle, a restart after a
 * scenario change). The SQL of sqlite-queries.ts says the same.
 */
export function startsConversation(entries: readonly FunnelEntry[], startStep: string | undefined, from = 0, to = entries.length): boolean {
  let inbound: FunnelEntry | undefined;
  let entersStart = false;
  for (let i = from; i < to; i++) {
    const e = entries[i]!;
    if (e.direction === 'in') inbound ??= e;
    else if (startStep !== undefined && e.step === startStep) entersStart = true;
  }
  if (inbound && inbound.step === null) return true;
  return entersStart && (inbound?.step ?? null) !== startStep;
}

/**
 * One dialog's entries in the funnel window, split into conversations: the steps each reached, and how each but the
 * last ended (the last one's outcome is the dialog's current state). The next start tells how the previous
 * conversation ended: its message found no dialog running (finished), or found it at a step (left there).
 * The inbound entry of a start belongs to the new conversation, but its step is where the previous one stood.
 */
export function conversationsOf(entries: readonly FunnelEntry[], startStep: string | undefined): { reached: StepCount[]; past: FunnelGroup[] } {
  let inOrder = true;
  for (let i = 1; i < entries.length && inOrder; i++) inOrder = entries[i - 1]!.rev <= entries[i]!.rev;
  // Stable: entries of one revision keep their order. Most often already in order (stored so).
  const sorted = inOrder ? entries : [...entries].sort((x, y) => x.rev - y.rev);
  const reached: StepCount[] = [];
  const past: FunnelGroup[] = [];
  let steps: Set<string> | undefined;
  const close = (): void => {
    for (const step of steps ?? []) reached.push({ step, n: 1 });
  };
  for (let i = 0; i < sorted.length; ) {
    let end = i + 1;
    while (end < sorted.length && sorted[end]!.rev === sorted[i]!.rev) end++;
    const starts = startsConversation(sorted, startStep, i, end);
    if (starts) {
      if (steps) {
        let inbound: FunnelEntry | undefined;
        for (let j = i; j < end && !inbound; j++) if (sorted[j]!.direction === 'in') inbound = sorted[j];
        past.push(inbound === undefined ? { status: null, step: null, n: 1 } : inbound.step === null ? { status: 'ended', step: null, n: 1 } : { status: 'active', step: inbound.step, n: 1 });
      }
      close();
      steps = new Set();
    }
    steps ??= new Set();
    for (let j = i; j < end; j++) {
      const e = sorted[j]!;
      if (e.step !== null && !(starts && e.direction === 'in')) steps.add(e.step);
    }
    i = end;
  }
  close();
  return { reached, past };
}

/** The funnel from the distinct (conversation, step) pairs reached and the outcomes of the conversations counted. */
export function funnelOf(reached: Iterable<StepCount>, groups: readonly FunnelGroup[]): FunnelCounts {
  let dialogs = 0;
  let ended = 0;
  for (const g of groups) {
    dialogs += g.n;
    if (g.status === 'ended') ended += g.n;
  }
  return { dialogs, reached: stepCounts(reached), ended, current: stepCounts(groups.filter((g) => g.status === 'active')) };
}

/** A fencing token for one delivery claim. */
/** Unique per process (a random prefix) and per claim (a counter): cheaper than random bytes per claim. */
const TOKEN_PREFIX = randomBytes(9).toString('base64url');
let tokenCounter = 0;
export const newLeaseToken = (): string => TOKEN_PREFIX + (++tokenCounter).toString(36);
