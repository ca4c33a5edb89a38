/**
 * The store on MongoDB through Mongoose, on its own connection. Compare-and-set is one conditional update on
 * `rev`; history is written right after a successful one, as upserts keyed by (dialog, rev, ordinal), so a
 * retry never duplicates a row. Needs no transactions (and so no replica set), though production should have one.
 */
import mongoose, { type Connection } from 'mongoose';
import { isDuplicateKey, toStoreError } from './mongo-errors.js';
import { botOfDoc, credentialOfDoc, dialogFields, dialogOfDoc, historyDoc, keyFilter, scenarioOfDoc } from './mongo-docs.js';
import { createModels, type Models } from './mongo-models.js';
import { MongoQueries } from './mongo-queries.js';
import { activeOf, checkWrite, newLeaseToken, trimRecent } from './shared.js';
import {
  StoreUnavailableError,
  type BotInstance,
  type BotPlatformCredential,
  type BotScenario,
  type AgendaLease,
  type DeliveryLease,
  type DialogKey,
  type DialogState,
  type DialogWrite,
  type LeasedWrite,
  type MarkOptions,
  type WriteLease,
  type NewBotScenario,
  type PendingQuery,
  type Store,
} from './types.js';

export interface MongoWriteConcern {
  readonly w?: number | 'majority';
  readonly j?: boolean;
  readonly wtimeoutMS?: number;
}

export interface MongoStoreOptions {
  readonly uri: string;
  /** Overrides the database named in the URI. */
  readonly dbName?: string;
  /** How long an operation waits for a usable server before failing (default 5000). */
  readonly serverSelectionTimeoutMS?: number;
  /** Default `{ w: 'majority' }`: an acknowledged write survives a failover. */
  readonly writeConcern?: MongoWriteConcern;
}

const SCENARIO_ATTEMPTS = 10;

/** Connects, builds the indexes the store relies on (unique keys), and returns the store. */
export async function openMongoStore(options: MongoStoreOptions): Promise<MongoStore> {
  // bufferCommands off: while disconnected an operation fails at once instead of queueing behind a timeout.
  const connection = mongoose.createConnection(options.uri, {
    dbName: options.dbName,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
    bufferCommands: false,
    autoIndex: false,
    autoCreate: false,
  });
  const store = new MongoStore(connection, options.writeConcern ?? { w: 'majority' });
  try {
    await connection.asPromise();
    await store.createIndexes();
  } catch (err) {
    const connected = connection.readyState === mongoose.ConnectionStates.connected;
    // The first error is the one to report; closing a half-open connection may fail too.
    await connection.close(true).catch(() => undefined);
    throw toStoreError(err, connected);
  }
  return store;
}

export class MongoStore extends MongoQueries implements Store {
  readonly kind = 'mongodb' as const;
  protected readonly m: Models;
  private closed = false;

  constructor(
    private readonly connection: Connection,
    private readonly writeConcern: MongoWriteConcern,
  ) {
    super();
    this.m = createModels(connection);
  }

  async createIndexes(): Promise<void> {
    await Promise.all(Object.values(this.m).map((model: Models[keyof Models]) => model.createIndexes()));
  }

  async upsertBot(bot: BotInstance): Promise<void> {
    const { accountId, name, createdAt, updatedAt } = bot;
    await this.run(() => this.m.Bot.updateOne({ _id: bot.id }, { $set: { accountId, name, createdAt, updatedAt } }, this.upsert()));
  }

  async getBot(id: string): Promise<BotInstance | undefined> {
    const doc = await this.run(() => this.m.Bot.findById(id).lean());
    return doc ? botOfDoc(doc) : undefined;
  }

  async listBots(): Promise<BotInstance[]> {
    return (await this.run(() => this.m.Bot.find().sort({ createdAt: 1, _id: 1 }).lean())).map(botOfDoc);
  }

  async putCredential(c: BotPlatformCredential): Promise<void> {
    const { keyId, ciphertext, updatedAt } = c;
    await this.run(() => this.m.Credential.updateOne({ botId: c.botId, platform: c.platform }, { $set: { keyId, ciphertext, updatedAt } }, this.upsert()));
  }

