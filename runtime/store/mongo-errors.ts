/** Which MongoDB failures mean "try again later" (StoreUnavailableError), as opposed to bugs. */
import { StoreUnavailableError } from './types.js';

const UNAVAILABLE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClosedError',
  'MongoServerClosedError',
  'MongoWriteConcernError',
]);

// Server codes of failovers, shutdowns and timeouts (HostUnreachable … WriteConcernFailed, NotWritablePrimary …).
const UNAVAILABLE_CODES = new Set([6, 7, 50, 64, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

interface MongoLike {
  name?: unknown;
  code?: unknown;
  errorLabels?: unknown;
  errorLabelSet?: unknown;
  cause?: unknown;
}

export function isUnavailable(err: unknown, depth = 0): boolean {
  if (err === null || typeof err !== 'object' || depth > 3) return false;
  const e = err as MongoLike;
  if (typeof e.name === 'string' && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'number' && UNAVAILABLE_CODES.has(e.code)) return true;
  const labels = e.errorLabelSet instanceof Set ? [...e.errorLabelSet] : Array.isArray(e.errorLabels) ? e.errorLabels : [];
  if (labels.includes('RetryableWriteError') || labels.includes('TransientTransactionError')) return true;
  return isUnavailable(e.cause, depth + 1);
}

/** A duplicate key on insert: another writer created the same document first. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown; writeErrors?: { code?: unknown; err?: { code?: unknown } }[] } | null;
  if (e?.code === 11000) return true;
  return Array.isArray(e?.writeErrors) && e.writeErrors.some((w) => w.code === 11000 || w.err?.code === 11000);
}

/** `connected` false means any failure is about the connection, whatever its class. */
export function toStoreError(err: unknown, connected: boolean): unknown {
  if (err instanceof StoreUnavailableError) return err;
  if (!connected || isUnavailable(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new StoreUnavailableError(`MongoDB is unavailable: ${message}`, { cause: err });
  }
  return err;
}
