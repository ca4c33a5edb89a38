import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../runtime/store/index.js';
import { QUERY_SQL } from '../../../runtime/store/sqlite-queries.js';
import { INDEX_NAMES, SCHEMA_VERSION } from '../../../runtime/store/sqlite-schema.js';
import { ACTIVE_SCENARIO_SQL, DUE_AGENDA_SQL } from '../../../runtime/store/sqlite-statements.js';
import { dialogKey, dialogState, historyEntry, scenarioOf, write } from './helpers.js';

const PARAMS = { botId: 'b1', chatId: 'c1', afterRev: 0, since: 0, limit: 10, platform: 'web', bucketMs: 60_000, startStep: 'welcome' };

describe('SqliteStore read queries', () => {
  let dir: string;
  let file: string;
  const opened: { close(): unknown }[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scenarist-sqlite-queries-'));
    file = join(dir, 'db.sqlite');
  });
  afterEach(async () => {
    for (const c of opened.splice(0)) await c.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const raw = () => {
    const db = new Database(file);
    opened.push(db);
    return db;
  };
  const indexNames = (db: Database.Database) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

  it('searches an index by bot_id in every query, never scanning a table', async () => {
    await openSqliteStore({ file }).close();
    const db = raw();
    const plan = (name: keyof typeof QUERY_SQL) => {
      const sql = QUERY_SQL[name];
      const params = Object.fromEntries(Object.entries(PARAMS).filter(([k]) => sql.includes(`@${k}`)));
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail);
    };
    for (const name of Object.keys(QUERY_SQL) as (keyof typeof QUERY_SQL)[]) {
      const details = plan(name);
      expect(details.filter((d) => /^SCAN (dialogs|history|scenarios)\b/.test(d)), name).toEqual([]);
      expect(details.some((d) => /^SEARCH \w+ USING (COVERING )?INDEX \w+ \(bot_id=\?/.test(d)), name).toBe(true);
    }
    // One dialogs index serves both: every dialog write moves updated_at, so each index costs every write.
    expect(plan('listDialogs')[0]).toBe('SEARCH dialogs USING INDEX dialogs_bot_recent (bot_id=?)');
    expect(plan('activeByStep')).toEqual(['SEARCH dialogs USING COVERING INDEX dialogs_bot_recent (bot_id=? AND updated_at>?)', 'USE TEMP B-TREE FOR GROUP BY']);
    // A dialog's history in order straight from its index: no sort.
    expect(plan('history')).toEqual(['SEARCH history USING INDEX history_dialog (bot_id=? AND platform=? AND chat_id=?)']);
    expect(plan('historyAfter')).toEqual(['SEARCH history USING INDEX history_dialog (bot_id=? AND platform=? AND chat_id=? AND rev>?)']);
    for (const name of ['conversations', 'funnelGroups', 'messageRate'] as const) {
      expect(plan(name)).toContain('SEARCH history USING INDEX history_bot_at (bot_id=? AND at>?)');
    }
    // The conversations read the window once, never a bot's whole history through its unique key.
    expect(plan('conversations').filter((d) => d.startsWith('SEARCH history'))).toEqual(['SEARCH history USING INDEX history_bot_at (bot_id=? AND at>?)']);
    expect(plan('funnelGroups')).toContain('SEARCH d USING INDEX sqlite_autoindex_dialogs_1 (bot_id=? AND platform=? AND chat_id=?) LEFT-JOIN');
    // The active version is the first entry of the index read backwards: no sort.
    expect((db.prepare(`EXPLAIN QUERY PLAN ${ACTIVE_SCENARIO_SQL}`).all('b1') as { detail: string }[]).map((r) => r.detail)).toEqual([
      'SEARCH scenarios USING INDEX scenarios_bot_activated (bot_id=?)',
    ]);
  });

  it('adds activated_at to the scenarios of a file from before activation, keeping its versions', async () => {
    const before = openSqliteStore({ file });
    await before.putScenario(scenarioOf('b1', 'h-a', 1));
    await before.putScenario(scenarioOf('b1', 'h-b', 2));
    await before.close();
    const old = new Database(file);
    old.exec('DROP INDEX scenarios_bot_activated');
    old.exec('ALTER TABLE scenarios DROP COLUMN activated_at');
    old.close();

    const store = openSqliteStore({ file });
    opened.push(store);
    const db = raw();
    expect(indexNames(db)).toContain('scenarios_bot_activated');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT version, activated_at FROM scenarios ORDER BY version').all()).toEqual([
      { version: 1, activated_at: 1 },
      { version: 2, activated_at: 2 },
    ]);
    expect((await store.getScenario('b1'))?.hash).toBe('h-b');
    expect((await store.activateScenario('b1', 1, 3))?.hash).toBe('h-a');
    expect((await store.getScenario('b1'))?.hash).toBe('h-a');
  });

  it('adds the indexes to a file of the previous schema, keeping its data and schema version', async () => {
    const key = dialogKey('c1');
    const before = openSqliteStore({ file });
    await write(before, dialogState(key, 1, { updatedAt: 7 }), [historyEntry(key, 1, 'in', 'hi')]);
    await before.close();
    const old = new Database(file);
    for (const name of INDEX_NAMES) old.exec(`DROP INDEX ${name}`);
    expect(old.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    old.close();

    const store = openSqliteStore({ file });
    opened.push(store);
    const db = raw();
    expect(indexNames(db)).toEqual(expect.arrayContaining([...INDEX_NAMES]));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect((await store.listDialogs('b1')).map((d) => [d.key.chatId, d.updatedAt])).toEqual([['c1', 7]]);
    expect(await store.messageRate('b1', 0, 1000)).toEqual([{ at: 0, in: 1, out: 0 }]);
    // Opening again finds nothing to do, and takes no write lock for it.
    db.exec('BEGIN IMMEDIATE');
    const again = openSqliteStore({ file, busyTimeoutMs: 10 });
    opened.push(again);
    expect(await again.countDialogs()).toBe(1);
    db.exec('ROLLBACK');
  });

  it('finds due agenda entries by a range read of the partial index, among 100,000 dialogs', async () => {
    const store = openSqliteStore({ file });
    opened.push(store);
    // Most dialogs wait for a message (no agenda); every hundredth has a timer.
    await write(store, dialogState(dialogKey('seed'), 1));
    const db = raw();
    // Copies of the seed row, made in SQL: c0 .. c99999, every hundredth with a timer due at its number.
    db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
      INSERT INTO dialogs (bot_id, platform, chat_id, rev, scenario_version, status, step, vars, snapshot, outbox, last_seq, recent, blocked, created_at, updated_at, agenda, agenda_due)
      SELECT d.bot_id, d.platform, 'c' || n.i, d.rev, d.scenario_version, d.status, d.step, d.vars, d.snapshot, d.outbox, d.last_seq, d.recent, d.blocked, d.created_at, d.updated_at,
        CASE WHEN n.i % 100 = 0 THEN json_array(json_object('id', '1.0', 'kind', 'timer', 'name', 'timeout', 'step', 'ask', 'due', n.i, 'at', 0)) END,
        CASE WHEN n.i % 100 = 0 THEN n.i END
      FROM n, (SELECT * FROM dialogs WHERE chat_id = 'seed') AS d`);
    db.exec('ANALYZE');
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${DUE_AGENDA_SQL}`).all({ now: 500, ours: ' ', skip: '[]', limit: 10 }) as { detail: string }[]).map((r) => r.detail);
    expect(plan[0]).toBe('SEARCH dialogs USING INDEX dialogs_agenda_due (agenda_due<?)');
    expect(plan.filter((d) => /^SCAN dialogs|TEMP B-TREE/.test(d))).toEqual([]);
    expect((await store.dueAgenda(500, 10)).map((k) => k.chatId)).toEqual(['c0', 'c100', 'c200', 'c300', 'c400', 'c500']);
    expect(await store.dueAgenda(-1, 10)).toEqual([]);
  });
});
