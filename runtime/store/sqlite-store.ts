/**
 * The store on one SQLite file (better-sqlite3, WAL). Several processes may open the same file: every write is a
 * single statement or an IMMEDIATE transaction, so compare-and-set holds across processes, not just connections.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { checkBucketMs, checkWrite, dialogListLimit, historyAfterRev, historyLimit } from './shared.js';
import { toStoreError } from './sqlite-errors.js';
import { prepareQueries, type Queries } from './sqlite-queries.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';
import { botOf, credentialOf, deliveryOf, dialogOf, historyOf, migrate, scenarioOf } from './sqlite-schema.js';
import {
  StoreUnavailableError,
  type BotInstance,
  type BotPlatformCredential,
  type BotScenario,
  type DeliveryState,
  type DialogKey,
  type DialogListQuery,
  type DialogState,
  type DialogSummary,
  type DialogWrite,
  type FunnelCounts,
  type HistoryEntry,
  type HistoryQuery,
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
  /** How long a write waits for another connection's lock before failing (default 5000). */
  readonly busyTimeoutMs?: number;
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

interface QueuedWrite {
  readonly op: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Writes of the dialog hot path are group-committed: the writes queued during one turn of the event loop run in one
 * IMMEDIATE transaction (a failing write rolls back alone: one statement, or writeDialog's savepoint), and every
 * promise settles after the COMMIT. A commit costs a WAL append; sharing it among concurrent dialogs is most of the throughput.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly q: Queries;
  private queue: QueuedWrite[] = [];
  private flushScheduled = false;
  private batch!: Database.Transaction<(ops: QueuedWrite[], results: { ok: boolean; value: unknown }[]) => void>;

  constructor(options: SqliteStoreOptions) {
    this.file = options.file;
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
      db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      migrate(db);
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
    this.run(() => this.sql.upsertBot.run(bot.id, bot.accountId, bot.name, bot.createdAt, bot.updatedAt));
  }

  async getBot(id: string): Promise<BotInstance | undefined> {
    const row = this.run(() => this.sql.getBot.get(id));
    return row && botOf(row);
  }

  async listBots(): Promise<BotInstance[]> {
    return this.run(() => this.sql.listBots.all()).map(botOf);
  }

  async putCredential(c: BotPlatformCredential): Promise<void> {
    this.run(() => this.sql.putCredential.run(c.botId, c.platform, c.keyId, c.ciphertext, c.updatedAt));
  }

  async getCredential(botId: string, platform: string): Promise<BotPlatformCredential | undefined> {
    const row = this.run(() => this.sql.getCredential.get(botId, platform));
    return row && credentialOf(row);
  }

  async putScenario(s: NewBotScenario): Promise<BotScenario> {
    return scenarioOf(this.run(() => this.sql.putScenario.immediate(s)));
  }

  async getScenario(botId: string, hash?: string): Promise<BotScenario | undefined> {
    const row = this.run(() => (hash === undefined ? this.sql.activeScenario.get(botId) : this.sql.scenarioByHash.get(botId, hash)));
    return row && scenarioOf(row);
  }

  async activateScenario(botId: string, version: number, at: number): Promise<BotScenario | undefined> {
    const row = this.run(() => this.sql.activateScenario.get(at, botId, version));
    return row && scenarioOf(row);
  }

  async getDialog(key: DialogKey): Promise<DialogState | undefined> {
    const row = this.run(() => this.sql.getDialog.get(key.botId, key.platform, key.chatId));
    return row && dialogOf(row);
  }

  async writeDialog(write: DialogWrite): Promise<boolean> {
    checkWrite(write);
    return this.enqueue(() => this.sql.writeDialog(write));
  }

  async markDelivered(key: DialogKey, seq: number): Promise<void> {
    await this.enqueue(() => this.sql.markDelivered.run(seq, key.botId, key.platform, key.chatId, seq));
  }

  async setBlocked(key: DialogKey, blocked: boolean): Promise<void> {
    await this.enqueue(() => this.sql.setBlocked.run(blocked ? 1 : 0, key.botId, key.platform, key.chatId));
  }

  async claimDelivery(key: DialogKey, owner: string, now: number, leaseMs: number): Promise<DeliveryState | undefined> {
    const row = await this.enqueue(() => this.sql.claim.get(owner, now + leaseMs, key.botId, key.platform, key.chatId, now, owner));
    return row && deliveryOf(row);
  }

  async releaseDelivery(key: DialogKey, owner: string): Promise<boolean> {
    return this.enqueue(() => this.sql.releaseDelivery(key, owner));
  }

  async pendingDeliveries(now: number, limit: number): Promise<DialogKey[]> {
    const rows = this.run(() => this.sql.pending.all(now, Math.max(0, limit)));
    return rows.map((r) => ({ botId: r.bot_id, platform: r.platform, chatId: r.chat_id }));
  }

  async history(key: DialogKey, query?: HistoryQuery): Promise<HistoryEntry[]> {
    const limit = historyLimit(query);
    const afterRev = historyAfterRev(query);
    const { botId, platform, chatId } = key;
    const rows = this.run(() =>
      afterRev === undefined ? this.sql.history.all(botId, platform, chatId, limit) : this.sql.historyAfter.all(botId, platform, chatId, afterRev, limit),
    );
    return rows.map(historyOf);
  }

  async countDialogs(botId?: string): Promise<number> {
    const row = this.run(() => (botId === undefined ? this.sql.countAll.get() : this.sql.countBot.get(botId)));
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

  async ping(): Promise<void> {
    this.run(() => this.sql.ping.get());
  }

  async close(): Promise<void> {
    if (this.queue.length > 0) this.flush();
    if (this.db.open) this.db.close();
  }

  private enqueue<T>(op: () => T): Promise<T> {
    if (!this.db.open) return Promise.reject(new StoreUnavailableError('the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
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
      // The transaction did not commit: no write of the batch happened.
      const failure = toStoreError(err, 'the SQLite store failed');
      for (const q of ops) q.reject(failure);
      return;
    }
    ops.forEach((q, i) => {
      const r = results[i]!;
      if (r.ok) q.resolve(r.value);
      else q.reject(toStoreError(r.value, 'the SQLite store failed'));
    });
  }

  private run<T>(fn: () => T): T {
    if (!this.db.open) throw new StoreUnavailableError('the store is closed');
    try {
      return fn();
    } catch (err) {
      throw toStoreError(err, 'the SQLite store failed');
    }
  }
}
