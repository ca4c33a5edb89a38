/** The persistence layer: the store port and its SQLite, MongoDB and in-memory implementations. */
export {
  RECENT_UPDATES_LIMIT,
  StoreUnavailableError,
  type AgendaEntry,
  type AgendaLease,
  type BotInstance,
  type BotPlatformCredential,
  type BotScenario,
  type DeliveryLease,
  type PendingQuery,
  type DeliveryState,
  type DialogKey,
  type DialogListQuery,
  type DialogState,
  type DialogSummary,
  type DialogWrite,
  type FunnelCounts,
  type HistoryEntry,
  type MediaNote,
  type HistoryQuery,
  type LeasedWrite,
  type MarkOptions,
  type WriteLease,
  type NewBotScenario,
  type OutboxButton,
  type OutboxMessage,
  type RateBucket,
  type ScenarioSummary,
  type Store,
} from './types.js';
export { DEFAULT_DIALOG_LIST_LIMIT, DEFAULT_HISTORY_LIMIT, MAX_DIALOG_LIST_LIMIT, MIN_RATE_BUCKET_MS } from './shared.js';
export { activateVersion } from './activation.js';
export { MemoryStore } from './memory-store.js';
export { SqliteStore, openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
// MongoStore and openMongoStore live in ./mongo.ts, so that importing the store does not load mongoose.
export type { MongoStoreOptions, MongoWriteConcern } from './mongo-store.js';
export { DEFAULT_SQLITE_FILE, openStore, parseDatabaseUrl, type OpenStoreOptions, type StoreLocation } from './open-store.js';
