/** The SQLite schema and the mapping between its rows and the port's records. Times are integer milliseconds. */
import type Database from 'better-sqlite3';
import type {
  BotInstance,
  BotPlatformCredential,
  BotScenario,
  DeliveryLease,
  DialogKey,
  DialogState,
  DialogSummary,
  HistoryEntry,
  MediaNote,
  OutboxButton,
  ScenarioSummary,
} from './types.js';
import { earliestDue } from './shared.js';
import { StoreUnavailableError } from './types.js';

export const SCHEMA_VERSION = 3;

// No foreign keys to `bots`: the port lets credentials, scenarios and dialogs exist for any bot id, and the
// other stores do not check either; SQLite must not be the only one refusing such writes.
const DDL = `
CREATE TABLE IF NOT EXISTS bots (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS credentials (
  bot_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  key_id TEXT NOT NULL,
  ciphertext TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (bot_id, platform)
);
CREATE TABLE IF NOT EXISTS scenarios (
  bot_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  hash TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('json', 'scn')),
  source TEXT NOT NULL,
  machine TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  activated_at INTEGER,
  PRIMARY KEY (bot_id, version),
  UNIQUE (bot_id, hash)
);
CREATE TABLE IF NOT EXISTS dialogs (
  bot_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  rev INTEGER NOT NULL,
  scenario_version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'ended')),
  step TEXT,
  vars TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  outbox TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  delivered INTEGER NOT NULL DEFAULT 0,
  recent TEXT NOT NULL,
  blocked INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  agenda TEXT,
  agenda_due INTEGER,
  agenda_owner TEXT,
  agenda_until INTEGER,
  PRIMARY KEY (bot_id, platform, chat_id)
);
-- Only dialogs with undelivered replies are in it, so the delivery poller never scans idle dialogs.
CREATE INDEX IF NOT EXISTS dialogs_pending ON dialogs (updated_at) WHERE last_seq > delivered;
-- History is an append-only log: one row per transition (its inbound message and replies, as a JSON array in
-- write order; entries with different times, which the manager never writes, take one row per run of equal times).
-- An INTEGER PRIMARY KEY without AUTOINCREMENT: ids still grow (rows are never deleted) and an insert skips the
-- sqlite_sequence update. No UNIQUE key: a revision's rows are inserted in the compare-and-set transaction that
-- writes the revision, so they cannot be written twice. in_count and out_count let messageRate sum, and steps
-- (each entry's direction and step: ["in", null, "out", "ask"]) lets the funnel skip the texts, not parse them.
CREATE TABLE IF NOT EXISTS history (
  id INTEGER PRIMARY KEY,
  bot_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  chat_id TEXT NOT NULL,
  rev INTEGER NOT NULL,
  at INTEGER NOT NULL,
  in_count INTEGER NOT NULL,
  out_count INTEGER NOT NULL,
  entries TEXT NOT NULL,
  steps TEXT NOT NULL
);
`;

// Indexes of the reads (history, dashboard, web chat). They are additive: a build without them reads and writes the
// file as before, so adding one does not bump user_version (which would lock such builds out). Each costs a B-tree
// update per write that changes its columns, so there are as few as the reads allow: every dialog write moves
// updated_at, every transition appends a history row.
const INDEXES = `
-- A dialog's history in order: by revision, then by id (the order of writing), which every index entry ends with.
CREATE INDEX IF NOT EXISTS history_dialog ON history (bot_id, platform, chat_id, rev);
CREATE INDEX IF NOT EXISTS history_bot_at ON history (bot_id, at);
-- listDialogs reads it newest first; activeByStep counts from it alone (status and step are in it).
CREATE INDEX IF NOT EXISTS dialogs_bot_recent ON dialogs (bot_id, updated_at, status, step);
-- The active version of a bot is the first row of this index read backwards (version breaks ties).
CREATE INDEX IF NOT EXISTS scenarios_bot_activated ON scenarios (bot_id, activated_at, version);
`;
export const INDEX_NAMES = ['history_dialog', 'history_bot_at', 'dialogs_bot_recent', 'scenarios_bot_activated'] as const;

// The agenda's columns (schema version 3): `agenda` the entries as JSON, NULL when there are none (most dialogs, so
// their writes bind no JSON); `agenda_due` the earliest entry's due time, NULL when none; `agenda_owner` the fencing
// token of the agenda lease ("<owner> <random>", as lease_owner) and `agenda_until` its end. Only dialogs with an
// agenda are in the index, so finding what is due is a range read however many dialogs wait for a message.
const AGENDA_COLUMNS = ['agenda TEXT', 'agenda_due INTEGER', 'agenda_owner TEXT', 'agenda_until INTEGER'] as const;
const AGENDA_INDEX = 'CREATE INDEX IF NOT EXISTS dialogs_agenda_due ON dialogs (agenda_due) WHERE agenda_due IS NOT NULL;';

