/** A database file as builds of SQLite schema version 2 wrote it (before the agenda), for the migration tests. */
import type Database from 'better-sqlite3';
import { storedEntries, storedSteps } from '../../../runtime/store/sqlite-schema.js';
import type { DialogWrite } from '../../../runtime/store/index.js';

/** The layout of schema version 2, as its builds created it: dialogs without the agenda columns. */
export const VERSION_2 = `
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
  at INTEGER NOT NULL, in_count INTEGER NOT NULL, out_count INTEGER NOT NULL, entries TEXT NOT NULL, steps TEXT NOT NULL);
CREATE INDEX history_dialog ON history (bot_id, platform, chat_id, rev);
CREATE INDEX history_bot_at ON history (bot_id, at);
CREATE INDEX dialogs_bot_recent ON dialogs (bot_id, updated_at, status, step);
CREATE INDEX scenarios_bot_activated ON scenarios (bot_id, activated_at, version);
PRAGMA user_version = 2;
`;

/** What a version 2 build wrote for a successful compare-and-set write whose history has one time. */
export function writeVersion2(db: Database.Database, w: DialogWrite): void {
  const s = w.state;
  const { botId, platform, chatId } = s.key;
  db.prepare(
    `INSERT INTO dialogs (bot_id, platform, chat_id, rev, scenario_version, status, step, vars, snapshot, outbox, last_seq, recent, blocked, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET rev = excluded.rev, status = excluded.status, step = excluded.step, vars = excluded.vars, snapshot = excluded.snapshot,
       outbox = excluded.outbox, last_seq = excluded.last_seq, recent = excluded.recent, updated_at = excluded.updated_at`,
  ).run(botId, platform, chatId, s.rev, s.scenarioVersion, s.status, s.step, JSON.stringify(s.vars), JSON.stringify(s.snapshot), JSON.stringify(s.outbox), s.lastSeq, JSON.stringify(s.recentUpdates), 0, s.createdAt, s.updatedAt);
  if (w.history.length === 0) return;
  const ins = w.history.filter((h) => h.direction === 'in').length;
  db.prepare('INSERT INTO history (bot_id, platform, chat_id, rev, at, in_count, out_count, entries, steps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    botId, platform, chatId, s.rev, w.history[0]!.at, ins, w.history.length - ins, storedEntries(w.history), storedSteps(w.history),
  );
}
