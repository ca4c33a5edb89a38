/** A database file as builds of SQLite schema version 1 wrote it, for the migration tests. */
import type Database from 'better-sqlite3';
import type { DialogWrite } from '../../../runtime/store/index.js';

/** The layout of schema version 1, as its builds created it: a history row per message. */
export const VERSION_1 = `
CREATE TABLE bots (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE credentials (bot_id TEXT NOT NULL, platform TEXT NOT NULL, key_id TEXT NOT NULL, ciphertext TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (bot_id, platform));
CREATE TABLE scenarios (bot_id TEXT NOT NULL, version INTEGER NOT NULL, hash TEXT NOT NULL, format TEXT NOT NULL CHECK (format IN ('json', 'scn')),
  source TEXT NOT NULL, machine TEXT NOT NULL, created_at INTEGER NOT NULL, activated_at INTEGER, PRIMARY KEY (bot_id, version), UNIQUE (bot_id, hash));
CREATE TABLE dialogs (bot_id TEXT NOT NULL, platform TEXT NOT NULL, chat_id TEXT NOT NULL, rev INTEGER NOT NULL, scenario_version TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'ended')), step TEXT, vars TEXT NOT NULL, snapshot TEXT NOT NULL, outbox TEXT NOT NULL,
  last_seq INTEGER NOT NULL, delivered INTEGER NOT NULL DEFAULT 0, recent TEXT NOT NULL, blocked INTEGER NOT NULL DEFAULT 0, lease_owner TEXT,
  lease_until INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (bot_id, platform, chat_id));
CREATE INDEX dialogs_pending ON dialogs (updated_at) WHERE last_seq > delivered;
CREATE TABLE history (id INTEGER PRIMARY KEY, bot_id TEXT NOT NULL, platform TEXT NOT NULL, chat_id TEXT NOT NULL, rev INTEGER NOT NULL,
  ordinal INTEGER NOT NULL, direction TEXT NOT NULL CHECK (direction IN ('in', 'out')), step TEXT, text TEXT, press TEXT, buttons TEXT,
  update_id TEXT, at INTEGER NOT NULL, UNIQUE (bot_id, platform, chat_id, rev, ordinal));
CREATE INDEX history_bot_at ON history (bot_id, at);
CREATE INDEX dialogs_bot_updated ON dialogs (bot_id, updated_at);
CREATE INDEX dialogs_bot_status_step ON dialogs (bot_id, status, step, updated_at);
CREATE INDEX scenarios_bot_activated ON scenarios (bot_id, activated_at, version);
PRAGMA user_version = 1;
`;

/** What a version 1 build wrote for a successful compare-and-set write (the dialog row last written wins). */
export function writeVersion1(db: Database.Database, w: DialogWrite): void {
  const s = w.state;
  const { botId, platform, chatId } = s.key;
  db.prepare(
    `INSERT INTO dialogs (bot_id, platform, chat_id, rev, scenario_version, status, step, vars, snapshot, outbox, last_seq, recent, blocked, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET rev = excluded.rev, status = excluded.status, step = excluded.step, vars = excluded.vars, snapshot = excluded.snapshot,
       outbox = excluded.outbox, last_seq = excluded.last_seq, recent = excluded.recent, updated_at = excluded.updated_at`,
  ).run(botId, platform, chatId, s.rev, s.scenarioVersion, s.status, s.step, JSON.stringify(s.vars), JSON.stringify(s.snapshot), JSON.stringify(s.outbox), s.lastSeq, JSON.stringify(s.recentUpdates), 0, s.createdAt, s.updatedAt);
  const insert = db.prepare(
    `INSERT INTO history (bot_id, platform, chat_id, rev, ordinal, direction, step, text, press, buttons, update_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  w.history.forEach((h, ordinal) => {
    insert.run(botId, platform, chatId, h.rev, ordinal, h.direction, h.step, h.text ?? null, h.press ?? null, h.buttons === undefined ? null : JSON.stringify(h.buttons), h.updateId ?? null, h.at);
  });
}

