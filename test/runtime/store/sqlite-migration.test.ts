import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, StoreUnavailableError, type DialogKey, type DialogWrite, type HistoryEntry, type Store } from '../../../runtime/store/index.js';
import { INDEX_NAMES, SCHEMA_VERSION } from '../../../runtime/store/sqlite-schema.js';
import { dialogKey, dialogState } from './helpers.js';
import { VERSION_1, writeVersion1 } from './schema-version1.js';
import { VERSION_2, writeVersion2 } from './schema-version2.js';
import { timer } from './contract-agenda.js';

const at = (key: DialogKey, rev: number, direction: 'in' | 'out', step: string | null, time: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  key,
  rev,
  direction,
  step,
  at: time,
  ...extra,
});

/** Three dialogs of two bots: presses, buttons, update ids, entries without text or step, and a revision whose entries have different times. */
function writes(): DialogWrite[] {
  const [a, b, c] = [dialogKey('a'), { botId: 'b1', platform: 'web', chatId: 'b' }, dialogKey('c', 'b2')];
  const out: DialogWrite[] = [];
  const add = (key: DialogKey, rev: number, history: HistoryEntry[], state: Parameters<typeof dialogState>[2] = {}) =>
    out.push({ expectedRev: rev - 1, state: dialogState(key, rev, { updatedAt: 1000 * rev, ...state }), history });
  add(a, 1, [at(a, 1, 'in', null, 1000, { text: '/start', updateId: 'u1' }), at(a, 1, 'out', 'welcome', 1000, { text: 'Hi', buttons: [{ text: 'Go', value: 'go' }] })]);
  add(b, 1, [at(b, 1, 'in', null, 1500, { text: 'hello' }), at(b, 1, 'out', 'welcome', 1500, { text: 'Hi' })], { step: 'welcome' });
  add(a, 2, [at(a, 2, 'in', 'welcome', 2000, { press: 'go', updateId: 'u2' }), at(a, 2, 'out', 'ask', 2000, { text: 'Name?' }), at(a, 2, 'out', 'ask', 2000, { text: 'Please' })]);
  // Times that interleave within one revision: the order of writing must survive.
  add(c, 1, [at(c, 1, 'in', null, 70_000, { text: 'x' }), at(c, 1, 'out', 'ask', 130_000, { text: 'later' }), at(c, 1, 'out', 'ask', 70_000, { text: 'same' })]);
  add(a, 3, [at(a, 3, 'in', 'ask', 61_000, { text: 'Ann', updateId: 'u3' }), at(a, 3, 'out', null, 61_000, {})], { step: null, status: 'ended' });
  add(b, 2, [], { step: 'ask' });
  return out;
}

/** Everything the port reads back of the written dialogs and bots. */
async function readBack(store: Store): Promise<unknown> {
  const keys = [dialogKey('a'), { botId: 'b1', platform: 'web', chatId: 'b' }, dialogKey('c', 'b2')];
  const dialogs = [];
  for (const key of keys) {
    dialogs.push({
      record: await store.getDialog(key),
      history: await store.history(key),
      newest2: await store.history(key, { limit: 2 }),
      after1: await store.history(key, { afterRev: 1, limit: 2 }),
    });
  }
  const bots = [];
  for (const bot of ['b1', 'b2']) {
    bots.push({
      list: await store.listDialogs(bot),
      active: await store.activeByStep(bot),
      funnel: [await store.funnel(bot, 0, 'welcome'), await store.funnel(bot, 2000)],
      rate: [await store.messageRate(bot, 0, 60_000), await store.messageRate(bot, 1500, 1000)],
    });
  }
  return { dialogs, bots };
}

