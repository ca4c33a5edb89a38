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