/**
 * Creates the tables and indexes that are missing, and brings a file of an older layout up to this one; safe when
 * two processes open the same file at the same time (the IMMEDIATE transaction serializes them, the version is read
 * inside it, and everything else is IF NOT EXISTS). Building an index or converting the history of a large existing
 * file holds the write lock meanwhile: other writers wait up to their busy timeout.
 */
export function migrate(db: Database.Database): void {
  if (db.pragma('user_version', { simple: true }) === SCHEMA_VERSION && hasIndexes(db)) return;
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new StoreUnavailableError(`the database has schema version ${version}; this build knows up to ${SCHEMA_VERSION}: run a newer build`);
    if (version === 1) upgradeFromVersion1(db);
    if (version === 1 || version === 2) addAgendaColumns(db);
    if (version < SCHEMA_VERSION) {
      db.exec(DDL);
      db.exec(AGENDA_INDEX);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    addActivatedAt(db);
    db.exec(INDEXES);
  }).immediate();
}

/**
 * Version 1 kept a history row per message, unique by (dialog, rev, ordinal), and two dialog indexes. Its rows are
 * regrouped into one row per run of equal times of a revision, in their order (a run: ordinals that stay
 * consecutive among the revision's entries at that time); null fields are left out of the entries.
 */
function upgradeFromVersion1(db: Database.Database): void {
  db.exec(`
DROP INDEX IF EXISTS dialogs_bot_updated;
DROP INDEX IF EXISTS dialogs_bot_status_step;
DROP INDEX IF EXISTS history_bot_at;
ALTER TABLE history RENAME TO history_version1;
${DDL}
INSERT INTO history (bot_id, platform, chat_id, rev, at, in_count, out_count, entries, steps)
SELECT bot_id, platform, chat_id, rev, at, SUM(direction = 'in'), SUM(direction = 'out'), json_group_array(json(entry) ORDER BY ordinal),
  '[' || group_concat(json_quote(direction) || ',' || json_quote(step), ',' ORDER BY ordinal) || ']'
FROM (
  SELECT id, bot_id, platform, chat_id, rev, at, ordinal, direction, step,
    ordinal - ROW_NUMBER() OVER (PARTITION BY bot_id, platform, chat_id, rev, at ORDER BY ordinal) AS run,
    json_patch('{}', json_object('direction', direction, 'step', step, 'text', text, 'press', press,
      'buttons', json(buttons), 'updateId', update_id)) AS entry
  FROM history_version1
)
GROUP BY bot_id, platform, chat_id, rev, at, run
ORDER BY MIN(id);
DROP TABLE history_version1;
`);
}

/**
 * Version 2 had no agenda: its dialogs get the columns, all NULL (no agenda, lease free). ADD COLUMN of nullable
 * columns changes the table's definition only, not its rows, so it is quick however large the file.
 */
function addAgendaColumns(db: Database.Database): void {
  for (const column of AGENDA_COLUMNS) db.exec(`ALTER TABLE dialogs ADD COLUMN ${column}`);
}

/**
 * A file from before activation has no scenarios.activated_at: add it, with every version activated when it was
 * created (so the newest runs, as it did). Additive like the indexes, so user_version stays. Checked inside the
 * IMMEDIATE transaction, so of several processes opening the file at once exactly one adds it.
 */
function addActivatedAt(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(scenarios)').all();
  if (columns.some((c) => c.name === 'activated_at')) return;
  db.exec('ALTER TABLE scenarios ADD COLUMN activated_at INTEGER');
  db.exec('UPDATE scenarios SET activated_at = created_at');
}

function hasIndexes(db: Database.Database): boolean {
  const present = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'").all().map((r) => r.name));
  return INDEX_NAMES.every((name) => present.has(name));
}

