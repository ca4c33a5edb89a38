import type { Effect, InboundEvent, TimerName } from '../engine/index.js';
import type { AgendaEntry } from '../store/index.js';

/** What one turn did, as the agenda planning needs it. */
export interface AgendaTurn {
  /** The agenda of the record before the turn (absent: none). */
  readonly previous: readonly AgendaEntry[] | undefined;
  /** The turn's effects: each `schedule` effect becomes a timer entry, each `call` effect a call entry, each `fetch` a fetch entry. */
  readonly effects: readonly Effect[];
  /** The step before the turn and after it; null when no dialog runs (not started, or ended). */
  readonly stepBefore: string | null;
  readonly stepAfter: string | null;
  /** The revision the turn writes: new entries are named `<rev>.<n>`. */
  readonly rev: number;
  readonly now: number;
  /** The id of the entry this turn applied (a timer's firing, a call's result); it leaves the agenda. */
  readonly fired?: string;
  /** Whether a user message caused the turn: it pushes the idle expiry back. */
  readonly userMessage: boolean;
  /** The scenario's `expire_after` in ms (MachineConfig.expireAfterMs). */
  readonly expireAfterMs?: number;
}

/**
 * The agenda a turn writes. From the previous entries: the fired one leaves; all leave when the dialog is in no step
 * afterwards; those bound to a step leave when the step after is another one, or the step was entered again (the turn
 * scheduled timers or asked for a call; a fetch does not enter the step again). Then one entry per `schedule` effect
 * of the step after (due now + afterMs), one per `call` or `fetch` effect of the step after (due now, no attempt made
 * yet), and the idle expiry
 * (`expire`, bound to no step) when the config has one: due now + expireAfterMs, renewed by every user message,
 * created when missing, kept as it is on other turns. Earliest due first, ties in id order.
 */
export function nextAgenda(t: AgendaTurn): readonly AgendaEntry[] {
  // The common turn of a bot without timers allocates nothing.
  if (t.stepAfter === null || (t.expireAfterMs === undefined && (t.previous === undefined || t.previous.length === 0) && !t.effects.some(isEntry))) return NONE;
  const planned = t.effects.filter((e): e is Entry => isEntry(e) && e.step === t.stepAfter);
  const stepKept = t.stepBefore === t.stepAfter && !t.effects.some(isPlanned);
  const renewExpiry = t.expireAfterMs !== undefined && t.userMessage;
  const out: AgendaEntry[] = [];
  let hasExpiry = false;
  for (const e of t.previous ?? []) {
    if (e.id === t.fired) continue;
    if (e.step !== null ? !(stepKept && e.step === t.stepAfter) : isExpiry(e) && (t.expireAfterMs === undefined || renewExpiry)) continue;
    if (isExpiry(e)) hasExpiry = true;
    out.push(e);
  }
  let n = 0;
  const id = (): string => `${t.rev}.${++n}`;
  for (const s of planned) {
    if (s.type === 'fetch') {
      out.push({ id: id(), kind: 'fetch', name: 'fetch', step: s.step, due: t.now, at: t.now, fetch: { files: s.files, limits: s.limits }, attempts: 0 });
      continue;
    }
    if (s.type === 'call') {
      out.push({ id: id(), kind: 'call', name: 'call', step: s.step, due: t.now, at: t.now, request: s.request as unknown as Readonly<Record<string, unknown>>, attempts: 0 });
      continue;
    }
    const entry: AgendaEntry = { id: id(), kind: 'timer', name: s.timer, step: s.step, due: t.now + s.afterMs, at: t.now };
    out.push(s.index === undefined ? entry : { ...entry, index: s.index });
  }
  if (t.expireAfterMs !== undefined && !hasExpiry) out.push({ id: id(), kind: 'timer', name: 'expire', step: null, due: t.now + t.expireAfterMs, at: t.now });
  return out.sort(byDue);
}

const NONE: readonly AgendaEntry[] = Object.freeze([]);
type Planned = Extract<Effect, { type: 'schedule' | 'call' }>;
type Entry = Extract<Effect, { type: 'schedule' | 'call' | 'fetch' }>;
/** Effects of entering a step: a turn with any of them entered its step (again). */
const isPlanned = (e: Effect): e is Planned => e.type === 'schedule' || e.type === 'call';
/** Effects that become entries: those of entering a step, and a fetch (asked for by a step that stays). */
const isEntry = (e: Effect): e is Entry => isPlanned(e) || e.type === 'fetch';
const isExpiry = (e: AgendaEntry): boolean => e.step === null && e.name === 'expire';

/** Earliest due first; ties in id order (`<rev>.<n>` compared as numbers). */
export function byDue(a: AgendaEntry, b: AgendaEntry): number {
  if (a.due !== b.due) return a.due - b.due;
  const [ar = 0, an = 0] = a.id.split('.').map(Number);
  const [br = 0, bn = 0] = b.id.split('.').map(Number);
  return ar - br || an - bn || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The entries of an agenda due at `now`, in firing order. */
export function dueEntries(agenda: readonly AgendaEntry[] | undefined, now: number): AgendaEntry[] {
  return (agenda ?? []).filter((e) => e.due <= now).sort(byDue);
}

/** The earliest due time of an agenda, or undefined when it is empty. */
export function earliestDue(agenda: readonly AgendaEntry[] | undefined): number | undefined {
  let min: number | undefined;
  for (const e of agenda ?? []) if (min === undefined || e.due < min) min = e.due;
  return min;
}

/** The event an entry sends to its dialog's machine when it fires. */
export function timerEvent(entry: AgendaEntry): InboundEvent {
  const type = `timer.${entry.name as TimerName}` as const;
  return entry.index === undefined ? { type } : { type, index: entry.index };
}

/** The id of an entry's firing among the dialog's applied events (recentUpdates): applied once. */
export const agendaEventId = (entry: AgendaEntry): string => `agenda:${entry.id}`;
