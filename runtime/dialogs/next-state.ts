import type { Effect, UserMessage } from '../engine/index.js';
import { MASK } from '../log/index.js';
import { RECENT_UPDATES_LIMIT, type AgendaEntry, type DialogKey, type DialogState, type HistoryEntry, type MediaNote, type OutboxMessage } from '../store/index.js';

/** What a turn changed, in the shape of one store write. */
export interface TurnOutcome {
  readonly key: DialogKey;
  readonly previous: DialogState | undefined;
  readonly scenarioVersion: string;
  /** The step before the message; null when no dialog ran. */
  readonly stepBefore: string | null;
  readonly stepAfter: string | null;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly snapshot: unknown;
  readonly effects: readonly Effect[];
  /** The message of the turn; `sensitive`: an answer to a sensitive input, masked in the history. */
  readonly inbound?: { readonly updateId: string; readonly message: UserMessage; readonly sensitive?: boolean };
  /** Files a fetch stored (the turn of `media.stored`): an inbound history line that references them. */
  readonly received?: readonly MediaNote[];
  /** The id of an event that is not a message (a timer's `agenda:<id>`): it joins the recent ids, deduped like an update id. */
  readonly applied?: string;
  /** The agenda the write holds (runtime/agenda's nextAgenda); absent or empty: none. */
  readonly agenda?: readonly AgendaEntry[];
  /** Messages that do not come from the scenario (sendMessage). */
  readonly extra?: readonly { readonly text: string; readonly buttons: OutboxMessage['buttons'] }[];
  readonly now: number;
}

/**
 * The next dialog record and its history lines: replies are appended to the outbox with increasing `seq`,
 * delivered ones are pruned, and the update id joins the recent ones.
 */
export function nextState(t: TurnOutcome): { state: DialogState; history: HistoryEntry[] } {
  const prev = t.previous;
  let seq = prev?.lastSeq ?? 0;
  const delivered = prev?.delivered ?? 0;
  const outbox: OutboxMessage[] = prev ? prev.outbox.filter((m) => m.seq > delivered) : [];
  const history: HistoryEntry[] = [];
  const rev = (prev?.rev ?? 0) + 1;
  if (t.inbound) {
    const { message, updateId, sensitive } = t.inbound;
    // The live variables keep the answer (the scenario may use it); the history is a record for people: masked.
    const text = sensitive && message.text !== undefined ? MASK : message.text;
    const press = sensitive && message.press !== undefined ? MASK : message.press;
    history.push({ key: t.key, rev, direction: 'in', step: t.stepBefore, text, press, updateId, at: t.now });
  }
  if (t.received && t.received.length > 0) history.push({ key: t.key, rev, direction: 'in', step: t.stepBefore, media: t.received, at: t.now });
  // One loop over the effects and the extra messages, no intermediate lists: this runs on every turn.
  let reply = 0;
  const add = (text: string, buttons: OutboxMessage['buttons'], step: string | undefined, maskedText: string | undefined): void => {
    seq++;
    // A reply that shows a sensitive value: in clear for the platform only, masked in the history (a record for people).
    const message: OutboxMessage = step === undefined ? { seq, text, buttons, at: t.now } : { seq, text, buttons, step, at: t.now };
    outbox.push(maskedText === undefined ? message : { ...message, masked: { text: maskedText, rev, reply } });
    history.push({ key: t.key, rev, direction: 'out', step: step ?? null, text: maskedText ?? text, buttons, at: t.now });
    reply++;
  };
  for (const e of t.effects) if (e.type === 'say') add(e.text, e.buttons, e.step, e.masked);
  if (t.extra) for (const x of t.extra) add(x.text, x.buttons, undefined, undefined);
  const recent = prev ? [...prev.recentUpdates] : [];
  const applied = t.inbound?.updateId ?? t.applied;
  if (applied !== undefined) {
    recent.push(applied);
    if (recent.length > RECENT_UPDATES_LIMIT) recent.splice(0, recent.length - RECENT_UPDATES_LIMIT);
  }
  const state: DialogState = {
    key: t.key,
    rev,
    scenarioVersion: t.scenarioVersion,
    step: t.stepAfter,
    status: t.stepAfter === null ? 'ended' : 'active',
    vars: t.vars,
    snapshot: t.snapshot,
    outbox,
    lastSeq: seq,
    delivered,
    recentUpdates: recent,
    blocked: t.inbound ? false : (prev?.blocked ?? false),
    createdAt: prev?.createdAt ?? t.now,
    updatedAt: t.now,
    agenda: t.agenda !== undefined && t.agenda.length > 0 ? t.agenda : undefined,
  };
  return { state, history };
}
