/**
 * The store on one SQLite file (better-sqlite3, WAL). Several processes may open the same file: every write is a
 * single statement or an IMMEDIATE transaction, so compare-and-set holds across processes, not just connections.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { checkBucketMs, checkWrite, dialogListLimit, historyAfterRev, historyLimit, newLeaseToken } from './shared.js';
import { busyPause, isBusy, toStoreError } from './sqlite-errors.js';
import { prepareQueries, type Queries } from './sqlite-queries.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';
import { botOf, credentialOf, deliveryOf, dialogOf, migrate, scenarioOf } from './sqlite-schema.js';
import {
  StoreUnavailableError,
  type BotInstance,
  type BotPlatformCredential,
  type BotScenario,
  type AgendaLease,
  type DeliveryLease,
  type PendingQuery,
  type DialogKey,
  type DialogListQuery,
  type DialogState,
  type DialogSummary,
  type DialogWrite,
  type FunnelCounts,
  type HistoryEntry,
  type HistoryQuery,
  type LeasedWrite,
  type MarkOptions,
  type NewBotScenario,
  type RateBucket,
  type ScenarioSummary,
  type Store,
} from './types.js';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a private in-memory database. */
  readonly file: string;
  /** NORMAL (default) may lose the last commits on power loss, never on a process crash, and is much faster. */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /**
   * How long a statement keeps being retried while another connection holds the lock, before it fails with
   * StoreUnavailableError (default 5000). The retries wait on timers, so the event loop stays free meanwhile.
   */
  readonly busyTimeoutMs?: number;
  /**
   * SQLite's own busy_timeout, a wait that blocks the event loop: kept short (default 10 ms), enough to ride out
   * another process's commit without a retry. Opening the file (migrations) waits up to busyTimeoutMs.
   */
  readonly lockWaitMs?: number;
  /**
   * SQLite's page cache for this connection, in KiB (default 2048). better-sqlite3 builds SQLite with 16 MiB, which
   * a growing database fills and keeps resident; pages left out are re-read from the OS's file cache.
   */
  readonly cacheKB?: number;
}

export const SQLITE_DEFAULT_CACHE_KB = 2048;

/** How long ping retries a busy write lock: a lock held longer than this makes the store not ready. */
const PING_RETRY_MS = 250;

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

