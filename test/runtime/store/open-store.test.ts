import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SQLITE_FILE, MemoryStore, SqliteStore, openStore, parseDatabaseUrl, type Store } from '../../../runtime/store/index.js';

describe('parseDatabaseUrl', () => {
  it.each([
    [undefined, { kind: 'sqlite', file: DEFAULT_SQLITE_FILE }],
    ['', { kind: 'sqlite', file: DEFAULT_SQLITE_FILE }],
    ['  ', { kind: 'sqlite', file: DEFAULT_SQLITE_FILE }],
    ['data/bots.db', { kind: 'sqlite', file: 'data/bots.db' }],
    ['/var/lib/scenarist/db.sqlite', { kind: 'sqlite', file: '/var/lib/scenarist/db.sqlite' }],
    [':memory:', { kind: 'sqlite', file: ':memory:' }],
    ['sqlite:data/bots.db', { kind: 'sqlite', file: 'data/bots.db' }],
    ['sqlite:///var/db.sqlite', { kind: 'sqlite', file: '/var/db.sqlite' }],
    ['sqlite::memory:', { kind: 'sqlite', file: ':memory:' }],
    ['file:./bots.db', { kind: 'sqlite', file: './bots.db' }],
    ['file:///var/my%20db.sqlite', { kind: 'sqlite', file: '/var/my db.sqlite' }],
    ['C:\\data\\bots.db', { kind: 'sqlite', file: 'C:\\data\\bots.db' }],
    ['mongodb://localhost:27017/scenarist', { kind: 'mongodb', uri: 'mongodb://localhost:27017/scenarist' }],
    ['mongodb+srv://user:pw@cluster.example.net/db?retryWrites=true', { kind: 'mongodb', uri: 'mongodb+srv://user:pw@cluster.example.net/db?retryWrites=true' }],
    ['memory:', { kind: 'memory' }],
  ])('%j', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it.each(['postgres://localhost/db', 'mysql:x', 'memory:extra', 'redis://x', 'sqlite:', 'file:'])('refuses %j, naming the accepted forms', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/accepted: .*sqlite:PATH.*mongodb:\/\/.*memory:/);
  });
});

describe('openStore', () => {
  let dir: string | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    store = dir = undefined;
  });

  it('opens SQLite at ./data/scenarist.db (relative to cwd) by default', async () => {
    dir = mkdtempSync(join(tmpdir(), 'scenarist-open-'));
    store = await openStore(undefined, { cwd: dir, sqliteSynchronous: 'FULL' });
    expect(store).toBeInstanceOf(SqliteStore);
    expect((store as SqliteStore).file).toBe(join(dir, 'data', 'scenarist.db'));
    expect(existsSync(join(dir, 'data', 'scenarist.db'))).toBe(true);
  });

  it('opens SQLite at a relative sqlite: path', async () => {
    dir = mkdtempSync(join(tmpdir(), 'scenarist-open-'));
    store = await openStore('sqlite:x/y.db', { cwd: dir });
    expect(store.kind).toBe('sqlite');
    expect(existsSync(join(dir, 'x', 'y.db'))).toBe(true);
  });

  it('opens an in-memory SQLite database and the memory store', async () => {
    store = await openStore(':memory:');
    expect(store.kind).toBe('sqlite');
    await store.close();
    store = await openStore('memory:');
    expect(store).toBeInstanceOf(MemoryStore);
  });

  it('rejects an unsupported URL', async () => {
    await expect(openStore('postgres://localhost/db')).rejects.toThrow(/unsupported DATABASE_URL "postgres:\/\/localhost\/db"/);
  });
});
