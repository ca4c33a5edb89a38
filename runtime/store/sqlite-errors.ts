/** Which SQLite failures mean "try again later" (StoreUnavailableError), as opposed to bugs. */
import Database from 'better-sqlite3';
import { StoreUnavailableError } from './types.js';

const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|NOTADB|CORRUPT|PROTOCOL|NOMEM|PERM|AUTH)/;

/** Lock, file and disk failures become StoreUnavailableError (callers retry later); other errors are bugs and pass. */
export function toStoreError(err: unknown, message: string): unknown {
  if (err instanceof StoreUnavailableError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Database.SqliteError && typeof code === 'string' && UNAVAILABLE_CODES.test(code)) {
    return new StoreUnavailableError(`${message}: ${err.message}`, { cause: err });
  }
  if (err instanceof TypeError && /database connection is not open/.test(err.message)) return new StoreUnavailableError('the store is closed', { cause: err });
  return err;
}

/** Another connection holds the lock: worth retrying after a pause. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Database.SqliteError && typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** The pause after `attempt` busy tries (from 0): 5 ms doubling up to 200 ms, the upper half jittered so processes part. */
export function busyPause(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(200, 5 * 2 ** Math.min(attempt, 16));
  return ceiling / 2 + (random() * ceiling) / 2;
}
