/**
 * Mongoose schemas and indexes of the MongoDB store (mongo-docs.ts maps documents to the port's records).
 *
 * The XState snapshot and the machine config are stored as JSON strings: they are opaque to queries, and as
 * objects they would meet three traps: `minimize` drops empty objects such as the snapshot's `children: {}`,
 * their keys may start with `$` or contain dots (states `$new`, events `user.input`), and Mongoose would walk
 * and cast them on every write. `vars` stays an object (readable in the database) under `minimize: false`.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { AgendaEntry, BotPlatformCredential, MediaNote, OutboxButton, OutboxMessage } from './types.js';

export interface BotDoc {
  _id: string;
  accountId: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export type CredentialDoc = BotPlatformCredential;

export interface ScenarioDoc {
  botId: string;
  version: number;
  hash: string;
  format: 'json' | 'scn';
  source: string;
  machine: string;
  createdAt: number;
  /** Absent on documents from before activation: those count as activated at createdAt. */
  activatedAt?: number;
}

export interface DialogDoc {
  botId: string;
  platform: string;
  chatId: string;
  rev: number;
  scenarioVersion: string;
  status: 'active' | 'ended';
  step: string | null;
  vars: Record<string, unknown>;
  snapshot: string;
  outbox: OutboxMessage[];
  lastSeq: number;
  delivered: number;
  recentUpdates: string[];
  blocked: boolean;
  leaseOwner: string | null;
  leaseUntil: number | null;
  leaseToken?: string | null;
  createdAt: number;
  updatedAt: number;
  /** The agenda, earliest first; null (or absent, on documents from before it) when there is none. */
  agenda?: AgendaEntry[] | null;
  /** The earliest entry's due time; null when there is none (then the document is not in its index). */
  agendaDue?: number | null;
  /** The agenda lease, apart from the delivery lease: its owner, end and fencing token. */
  agendaOwner?: string | null;
  agendaUntil?: number | null;
  agendaToken?: string | null;
}

export interface HistoryDoc {
  botId: string;
  platform: string;
  chatId: string;
  rev: number;
  ordinal: number;
  direction: 'in' | 'out';
  step: string | null;
  text?: string;
  press?: string;
  buttons?: OutboxButton[];
  /** References to files (never bytes); absent on documents without media. */
  media?: MediaNote[];
  updateId?: string;
  at: number;
}

// Indexes are built by openMongoStore (createIndexes), not in the background on first use.
const common = { versionKey: false, autoIndex: false, autoCreate: false } as const;
const req = <T>(type: T) => ({ type, required: true }) as const;
// Mongoose's `required` refuses '' for strings; free text may be empty.
const text = { type: String, default: '' } as const;

export const botSchema = new Schema<BotDoc>(
  { _id: req(String), accountId: req(String), name: text, createdAt: req(Number), updatedAt: req(Number) },
  { ...common, collection: 'bot_instances' },
);

export const credentialSchema = new Schema<CredentialDoc>(
  { botId: req(String), platform: req(String), keyId: req(String), ciphertext: req(String), updatedAt: req(Number) },
  { ...common, collection: 'bot_platform_credentials' },
);
credentialSchema.index({ botId: 1, platform: 1 }, { unique: true });

export const scenarioSchema = new Schema<ScenarioDoc>(
  {
    botId: req(String),
    version: req(Number),
    hash: req(String),
    format: { type: String, enum: ['json', 'scn'], required: true },
    source: text,
    machine: req(String),
    createdAt: req(Number),
    activatedAt: Number,
  },
  { ...common, collection: 'bot_scenarios' },
);
// Both unique: the hash makes putScenario idempotent, the version makes two racing writers pick different numbers.
scenarioSchema.index({ botId: 1, hash: 1 }, { unique: true });
scenarioSchema.index({ botId: 1, version: 1 }, { unique: true });
// The active version: the first document of a bot in this order (version breaks ties).
scenarioSchema.index({ botId: 1, activatedAt: -1, version: -1 });

export const dialogSchema = new Schema<DialogDoc>(
  {
    botId: req(String),
    platform: req(String),
    chatId: req(String),
    rev: req(Number),
    scenarioVersion: req(String),
    status: { type: String, enum: ['active', 'ended'], required: true },
    step: { type: String, default: null },
    vars: { type: Schema.Types.Mixed, default: () => ({}) },
    snapshot: req(String),
    outbox: { type: Schema.Types.Mixed, default: () => [] },
    lastSeq: req(Number),
    delivered: { type: Number, default: 0 },
    recentUpdates: { type: [String], default: () => [] },
    blocked: { type: Boolean, default: false },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Number, default: null },
    leaseToken: { type: String, default: null },
    createdAt: req(Number),
    updatedAt: req(Number),
    agenda: { type: Schema.Types.Mixed, default: null },
    agendaDue: { type: Number, default: null },
    agendaOwner: { type: String, default: null },
    agendaUntil: { type: Number, default: null },
    agendaToken: { type: String, default: null },
  },
  // minimize: false keeps empty objects (vars `{}`, a var holding `{}`); the default would drop them.
  { ...common, collection: 'bot_dialog_states', minimize: false },
);
dialogSchema.index({ botId: 1, platform: 1, chatId: 1 }, { unique: true });
// listDialogs: the whole sort order, so a page needs no in-memory sort.
dialogSchema.index({ botId: 1, updatedAt: -1, platform: 1, chatId: 1 });
// activeByStep: equality on botId and status, a range on step, and updatedAt (the `since`) from the index too.
dialogSchema.index({ botId: 1, status: 1, step: 1, updatedAt: 1 });
// dueAgenda: only documents with an agenda (a number in agendaDue) are in it, so finding what is due reads a range of
// it in due order, however many dialogs wait for a message. Queries name the same $type to be served by it.
dialogSchema.index({ agendaDue: 1 }, { partialFilterExpression: { agendaDue: { $type: 'number' } } });

export const historySchema = new Schema<HistoryDoc>(
  {
    botId: req(String),
    platform: req(String),
    chatId: req(String),
    rev: req(Number),
    ordinal: req(Number),
    direction: { type: String, enum: ['in', 'out'], required: true },
    step: { type: String, default: null },
    text: String,
    press: String,
    buttons: { type: [Schema.Types.Mixed], default: undefined },
    media: { type: [Schema.Types.Mixed], default: undefined },
    updateId: String,
    at: req(Number),
  },
  { ...common, collection: 'bot_dialog_history' },
);
// The key of a history row: a retried write upserts the same rows; reads walk it backwards for the newest.
historySchema.index({ botId: 1, platform: 1, chatId: 1, rev: 1, ordinal: 1 }, { unique: true });
// The funnel and the message rate: the history of a bot in a time window.
historySchema.index({ botId: 1, at: 1 });

export interface Models {
  readonly Bot: Model<BotDoc>;
  readonly Credential: Model<CredentialDoc>;
  readonly Scenario: Model<ScenarioDoc>;
  readonly Dialog: Model<DialogDoc>;
  readonly History: Model<HistoryDoc>;
}

/** Models bound to one connection (not the global mongoose one). */
export function createModels(connection: Connection): Models {
  return {
    Bot: connection.model<BotDoc>('BotInstance', botSchema),
    Credential: connection.model<CredentialDoc>('BotPlatformCredential', credentialSchema),
    Scenario: connection.model<ScenarioDoc>('BotScenario', scenarioSchema),
    Dialog: connection.model<DialogDoc>('BotDialogState', dialogSchema),
    History: connection.model<HistoryDoc>('BotDialogHistory', historySchema),
  };
}
