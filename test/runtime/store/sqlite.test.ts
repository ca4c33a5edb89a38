import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore, StoreUnavailableError, openSqliteStore, type Store } from '../../../runtime/store/index.js';
import { busyPause } from '../../../runtime/store/sqlite-errors.js';
import { describeStoreContract } from './contract.js';
import { dialogKey, dialogState, historyEntry, scenarioOf, write } from './helpers.js';

const dirs = new Map<Store, string>();

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

const rejectionOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );

describeStoreContract(
  'sqlite (file)',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-store-'));
    const store = openSqliteStore({ file: join(dir, 'nested', 'scenarist.db') });
    dirs.set(store, dir);
    return store;
  },
  async (store) => {
    rmSync(dirs.get(store)!, { recursive: true, force: true });
    dirs.delete(store);
  },
);

describeStoreContract('sqlite (:memory:)', async () => openSqliteStore({ file: ':memory:' }));

describe('SqliteStore', () => {
  let dir: string;
  const opened: (SqliteStore | Database.Database)[] = [];
  const open = (file = join(dir, 'db.sqlite'), options: { busyTimeoutMs?: number; synchronous?: 'FULL' | 'NORMAL'; cacheKB?: number } = {}) => {
    const store = new SqliteStore({ file, ...options });
    opened.push(store);
    return store;
  };
  const raw = (file = join(dir, 'db.sqlite')) => {
    const db = new Database(file);
    opened.push(db);
    return db;
  };

  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'scenarist-sqlite-')));

  it('uses WAL, and declares the keys and indexes the store relies on', () => {
    fresh();
    open(undefined, { synchronous: 'FULL' });
    const db = raw();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const indexes = db.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'").all() as { name: string; tbl_name: string; sql: string | null }[];
    expect(indexes.find((i) => i.name === 'dialogs_pending')?.sql).toMatch(/WHERE last_seq > delivered/);
    // Only dialogs with an agenda are in its index.
    expect(indexes.find((i) => i.name === 'dialogs_agenda_due')?.sql).toMatch(/ON dialogs \(agenda_due\) WHERE agenda_due IS NOT NULL$/);
    const unique = (table: string) =>
      (db.pragma(`index_list(${table})`) as { name: string; unique: number }[])
        .filter((i) => i.unique === 1)
        .map((i) => (db.pragma(`index_info(${i.name})`) as { name: string }[]).map((c) => c.name).join(','));
    expect(unique('scenarios').sort()).toEqual(['bot_id,hash', 'bot_id,version']);
    expect(unique('dialogs')).toEqual(['bot_id,platform,chat_id']);
    // History is an append-only log: the compare-and-set transaction writes a revision's rows once, no key needed.
    expect(unique('history')).toEqual([]);
    const columns = (name: string) => (db.pragma(`index_info(${name})`) as { name: string }[]).map((c) => c.name).join(',');
    expect(columns('history_dialog')).toBe('bot_id,platform,chat_id,rev');
    expect(columns('dialogs_bot_recent')).toBe('bot_id,updated_at,status,step');
  });

  it('keeps a 2 MiB page cache by default, not the 16 MiB better-sqlite3 builds in, and takes another size', () => {
    fresh();
    const pragma = (store: SqliteStore) => (store as unknown as { db: Database.Database }).db.pragma('cache_size', { simple: true });
    expect(pragma(open())).toBe(-2048);
    expect(pragma(open(join(dir, 'other.sqlite'), { cacheKB: 512 }))).toBe(-512);
  });

  it('keeps data across reopening the file', async () => {
    fresh();
    const a = open();
    await write(a, dialogState(dialogKey('c1'), 1, { vars: { name: 'Ann' } }), [historyEntry(dialogKey('c1'), 1, 'in', 'hi')]);
    await a.close();
    const b = open();
    expect((await b.getDialog(dialogKey('c1')))?.vars).toEqual({ name: 'Ann' });
    expect(await b.history(dialogKey('c1'))).toHaveLength(1);
  });

  it('two connections on one file: exactly one compare-and-set wins each revision', async () => {
    fresh();
    const a = open();
    const b = open();
    const key = dialogKey('c1');
    for (let rev = 1; rev <= 20; rev++) {
      const results = await Promise.all([a, b].map((s, i) => write(s, dialogState(key, rev, { step: `by-${i}` }), [historyEntry(key, rev, 'in', `${i}:${rev}`)])));
      expect(results.filter(Boolean)).toHaveLength(1);
    }
    expect((await b.getDialog(key))?.rev).toBe(20);
    const history = await a.history(key);
    expect(history.map((h) => h.rev)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('two connections agree on scenario versions', async () => {
    fresh();
    const a = open();
    const b = open();
    expect((await a.putScenario(scenarioOf('b1', 'h1', 1))).version).toBe(1);
    expect((await b.putScenario(scenarioOf('b1', 'h1', 2))).version).toBe(1);
    expect((await b.putScenario(scenarioOf('b1', 'h2', 3))).version).toBe(2);
    expect((await a.putScenario(scenarioOf('b1', 'h3', 4))).version).toBe(3);
    expect((await a.getScenario('b1'))?.hash).toBe('h3');
  });

  it('a write waiting on another process lock fails with StoreUnavailableError, then succeeds', async () => {
    fresh();
    const store = open(undefined, { busyTimeoutMs: 20 });
    const other = raw();
    other.exec('BEGIN IMMEDIATE');
    const error = await rejectionOf(write(store, dialogState(dialogKey('c1'), 1)));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).cause).toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
    other.exec('ROLLBACK');
    expect(await write(store, dialogState(dialogKey('c1'), 1))).toBe(true);
  });

  it('retries writes held up by another connection on timers, and commits them once the lock is released', async () => {
    fresh();
    const store = open();
    const other = raw();
    other.exec('BEGIN IMMEDIATE');
    let settled = 0;
    const writes = [
      write(store, dialogState(dialogKey('c1'), 1)),
      store.putScenario(scenarioOf('b1', 'h1', 1)),
      store.upsertBot({ id: 'b1', accountId: 'acc', name: 'B1', createdAt: 1, updatedAt: 1 }),
    ].map((p) => p.finally(() => settled++));
    // The lock is released from a timer: that timer runs only if no lock wait blocks the event loop.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(0);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    other.exec('ROLLBACK');
    const [wrote, scenario] = await Promise.all(writes);
    expect(wrote).toBe(true);
    expect(scenario).toMatchObject({ version: 1 });
    expect(await store.getDialog(dialogKey('c1'))).toMatchObject({ rev: 1 });
    expect(await store.getBot('b1')).toMatchObject({ name: 'B1' });
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('commits the writes still queued at close, waiting out a busy lock', async () => {
    fresh();
    const store = open();
    const other = raw();
    other.exec('BEGIN IMMEDIATE');
    const wrote = write(store, dialogState(dialogKey('c1'), 1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    setTimeout(() => other.exec('ROLLBACK'), 50);
    await store.close();
    expect(await wrote).toBe(true);
    expect(raw().prepare('SELECT rev FROM dialogs').all()).toEqual([{ rev: 1 }]);
  });

  it('spaces busy retries out, doubling up to a ceiling', () => {
    expect([0, 1, 2, 3].map((a) => busyPause(a, () => 1))).toEqual([5, 10, 20, 40]);
    expect(busyPause(3, () => 0)).toBe(20);
    expect(busyPause(50, () => 1)).toBe(200);
  });

  it('reports an unusable location or file as StoreUnavailableError', () => {
    fresh();
    writeFileSync(join(dir, 'a-file'), 'x');
    const notDir = thrownBy(() => open(join(dir, 'a-file', 'db.sqlite')));
    expect(notDir).toBeInstanceOf(StoreUnavailableError);
    expect((notDir as Error).cause).toMatchObject({ syscall: 'mkdir' });
    writeFileSync(join(dir, 'garbage.db'), 'this is not a database, not at all, and long enough to be read'.repeat(20));
    const notDb = thrownBy(() => open(join(dir, 'garbage.db')));
    expect(notDb).toBeInstanceOf(StoreUnavailableError);
    expect((notDb as Error).cause).toMatchObject({ code: 'SQLITE_NOTADB' });
  });

  it('lets programming errors through as they are', async () => {
    fresh();
    const store = open();
    const bad = dialogState(dialogKey('c1'), 1, { status: 'bogus' as 'active' });
    const error = await rejectionOf(write(store, bad));
    expect(error).toBeInstanceOf(Database.SqliteError);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(await store.getDialog(dialogKey('c1'))).toBeUndefined();
  });
});
