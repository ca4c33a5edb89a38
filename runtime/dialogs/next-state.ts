import type { Effect, OutMedia, UserMessage } from '../engine/index.js';
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
    const media = message.files === undefined && message.location === undefined && message.contact === undefined ? undefined : inboundNotes(message);
    history.push(media ? { key: t.key, rev, direction: 'in', step: t.stepBefore, text, press, media, updateId, at: t.now } : { key: t.key, rev, direction: 'in', step: t.stepBefore, text, press, updateId, at: t.now });
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
  // A say with media: its text first (unless empty), then one message per medium (its caption as text), buttons on the last.
  const addMedia = (e: Extract<Effect, { type: 'say' }>, media: readonly OutMedia[]): void => {
    if (e.text !== '') add(e.text, [], e.step, e.masked);
    media.forEach((m, i) => {
      seq++;
      const buttons = i === media.length - 1 ? e.buttons : [];
      const text = 'source' in m ? (m.caption ?? '') : '';
      outbox.push({ seq, text, buttons, media: m, step: e.step, at: t.now });
      history.push({ key: t.key, rev, direction: 'out', step: e.step, text, buttons, media: [outboundNote(m)], at: t.now });
      reply++;
    });
  };
  for (const e of t.effects) {
    if (e.type !== 'say') continue;
    if (e.media === undefined || e.media.length === 0) add(e.text, e.buttons, e.step, e.masked);
    else addMedia(e, e.media);
  }
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

/** What a user sent, for the history: files as the platform declared them (never the platform's handle), cards as sent. */
function inboundNotes(message: UserMessage): MediaNote[] {
  const notes: MediaNote[] = [];
  for (const f of message.files ?? []) {
    const note: { kind: typeof f.kind; name?: string; mime?: string; size?: number } = { kind: f.kind };
    if (f.name !== undefined) note.name = f.name;
    if (f.mime !== undefined) note.mime = f.mime;
    if (f.size !== undefined) note.size = f.size;
    notes.push(note);
  }
  if (message.location) notes.push(message.location);
  if (message.contact) notes.push(message.contact);
  return notes;
}

/** A medium sent, for the history: by reference (the stored file, the URL or the shipped path), with its caption. */
function outboundNote(m: OutMedia): MediaNote {
  if (!('source' in m)) return m;
  const s = m.source;
  const where = 'file' in s ? { file: s.file } : 'url' in s ? { url: s.url } : { path: s.path };
  return m.caption === undefined ? { kind: m.type, ...where } : { kind: m.type, ...where, caption: m.caption };
}
