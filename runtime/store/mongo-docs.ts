/** The mapping between the MongoDB store's documents (mongo-models.ts) and the port's records. */
import type { BotDoc, CredentialDoc, DialogDoc, HistoryDoc, ScenarioDoc } from './mongo-models.js';
import { earliestDue } from './shared.js';
import type {
  AgendaEntry,
  BotInstance,
  BotPlatformCredential,
  BotScenario,
  DialogKey,
  DialogState,
  DialogSummary,
  HistoryEntry,
  MediaNote,
  OutboxMessage,
  ScenarioSummary,
} from './types.js';

// JSON round trip: drops `undefined` members, which BSON would store as null.
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The fields a compare-and-set write replaces: everything but the key, `delivered` and the two leases. */
export function dialogFields(s: DialogState, recentUpdates: string[]) {
  const agendaDue = earliestDue(s.agenda);
  return {
    rev: s.rev,
    scenarioVersion: s.scenarioVersion,
    status: s.status,
    step: s.step,
    vars: plain(s.vars) as Record<string, unknown>,
    snapshot: JSON.stringify(s.snapshot ?? null),
    outbox: plain(s.outbox) as OutboxMessage[],
    lastSeq: s.lastSeq,
    recentUpdates,
    blocked: s.blocked,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    agenda: agendaDue === null ? null : (plain(s.agenda) as AgendaEntry[]),
    agendaDue,
  };
}

export const keyFilter = (key: DialogKey) => ({ botId: key.botId, platform: key.platform, chatId: key.chatId });

export type SummaryDoc = Pick<DialogDoc, 'botId' | 'platform' | 'chatId' | 'rev' | 'scenarioVersion' | 'step' | 'status' | 'blocked' | 'createdAt' | 'updatedAt' | 'lastSeq'>;

/** The fields of a DialogSummary: listing dialogs leaves the snapshot, vars and outbox on the server. */
export const SUMMARY_PROJECTION = { _id: 0, botId: 1, platform: 1, chatId: 1, rev: 1, scenarioVersion: 1, step: 1, status: 1, blocked: 1, createdAt: 1, updatedAt: 1, lastSeq: 1 } as const;

export const summaryOfDoc = (d: SummaryDoc): DialogSummary => ({
  key: { botId: d.botId, platform: d.platform, chatId: d.chatId },
  rev: d.rev,
  scenarioVersion: d.scenarioVersion,
  step: d.step ?? null,
  status: d.status,
  blocked: d.blocked === true,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
  lastSeq: d.lastSeq,
});

export const dialogOfDoc = (d: DialogDoc): DialogState => ({
  ...summaryOfDoc(d),
  vars: d.vars ?? {},
  snapshot: JSON.parse(d.snapshot),
  outbox: d.outbox ?? [],
  delivered: d.delivered ?? 0,
  recentUpdates: d.recentUpdates ?? [],
  ...(d.agenda != null && d.agenda.length > 0 && { agenda: d.agenda }),
});

export function historyDoc(h: HistoryEntry, ordinal: number): HistoryDoc {
  const doc: HistoryDoc = { botId: h.key.botId, platform: h.key.platform, chatId: h.key.chatId, rev: h.rev, ordinal, direction: h.direction, step: h.step, at: h.at };
  if (h.text !== undefined) doc.text = h.text;
  if (h.press !== undefined) doc.press = h.press;
  if (h.buttons !== undefined) doc.buttons = plain([...h.buttons]);
  if (h.media !== undefined) doc.media = plain([...h.media]) as MediaNote[];
  if (h.updateId !== undefined) doc.updateId = h.updateId;
  return doc;
}

export function historyOfDoc(d: HistoryDoc): HistoryEntry {
  const entry: { -readonly [K in keyof HistoryEntry]: HistoryEntry[K] } = {
    key: { botId: d.botId, platform: d.platform, chatId: d.chatId },
    rev: d.rev,
    direction: d.direction,
    step: d.step ?? null,
    at: d.at,
  };
  if (d.text != null) entry.text = d.text;
  if (d.press != null) entry.press = d.press;
  if (d.buttons != null) entry.buttons = d.buttons;
  if (d.media != null) entry.media = d.media;
  if (d.updateId != null) entry.updateId = d.updateId;
  return entry;
}

export const botOfDoc = (d: BotDoc): BotInstance => ({ id: d._id, accountId: d.accountId, name: d.name, createdAt: d.createdAt, updatedAt: d.updatedAt });

export const credentialOfDoc = (d: CredentialDoc): BotPlatformCredential => ({
  botId: d.botId,
  platform: d.platform,
  keyId: d.keyId,
  ciphertext: d.ciphertext,
  updatedAt: d.updatedAt,
});

export type ScenarioSummaryDoc = Omit<ScenarioDoc, 'source' | 'machine'>;

export const SCENARIO_SUMMARY_PROJECTION = { _id: 0, botId: 1, version: 1, hash: 1, format: 1, createdAt: 1, activatedAt: 1 } as const;

export const scenarioSummaryOfDoc = (d: ScenarioSummaryDoc): ScenarioSummary => ({
  botId: d.botId,
  version: d.version,
  hash: d.hash,
  format: d.format,
  createdAt: d.createdAt,
  activatedAt: d.activatedAt ?? d.createdAt,
});

export const scenarioOfDoc = (d: ScenarioDoc): BotScenario => ({ ...scenarioSummaryOfDoc(d), source: d.source, machine: JSON.parse(d.machine) });