interface QueuedWrite {
  /** When it was queued: a write retried on a busy lock fails once it has waited busyTimeoutMs. */
  readonly since: number;
  readonly op: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Writes of the dialog hot path are group-committed: the writes queued during one turn of the event loop run in one
 * IMMEDIATE transaction (a failing write rolls back alone: one statement, or writeDialog's savepoint), and every
 * promise settles after the COMMIT. A commit costs a WAL append; sharing it among concurrent dialogs is most of the throughput.
 * better-sqlite3 blocks the event loop while SQLite waits for a lock, so that wait is kept to a few milliseconds: a
 * statement or batch that finds the lock taken runs again after a timer, until busyTimeoutMs has passed.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly q: Queries;
  private readonly busyTimeoutMs: number;
  private queue: QueuedWrite[] = [];
  private flushScheduled = false;
  /** Busy batches in a row: the backoff of the next retry. */
  private busyRetries = 0;
  private batch!: Database.Transaction<(ops: QueuedWrite[], results: { ok: boolean; value: unknown }[]) => void>;

  constructor(options: SqliteStoreOptions) {
    this.file = options.file;
    this.busyTimeoutMs = Math.max(0, options.busyTimeoutMs ?? 5000);
    const memory = options.file === ':memory:' || options.file === '';
    if (!memory) {
      try {
        mkdirSync(dirname(options.file), { recursive: true });
      } catch (err) {
        throw new StoreUnavailableError(`cannot create the directory of ${options.file}`, { cause: err });
      }
    }
    let db: Database.Database | undefined;
    try {
      // Opening may wait for another process's migration: nothing is served yet, so blocking is harmless here.
      db = new Database(options.file, { timeout: this.busyTimeoutMs });
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      db.pragma(`cache_size = -${Math.max(0, Math.floor(options.cacheKB ?? SQLITE_DEFAULT_CACHE_KB))}`);
      migrate(db);
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.lockWaitMs ?? 10))}`);
      this.sql = prepareStatements(db);
      this.q = prepareQueries(db);
      // Single statements are atomic on their own; writeDialog, the one multi-statement write, is a transaction
      // function and so runs in its own savepoint when nested here.
      this.batch = db.transaction((ops: QueuedWrite[], results: { ok: boolean; value: unknown }[]) => {
        for (const q of ops) {
          try {
            results.push({ ok: true, value: q.op() });
          } catch (err) {
            results.push({ ok: false, value: err });
          }
        }
      });
    } catch (err) {
      db?.close();
      throw toStoreError(err, `cannot open the SQLite database ${options.file}`);
    }
    this.db = db;
  }

  async upsertBot(bot: BotInstance): Promise<void> {
    await this.run(() => this.sql.upsertBot.run(bot.id, bot.accountId, bot.name, bot.createdAt, bot.updatedAt));
  }

  async getBot(id: string): Promise<BotInstance | undefined> {
    const row = await this.run(() => this.sql.getBot.get(id));
    return row && botOf(row);
  }

  async listBots(): Promise<BotInstance[]> {
    return (await this.run(() => this.sql.listBots.all())).map(botOf);
  }

  async putCredential(c: BotPlatformCredential): Promise<void> {
    await this.run(() => this.sql.putCredential.run(c.botId, c.platform, c.keyId, c.ciphertext, c.updatedAt));
  }

  async getCredential(botId: string, platform: string): Promise<BotPlatformCredential | undefined> {
    const row = await this.run(() => this.sql.getCredential.get(botId, platform));
    return row && credentialOf(row);
  }

  async listCredentials(botId: string): Promise<BotPlatformCredential[]> {
    return (await this.run(() => this.sql.listCredentials.all(botId))).map(credentialOf);
  }

  async deleteCredential(botId: string, platform: string): Promise<boolean> {
    return (await this.run(() => this.sql.deleteCredential.run(botId, platform))).changes > 0;
  }

  async putScenario(s: NewBotScenario): Promise<BotScenario> {
    return scenarioOf(await this.run(() => this.sql.putScenario.immediate(s)));
  }

  async getScenario(botId: string, hash?: string): Promise<BotScenario | undefined> {
    const row = await this.run(() => (hash === undefined ? this.sql.activeScenario.get(botId) : this.sql.scenarioByHash.get(botId, hash)));
    return row && scenarioOf(row);
  }

  async activateScenario(botId: string, version: number, at: number): Promise<BotScenario | undefined> {
    const row = await this.run(() => this.sql.activateScenario.get(at, botId, version));
    return row && scenarioOf(row);
  }

  async getDialog(key: DialogKey): Promise<DialogState | undefined> {
    const row = await this.run(() => this.sql.getDialog.get(key.botId, key.platform, key.chatId));
    return row && dialogOf(row);
  }

  async writeDialog(write: DialogWrite): Promise<boolean | LeasedWrite> {
    checkWrite(write);
    return this.enqueue(() => this.sql.writeDialog(write));
  }

  async markDelivered(key: DialogKey, seq: number, token?: string, options?: MarkOptions): Promise<boolean | 'released'> {
    if (token !== undefined) return this.enqueue(() => this.sql.markDeliveredUnder(key, seq, token, options?.release === true));
    await this.enqueue(() => this.sql.markDelivered.run(seq, key.botId, key.platform, key.chatId, seq));
    return true;
  }

  async setBlocked(key: DialogKey, blocked: boolean): Promise<void> {
    await this.enqueue(() => this.sql.setBlocked.run(blocked ? 1 : 0, key.botId, key.platform, key.chatId));
  }

  async claimDelivery(key: DialogKey, owner: string, now: number, leaseMs: number): Promise<DeliveryLease | undefined> {
    // The token names its owner, so "already ours" is a prefix test on the one column.
    const token = `${owner} ${newLeaseToken()}`;
    const row = await this.enqueue(() => this.sql.claim.get(token, now + leaseMs, key.botId, key.platform, key.chatId, now, `${owner} `, `${owner} `));
    return row && deliveryOf(row);
  }

  async renewDelivery(key: DialogKey, token: string, now: number, leaseMs: number): Promise<DeliveryLease | undefined> {
    const row = await this.enqueue(() => this.sql.renew.get(now + leaseMs, key.botId, key.platform, key.chatId, token));
    return row && deliveryOf(row);
  }

  async releaseDelivery(key: DialogKey, token: string, evenIfPending = false): Promise<boolean> {
    return this.enqueue(() => this.sql.releaseDelivery(key, token, evenIfPending));
  }

  async dueAgenda(now: number, limit: number, query: PendingQuery = {}): Promise<DialogKey[]> {
    const ours = query.owner === undefined ? ' ' : `${query.owner} `;
    const skip = JSON.stringify((query.skip ?? []).map((s) => `${s.botId}\u0000${s.platform}`));
    const rows = await this.run(() => this.sql.dueAgenda.all({ now, ours, skip, limit: Math.max(0, limit) }));
    return rows.map((r) => ({ botId: r.bot_id, platform: r.platform, chatId: r.chat_id }));
  }

  async claimAgenda(key: DialogKey, owner: string, now: number, leaseMs: number): Promise<AgendaLease | undefined> {
    // As claimDelivery's: the token names its owner, so "already ours" is a prefix test on the one column.
    const token = `${owner} ${newLeaseToken()}`;
    const { botId, platform, chatId } = key;
    const row = await this.enqueue(() => this.sql.claimAgenda.get({ botId, platform, chatId, token, until: now + leaseMs, now, ours: `${owner} ` }));
    return row && { state: dialogOf(row), token };
  }

  async renewAgenda(key: DialogKey, token: string, now: number, leaseMs: number): Promise<boolean> {
    const info = await this.enqueue(() => this.sql.renewAgenda.run(now + leaseMs, key.botId, key.platform, key.chatId, token));
    return info.changes > 0;
  }

  async releaseAgenda(key: DialogKey, token: string): Promise<boolean> {
    const info = await this.enqueue(() => this.sql.releaseAgenda.run(key.botId, key.platform, key.chatId, token));
    return info.changes > 0;
  }

  async pendingDeliveries(now: number, limit: number, query: PendingQuery = {}): Promise<DialogKey[]> {
    // With no owner, a prefix no token has (tokens never start with a space).
    const ours = query.owner === undefined ? ' ' : `${query.owner} `;
    const skip = JSON.stringify((query.skip ?? []).map((s) => `${s.botId}\u0000${s.platform}`));
    const rows = await this.run(() => this.sql.pending.all(now, ours, ours, skip, Math.max(0, limit)));
    return rows.map((r) => ({ botId: r.bot_id, platform: r.platform, chatId: r.chat_id }));
  }

  async history(key: DialogKey, query?: HistoryQuery): Promise<HistoryEntry[]> {
    const limit = historyLimit(query);
    const afterRev = historyAfterRev(query);
    return this.run(() => this.q.history(key, afterRev, limit));
  }

  async countDialogs(botId?: string): Promise<number> {
    const row = await this.run(() => (botId === undefined ? this.sql.countAll.get() : this.sql.countBot.get(botId)));
    return row?.n ?? 0;
  }

  async listDialogs(botId: string, query?: DialogListQuery): Promise<DialogSummary[]> {
    const limit = dialogListLimit(query);
    return this.run(() => this.q.listDialogs(botId, query?.platform, limit));
  }

  async activeByStep(botId: string, since?: number): Promise<Record<string, number>> {
    return this.run(() => this.q.activeByStep(botId, since));
  }

  async funnel(botId: string, since: number, startStep?: string): Promise<FunnelCounts> {
    return this.run(() => this.q.funnel(botId, since, startStep));
  }

  async messageRate(botId: string, since: number, bucketMs: number): Promise<RateBucket[]> {
    checkBucketMs(bucketMs);
    return this.run(() => this.q.messageRate(botId, since, bucketMs));
  }

  async listScenarios(botId: string): Promise<ScenarioSummary[]> {
    return this.run(() => this.q.listScenarios(botId));
  }

  /**
   * Ready means able to write: BEGIN IMMEDIATE takes the write lock without writing anything, so a lock held
   * elsewhere for longer than a short retry fails the ping, as a read would not.
   */
  async ping(): Promise<void> {
    await this.run(() => this.probeWrite(), Math.min(PING_RETRY_MS, this.busyTimeoutMs));
  }

  async close(): Promise<void> {
    // Queued writes are committed first, a busy lock retried as usual (a write that waited too long fails).
    while (this.queue.length > 0 && this.db.open) {
      this.flush();
      if (this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, busyPause(this.busyRetries)));
    }
    if (this.db.open) this.db.close();
  }

  private enqueue<T>(op: () => T): Promise<T> {
    if (!this.db.open) return Promise.reject(new StoreUnavailableError('the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ since: Date.now(), op, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const ops = this.queue;
    this.queue = [];
    if (ops.length === 0) return;
    const results: { ok: boolean; value: unknown }[] = [];
    try {
      if (!this.db.open) throw new StoreUnavailableError('the store is closed');
      this.batch.immediate(ops, results);
    } catch (err) {
      // The transaction did not commit: no write of the batch happened, so it can run again.
      if (isBusy(err) && this.db.open) return this.retryLater(ops, err);
      this.busyRetries = 0;
      const failure = toStoreError(err, 'the SQLite store failed');
      for (const q of ops) q.reject(failure);
      return;
    }
    this.busyRetries = 0;
    ops.forEach((q, i) => {
      const r = results[i]!;
      if (r.ok) q.resolve(r.value);
      else q.reject(toStoreError(r.value, 'the SQLite store failed'));
    });
  }

  /** A busy batch runs again after a pause, with the writes queued meanwhile; a write that waited too long fails. */
  private retryLater(ops: QueuedWrite[], err: unknown): void {
    const now = Date.now();
    const failure = toStoreError(err, 'the SQLite store failed');
    const waiting: QueuedWrite[] = [];
    for (const q of ops) {
      if (now - q.since < this.busyTimeoutMs) waiting.push(q);
      else q.reject(failure);
    }
    this.queue = waiting.concat(this.queue);
    if (this.queue.length === 0) {
      this.busyRetries = 0;
      return;
    }
    this.flushScheduled = true;
    setTimeout(() => this.flush(), busyPause(this.busyRetries++));
  }

  /** Runs a statement now; on a busy lock, again after a pause, until `budgetMs` has passed. */
  private async run<T>(fn: () => T, budgetMs = this.busyTimeoutMs): Promise<T> {
    const since = Date.now();
    for (let attempt = 0; ; attempt++) {
      if (!this.db.open) throw new StoreUnavailableError('the store is closed');
      try {
        return fn();
      } catch (err) {
        if (!isBusy(err) || Date.now() - since >= budgetMs) throw toStoreError(err, 'the SQLite store failed');
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(busyPause(attempt), Math.max(1, since + budgetMs - Date.now()))));
    }
  }

  private probeWrite(): void {
    this.db.exec('BEGIN IMMEDIATE');
    this.db.exec('ROLLBACK');
  }
}