export interface BotRow {
  id: string;
  account_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export const botOf = (r: BotRow): BotInstance => ({ id: r.id, accountId: r.account_id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at });

export interface CredentialRow {
  bot_id: string;
  platform: string;
  key_id: string;
  ciphertext: string;
  updated_at: number;
}

export const credentialOf = (r: CredentialRow): BotPlatformCredential => ({
  botId: r.bot_id,
  platform: r.platform,
  keyId: r.key_id,
  ciphertext: r.ciphertext,
  updatedAt: r.updated_at,
});

export interface ScenarioSummaryRow {
  bot_id: string;
  version: number;
  hash: string;
  format: 'json' | 'scn';
  created_at: number;
  activated_at: number | null;
}

export interface ScenarioRow extends ScenarioSummaryRow {
  source: string;
  machine: string;
}

// A row without activated_at (inserted by a build from before activation) reads as activated when created; such a
// row sorts below the others when the active version is picked (NULL is smallest).
export const scenarioSummaryOf = (r: ScenarioSummaryRow): ScenarioSummary => ({
  botId: r.bot_id,
  version: r.version,
  hash: r.hash,
  format: r.format,
  createdAt: r.created_at,
  activatedAt: r.activated_at ?? r.created_at,
});

export const scenarioOf = (r: ScenarioRow): BotScenario => ({ ...scenarioSummaryOf(r), source: r.source, machine: JSON.parse(r.machine) });

export interface SummaryRow {
  bot_id: string;
  platform: string;
  chat_id: string;
  rev: number;
  scenario_version: string;
  status: 'active' | 'ended';
  step: string | null;
  last_seq: number;
  blocked: number;
  created_at: number;
  updated_at: number;
}

export interface DialogRow extends SummaryRow {
  vars: string;
  snapshot: string;
  outbox: string;
  delivered: number;
  recent: string;
  agenda: string | null;
}

export const summaryOf = (r: SummaryRow): DialogSummary => ({
  key: { botId: r.bot_id, platform: r.platform, chatId: r.chat_id },
  rev: r.rev,
  scenarioVersion: r.scenario_version,
  step: r.step,
  status: r.status,
  blocked: r.blocked !== 0,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastSeq: r.last_seq,
});

export const dialogOf = (r: DialogRow): DialogState => ({
  ...summaryOf(r),
  vars: JSON.parse(r.vars),
  snapshot: JSON.parse(r.snapshot),
  outbox: JSON.parse(r.outbox),
  delivered: r.delivered,
  recentUpdates: JSON.parse(r.recent),
  ...(r.agenda !== null && { agenda: JSON.parse(r.agenda) }),
});

/** The `agenda` and `agenda_due` columns of a state: both NULL when it has no entries. */
export function agendaColumns(agenda: DialogState['agenda']): [agenda: string | null, due: number | null] {
  const due = earliestDue(agenda);
  return due === null ? [null, null] : [JSON.stringify(agenda), due];
}

export type DeliveryRow = Pick<DialogRow, 'bot_id' | 'platform' | 'chat_id' | 'rev' | 'outbox' | 'last_seq' | 'delivered' | 'blocked'> & { lease_owner: string };

export const deliveryOf = (r: DeliveryRow): DeliveryLease => ({
  token: r.lease_owner,
  key: { botId: r.bot_id, platform: r.platform, chatId: r.chat_id },
  rev: r.rev,
  outbox: JSON.parse(r.outbox),
  lastSeq: r.last_seq,
  delivered: r.delivered,
  blocked: r.blocked !== 0,
});

export interface HistoryRow {
  rev: number;
  at: number;
  entries: string;
}

/** An entry as stored in a history row: what the row's key, rev and at do not say. Absent fields are null or none. */
interface StoredEntry {
  direction: 'in' | 'out';
  step?: string | null;
  text?: string;
  press?: string;
  buttons?: OutboxButton[];
  /** References to files (never bytes): a field inside the JSON, so rows written before media read as entries without it. */
  media?: MediaNote[];
  updateId?: string;
}

/** The `entries` column of a run of entries of one write. */
export function storedEntries(entries: readonly HistoryEntry[]): string {
  return JSON.stringify(
    entries.map((h): StoredEntry => ({
      direction: h.direction,
      ...(h.step !== null && { step: h.step }),
      ...(h.text !== undefined && { text: h.text }),
      ...(h.press !== undefined && { press: h.press }),
      ...(h.buttons !== undefined && { buttons: [...h.buttons] }),
      ...(h.media !== undefined && { media: [...h.media] }),
      ...(h.updateId !== undefined && { updateId: h.updateId }),
    })),
  );
}

/** The `steps` column of a run of entries: what the funnel reads of them. */
export function storedSteps(entries: readonly HistoryEntry[]): string {
  const steps: (string | null)[] = [];
  for (const h of entries) steps.push(h.direction, h.step);
  return JSON.stringify(steps);
}

/** The entries of history rows of one dialog, in the rows' order. */
export function historyOf(key: DialogKey, rows: readonly HistoryRow[]): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const r of rows) {
    for (const e of JSON.parse(r.entries) as StoredEntry[]) {
      const entry: { -readonly [K in keyof HistoryEntry]: HistoryEntry[K] } = { key, rev: r.rev, direction: e.direction, step: e.step ?? null, at: r.at };
      if (e.text !== undefined) entry.text = e.text;
      if (e.press !== undefined) entry.press = e.press;
      if (e.buttons !== undefined) entry.buttons = e.buttons;
      if (e.media !== undefined) entry.media = e.media;
      if (e.updateId !== undefined) entry.updateId = e.updateId;
      out.push(entry);
    }
  }
  return out;
}