  async getCredential(botId: string, platform: string): Promise<BotPlatformCredential | undefined> {
    const doc = await this.run(() => this.m.Credential.findOne({ botId, platform }).lean());
    return doc ? credentialOfDoc(doc) : undefined;
  }

  async listCredentials(botId: string): Promise<BotPlatformCredential[]> {
    return (await this.run(() => this.m.Credential.find({ botId }).sort({ platform: 1 }).lean())).map(credentialOfDoc);
  }

  async deleteCredential(botId: string, platform: string): Promise<boolean> {
    return (await this.run(() => this.m.Credential.deleteOne({ botId, platform }))).deletedCount > 0;
  }

  // Read, then insert the next version; the unique indexes turn a race into a duplicate key, and we read again.
  async putScenario(s: NewBotScenario): Promise<BotScenario> {
    return this.run(async () => {
      for (let attempt = 0; attempt < SCENARIO_ATTEMPTS; attempt++) {
        const existing = await this.m.Scenario.findOne({ botId: s.botId, hash: s.hash }).lean();
        if (existing) return scenarioOfDoc(existing);
        const latest = await this.m.Scenario.findOne({ botId: s.botId }).sort({ version: -1 }).select({ version: 1 }).lean();
        const doc = { botId: s.botId, version: (latest?.version ?? 0) + 1, hash: s.hash, format: s.format, source: s.source, machine: JSON.stringify(s.machine), createdAt: s.createdAt, activatedAt: s.createdAt };
        try {
          await this.m.Scenario.bulkWrite([{ insertOne: { document: doc } }], { writeConcern: this.writeConcern });
          return scenarioOfDoc(doc);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      throw new Error(`could not assign a version to a scenario of bot ${s.botId} after ${SCENARIO_ATTEMPTS} attempts`);
    });
  }

  async getScenario(botId: string, hash?: string): Promise<BotScenario | undefined> {
    if (hash === undefined) return this.activeScenario(botId);
    const doc = await this.run(() => this.m.Scenario.findOne({ botId, hash }).lean());
    return doc ? scenarioOfDoc(doc) : undefined;
  }

  // Documents from before activation have no activatedAt and count as activated at createdAt: the best of them
  // (an equality on null, then a sort over that bot's old versions only) competes with the best activated one.
  private async activeScenario(botId: string): Promise<BotScenario | undefined> {
    const [activated, legacy] = await this.run(() =>
      Promise.all([
        this.m.Scenario.findOne({ botId, activatedAt: { $ne: null } }).sort({ activatedAt: -1, version: -1 }).lean(),
        this.m.Scenario.findOne({ botId, activatedAt: null }).sort({ createdAt: -1, version: -1 }).lean(),
      ]),
    );
    return activeOf([activated, legacy].map((d) => (d ? scenarioOfDoc(d) : undefined)));
  }

  async activateScenario(botId: string, version: number, at: number): Promise<BotScenario | undefined> {
    const doc = await this.run(() =>
      this.m.Scenario.findOneAndUpdate({ botId, version }, { $set: { activatedAt: at } }, { returnDocument: 'after', writeConcern: this.writeConcern }).lean(),
    );
    return doc ? scenarioOfDoc(doc) : undefined;
  }

  async getDialog(key: DialogKey): Promise<DialogState | undefined> {
    const doc = await this.run(() => this.m.Dialog.findOne(keyFilter(key)).lean());
    return doc ? dialogOfDoc(doc) : undefined;
  }

  async writeDialog(write: DialogWrite): Promise<boolean | LeasedWrite> {
    checkWrite(write);
    const key = write.state.key;
    const fields = dialogFields(write.state, trimRecent(write.state.recentUpdates));
    const lease = write.lease;
    const token = lease && newLeaseToken();
    const written = await this.run(async (): Promise<boolean | LeasedWrite> => {
      if (write.expectedRev === 0) {
        const taken = lease !== undefined && write.state.lastSeq > 0;
        const leaseFields = taken ? { leaseOwner: lease.owner, leaseUntil: lease.now + lease.leaseMs, leaseToken: token } : { leaseOwner: null, leaseUntil: null, leaseToken: null };
        try {
          const document = { ...keyFilter(key), ...fields, delivered: 0, ...leaseFields };
          await this.m.Dialog.bulkWrite([{ insertOne: { document } }], { writeConcern: this.writeConcern });
          return lease === undefined ? true : taken ? { delivered: 0, token: token! } : { delivered: 0 };
        } catch (err) {
          if (isDuplicateKey(err)) return false;
          throw err;
        }
      }
      const filter = { ...keyFilter(key), rev: write.expectedRev };
      if (lease) {
        // One update pipeline: the lease fields are set from the document's own, by claim's rule.
        const doc = await this.m.Dialog.findOneAndUpdate(filter, leasedWritePipeline(fields, lease, token!), {
          returnDocument: 'after',
          projection: { _id: 0, delivered: 1, leaseToken: 1 },
          updatePipeline: true,
          writeConcern: this.writeConcern,
        }).lean();
        if (!doc) return false;
        const delivered = doc.delivered ?? 0;
        return doc.leaseToken === token ? { delivered, token: token! } : { delivered };
      }
      // updateOne, not findOneAndUpdate: the caller needs only "matched or not", not the document back.
      const result = await this.m.Dialog.updateOne(filter, { $set: fields }, { writeConcern: this.writeConcern });
      return result.matchedCount === 1;
    });
    if (!written || write.history.length === 0) return written;
    const ops = write.history.map((h, ordinal) => {
      const { botId, platform, chatId, rev, ordinal: position, ...rest } = historyDoc(h, ordinal);
      return { updateOne: { filter: { botId, platform, chatId, rev, ordinal: position }, update: { $setOnInsert: rest }, upsert: true } };
    });
    try {
      await this.run(() => this.m.History.bulkWrite(ops, { ordered: false, writeConcern: this.writeConcern }));
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      // The state is saved; say so, so nobody mistakes this for a conflict or a lost write.
      throw new StoreUnavailableError(`the dialog was saved at rev ${write.state.rev} but its history was not: ${err.message}`, { cause: err.cause });
    }
    return true;
  }

  async markDelivered(key: DialogKey, seq: number, token?: string, options?: MarkOptions): Promise<boolean | 'released'> {
    if (token !== undefined && options?.release) return this.markReleasing(key, seq, token);
    const fence = token === undefined ? {} : { leaseToken: token };
    return this.run(async () => {
      const r = await this.m.Dialog.updateOne({ ...keyFilter(key), ...fence, delivered: { $lt: seq } }, { $max: { delivered: seq } }, { writeConcern: this.writeConcern });
      if (token === undefined || r.matchedCount === 1) return true;
      const doc = await this.m.Dialog.findOne(keyFilter(key)).select({ leaseToken: 1 }).lean();
      return doc?.leaseToken === token;
    });
  }

  /** Marks and, when nothing newer is pending, frees the lease: one update pipeline under the token. */
  private async markReleasing(key: DialogKey, seq: number, token: string): Promise<boolean | 'released'> {
    const delivered = { $max: ['$delivered', seq] };
    const done = { $lte: ['$lastSeq', delivered] };
    const keep = (field: string) => ({ $cond: [done, null, `$${field}`] });
    const doc = await this.run(() =>
      this.m.Dialog.findOneAndUpdate(
        { ...keyFilter(key), leaseToken: token },
        [{ $set: { delivered, leaseOwner: keep('leaseOwner'), leaseUntil: keep('leaseUntil'), leaseToken: keep('leaseToken') } }],
        { returnDocument: 'after', projection: { _id: 0, leaseToken: 1 }, updatePipeline: true, writeConcern: this.writeConcern },
      ).lean(),
    );
    if (!doc) return false;
    return doc.leaseToken == null ? 'released' : true;
  }

  async setBlocked(key: DialogKey, blocked: boolean): Promise<void> {
    await this.run(() => this.m.Dialog.updateOne(keyFilter(key), { $set: { blocked } }, { writeConcern: this.writeConcern }));
  }

  async claimDelivery(key: DialogKey, owner: string, now: number, leaseMs: number): Promise<DeliveryLease | undefined> {
    const token = newLeaseToken();
    const doc = await this.run(() =>
      this.m.Dialog.findOneAndUpdate(
        { ...keyFilter(key), $or: [{ leaseOwner: null }, { leaseUntil: { $lt: now } }, { leaseOwner: owner }] },
        { $set: { leaseOwner: owner, leaseUntil: now + leaseMs, leaseToken: token } },
        { returnDocument: 'after', writeConcern: this.writeConcern },
      ).lean(),
    );
    return doc ? { ...dialogOfDoc(doc), token } : undefined;
  }

  async renewDelivery(key: DialogKey, token: string, now: number, leaseMs: number): Promise<DeliveryLease | undefined> {
    const doc = await this.run(() =>
      this.m.Dialog.findOneAndUpdate({ ...keyFilter(key), leaseToken: token }, { $set: { leaseUntil: now + leaseMs } }, { returnDocument: 'after', writeConcern: this.writeConcern }).lean(),
    );
    return doc ? { ...dialogOfDoc(doc), token } : undefined;
  }

  async releaseDelivery(key: DialogKey, token: string, evenIfPending = false): Promise<boolean> {
    return this.run(async () => {
      const done = evenIfPending ? {} : { $expr: { $lte: ['$lastSeq', '$delivered'] } };
      const freed = await this.m.Dialog.updateOne(
        { ...keyFilter(key), leaseToken: token, ...done },
        { $set: { leaseOwner: null, leaseUntil: null, leaseToken: null } },
        { writeConcern: this.writeConcern },
      );
      if (freed.matchedCount === 1 && !evenIfPending) return true;
      const doc = await this.m.Dialog.findOne(keyFilter(key)).select({ lastSeq: 1, delivered: 1 }).lean();
      return doc === null || doc.lastSeq <= doc.delivered;
    });
  }

  // A range of the partial agendaDue index, in due order; the lease and skip conditions filter what it reads.
  async dueAgenda(now: number, limit: number, query: PendingQuery = {}): Promise<DialogKey[]> {
    if (limit <= 0) return [];
    const docs = await this.run(() =>
      this.m.Dialog.find(dueAgendaFilter(now, query))
        .sort({ agendaDue: 1 })
        .limit(limit)
        .select({ botId: 1, platform: 1, chatId: 1 })
        .lean(),
    );
    return docs.map((d) => ({ botId: d.botId, platform: d.platform, chatId: d.chatId }));
  }

  // One findOneAndUpdate under the lease condition, as claimDelivery on the agenda's own fields.
  async claimAgenda(key: DialogKey, owner: string, now: number, leaseMs: number): Promise<AgendaLease | undefined> {
    const token = newLeaseToken();
    const doc = await this.run(() =>
      this.m.Dialog.findOneAndUpdate(
        { ...keyFilter(key), $or: [{ agendaOwner: null }, { agendaUntil: { $lt: now } }, { agendaOwner: owner }] },
        { $set: { agendaOwner: owner, agendaUntil: now + leaseMs, agendaToken: token } },
        { returnDocument: 'after', writeConcern: this.writeConcern },
      ).lean(),
    );
    return doc ? { state: dialogOfDoc(doc), token } : undefined;
  }

  async renewAgenda(key: DialogKey, token: string, now: number, leaseMs: number): Promise<boolean> {
    const r = await this.run(() => this.m.Dialog.updateOne({ ...keyFilter(key), agendaToken: token }, { $set: { agendaUntil: now + leaseMs } }, { writeConcern: this.writeConcern }));
    return r.matchedCount === 1;
  }

  async releaseAgenda(key: DialogKey, token: string): Promise<boolean> {
    const r = await this.run(() =>
      this.m.Dialog.updateOne({ ...keyFilter(key), agendaToken: token }, { $set: { agendaOwner: null, agendaUntil: null, agendaToken: null } }, { writeConcern: this.writeConcern }),
    );
    return r.matchedCount === 1;
  }

  // $expr compares two fields of a document, which no index serves: this scans the dialogs. Fine for a poller
  // at moderate sizes; a `pending` flag maintained by pipeline updates would make it indexable.
  async pendingDeliveries(now: number, limit: number, query: PendingQuery = {}): Promise<DialogKey[]> {
    if (limit <= 0) return [];
    const { owner, skip = [] } = query;
    const free = [{ leaseOwner: null }, { leaseUntil: { $lt: now } }, ...(owner === undefined ? [] : [{ leaseOwner: owner }])];
    const docs = await this.run(() =>
      this.m.Dialog.find({ $expr: { $gt: ['$lastSeq', '$delivered'] }, $and: [{ $or: free }, ...notSkipped(skip)] })
        .sort({ updatedAt: 1 })
        .limit(limit)
        .select({ botId: 1, platform: 1, chatId: 1 })
        .lean(),
    );
    return docs.map((d) => ({ botId: d.botId, platform: d.platform, chatId: d.chatId }));
  }

  async countDialogs(botId?: string): Promise<number> {
    return this.run(() => this.m.Dialog.countDocuments(botId === undefined ? {} : { botId }));
  }

  async ping(): Promise<void> {
    await this.run(async () => {
      const db = this.connection.db;
      if (!db) throw new StoreUnavailableError('MongoDB is not connected');
      await db.command({ ping: 1 });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.close();
  }

  private upsert() {
    return { upsert: true, writeConcern: this.writeConcern };
  }

  protected async run<T>(fn: () => PromiseLike<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('the store is closed');
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err, this.connection.readyState === mongoose.ConnectionStates.connected);
    }
  }
}

/**
 * MongoDB's alias for every numeric BSON type (the driver writes small integers as int32, larger ones as double), as
 * the agendaDue index's filter names it; Mongoose's types list the types one by one, hence the cast.
 */
const NUMERIC = { $type: 'number' } as unknown as { $type: 'double' };

/** The filter of dueAgenda: due (a range of the partial agendaDue index: the same $type), the agenda lease free. */
export function dueAgendaFilter(now: number, query: PendingQuery) {
  const { owner, skip = [] } = query;
  const free = [{ agendaOwner: null }, { agendaUntil: { $lt: now } }, ...(owner === undefined ? [] : [{ agendaOwner: owner }])];
  return { agendaDue: { ...NUMERIC, $lte: now }, $and: [{ $or: free }, ...notSkipped(skip)] };
}

/** Conditions that leave out the dialogs of these bots and platforms. */
function notSkipped(skip: NonNullable<PendingQuery['skip']>) {
  return skip.map((s) => ({ $or: [{ botId: { $ne: s.botId } }, { platform: { $ne: s.platform } }] }));
}

/**
 * The compare-and-set of a write that takes the delivery lease: the state's fields as literals (a value starting
 * with `$` must not be read as a field path), and the lease by claim's rule, only while replies are pending.
 * Every expression of one $set sees the document as it was.
 */
function leasedWritePipeline(fields: Record<string, unknown>, lease: WriteLease, token: string) {
  const literal = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, { $literal: value }]));
  const take = {
    $and: [
      { $gt: [fields['lastSeq'], { $ifNull: ['$delivered', 0] }] },
      { $or: [{ $eq: [{ $ifNull: ['$leaseOwner', null] }, null] }, { $lt: ['$leaseUntil', lease.now] }, { $eq: ['$leaseOwner', { $literal: lease.owner }] }] },
    ],
  };
  const set = (value: unknown, field: string) => ({ $cond: [take, { $literal: value }, `$${field}`] });
  return [{ $set: { ...literal, leaseOwner: set(lease.owner, 'leaseOwner'), leaseUntil: set(lease.now + lease.leaseMs, 'leaseUntil'), leaseToken: set(token, 'leaseToken') } }];
}
