/** Picks and opens a store from a DATABASE_URL-style string. */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryStore } from './memory-store.js';
import type { MongoWriteConcern } from './mongo-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './types.js';

export const DEFAULT_SQLITE_FILE = './data/scenarist.db';

export interface OpenStoreOptions {
  /** Relative SQLite paths are resolved against it (default: the process's working directory). */
  readonly cwd?: string;
  readonly sqliteSynchronous?: 'FULL' | 'NORMAL';
  readonly sqliteBusyTimeoutMs?: number;
  /** SQLite's page cache in KiB (SqliteStoreOptions.cacheKB). */
  readonly sqliteCacheKB?: number;
  readonly mongoServerSelectionTimeoutMS?: number;
  readonly mongoWriteConcern?: MongoWriteConcern;
}

export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'mongodb'; readonly uri: string }
  | { readonly kind: 'memory' };

const ACCEPTED = `a SQLite file path, sqlite:PATH, file:PATH, ':memory:', mongodb://…, mongodb+srv://… or memory:`;

/** Where a database URL points; throws a clear Error for anything else. Paths are returned as written. */
export function parseDatabaseUrl(databaseUrl: string | undefined): StoreLocation {
  const url = databaseUrl?.trim() ?? '';
  if (url === '') return { kind: 'sqlite', file: DEFAULT_SQLITE_FILE };
  if (/^mongodb(\+srv)?:\/\//i.test(url)) return { kind: 'mongodb', uri: url };
  if (/^memory:$/i.test(url)) return { kind: 'memory' };
  if (/^file:\/\//i.test(url)) return { kind: 'sqlite', file: fileURLToPath(url) };
  const prefixed = /^(sqlite|file):(.*)$/is.exec(url);
  if (prefixed) {
    // sqlite:///abs/path and sqlite://rel/path: the URL form; sqlite:rel/path: the short form.
    const rest = prefixed[2]!.startsWith('//') ? prefixed[2]!.slice(2) : prefixed[2]!;
    if (rest === '') throw new Error(`DATABASE_URL ${JSON.stringify(databaseUrl)} names no file; accepted: ${ACCEPTED}`);
    return { kind: 'sqlite', file: rest };
  }
  // Any other scheme is a mistake (postgres://, mysql:, memory:x …), except a Windows drive letter.
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[a-z]:[\\/]/i.test(url)) {
    throw new Error(`unsupported DATABASE_URL ${JSON.stringify(databaseUrl)}; accepted: ${ACCEPTED}`);
  }
  return { kind: 'sqlite', file: url };
}

/** Opens the store a database URL names: undefined or '' → SQLite at ./data/scenarist.db. */
export async function openStore(databaseUrl: string | undefined, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseDatabaseUrl(databaseUrl);
  switch (location.kind) {
    case 'memory':
      return new MemoryStore();
    case 'mongodb': {
      // Loaded on demand: mongoose costs about half a second of startup that SQLite users need not pay.
      const { openMongoStore } = await import('./mongo-store.js');
      return openMongoStore({
        uri: location.uri,
        serverSelectionTimeoutMS: options.mongoServerSelectionTimeoutMS,
        writeConcern: options.mongoWriteConcern,
      });
    }
    case 'sqlite': {
      const file = location.file === ':memory:' || isAbsolute(location.file) ? location.file : resolve(options.cwd ?? process.cwd(), location.file);
      return openSqliteStore({ file, synchronous: options.sqliteSynchronous, busyTimeoutMs: options.sqliteBusyTimeoutMs, cacheKB: options.sqliteCacheKB });
    }
  }
}