describe('SqliteStore schema migration', () => {
  let dir: string;
  const opened: { close(): unknown }[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scenarist-sqlite-migration-'));
  });
  afterEach(async () => {
    for (const c of opened.splice(0)) await c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a file of a newer schema version with StoreUnavailableError, leaving it untouched', () => {
    const file = join(dir, 'newer.db');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openSqliteStore({ file })).toThrow(StoreUnavailableError);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    again.close();
  });

  it('opens a file of schema version 1, converts it, and reads back what a new file with the same writes reads', async () => {
    const oldFile = join(dir, 'old.db');
    const old = new Database(oldFile);
    old.exec(VERSION_1);
    for (const w of writes()) writeVersion1(old, w);
    old.close();

    const migrated = openSqliteStore({ file: oldFile });
    opened.push(migrated);
    const fresh = openSqliteStore({ file: join(dir, 'new.db') });
    opened.push(fresh);
    for (const w of writes()) expect(await fresh.writeDialog(w)).toBe(true);

    const expected = await readBack(fresh);
    expect(await readBack(migrated)).toStrictEqual(expected);
    // Spot checks, so that two equally wrong stores cannot agree.
    expect((await migrated.history(dialogKey('a'))).map((h) => `${h.rev}:${h.direction}:${h.text ?? h.press ?? ''}`)).toEqual([
      '1:in:/start', '1:out:Hi', '2:in:go', '2:out:Name?', '2:out:Please', '3:in:Ann', '3:out:',
    ]);
    expect((await migrated.history(dialogKey('c', 'b2'))).map((h) => h.text)).toEqual(['x', 'later', 'same']);
    expect(await migrated.messageRate('b2', 0, 60_000)).toEqual([{ at: 60_000, in: 1, out: 1 }, { at: 120_000, in: 0, out: 1 }]);

    const db = new Database(oldFile);
    opened.push(db);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes.sort()).toEqual([...INDEX_NAMES, 'dialogs_pending', 'dialogs_agenda_due'].sort());
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()).toEqual(
      ['bots', 'credentials', 'dialogs', 'history', 'scenarios'].map((name) => ({ name })),
    );
    // A transition is one row; the revision with interleaved times is three.
    expect(db.prepare('SELECT chat_id, rev, in_count, out_count FROM history ORDER BY id').all()).toEqual([
      { chat_id: 'a', rev: 1, in_count: 1, out_count: 1 },
      { chat_id: 'b', rev: 1, in_count: 1, out_count: 1 },
      { chat_id: 'a', rev: 2, in_count: 1, out_count: 2 },
      { chat_id: 'c', rev: 1, in_count: 1, out_count: 0 },
      { chat_id: 'c', rev: 1, in_count: 0, out_count: 1 },
      { chat_id: 'c', rev: 1, in_count: 0, out_count: 1 },
      { chat_id: 'a', rev: 3, in_count: 1, out_count: 1 },
    ]);
  });

  it('opens a file of schema version 2, adds the agenda (none for every dialog), and reads back what a new file reads', async () => {
    // Version 2 wrote one history row per write here: the writes whose entries share one time.
    const v2 = writes().filter((w) => new Set(w.history.map((h) => h.at)).size <= 1);
    const oldFile = join(dir, 'old.db');
    const old = new Database(oldFile);
    old.exec(VERSION_2);
    for (const w of v2) writeVersion2(old, w);
    old.close();

    const migrated = openSqliteStore({ file: oldFile });
    opened.push(migrated);
    const fresh = openSqliteStore({ file: join(dir, 'new.db') });
    opened.push(fresh);
    for (const w of v2) expect(await fresh.writeDialog(w)).toBe(true);
    expect(await readBack(migrated)).toStrictEqual(await readBack(fresh));
    expect((await migrated.getDialog(dialogKey('a')))?.agenda).toBeUndefined();
    expect(await migrated.dueAgenda(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);

    const db = new Database(oldFile);
    opened.push(db);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes.sort()).toEqual([...INDEX_NAMES, 'dialogs_pending', 'dialogs_agenda_due'].sort());
    expect(db.prepare('SELECT COUNT(*) AS n FROM dialogs WHERE agenda IS NULL AND agenda_due IS NULL AND agenda_owner IS NULL AND agenda_until IS NULL').get()).toEqual({ n: 2 });

    // The converted file keeps and leases an agenda like a new one.
    const key = dialogKey('a');
    const agenda = [timer('4.0', 5000)];
    expect(await migrated.writeDialog({ expectedRev: 3, state: dialogState(key, 4, { agenda }), history: [] })).toBe(true);
    expect(await migrated.dueAgenda(5000, 10)).toEqual([key]);
    expect((await migrated.claimAgenda(key, 'A', 5000, 500))?.state.agenda).toStrictEqual(agenda);
    expect(await migrated.dueAgenda(5000, 10)).toEqual([]);
  });

  it('raises an empty version 2 file to version 3 on open, so that version 2 builds refuse it from then on', async () => {
    const file = join(dir, 'v2.db');
    const old = new Database(file);
    old.exec(VERSION_2);
    old.close();
    await openSqliteStore({ file }).close();
    const db = new Database(file);
    opened.push(db);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
  });
});
