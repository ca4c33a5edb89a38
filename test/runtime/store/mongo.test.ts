import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import mongoose, { Schema, type PipelineStage } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { Dialog } from '../../../runtime/engine/index.js';
import { isDuplicateKey, isUnavailable, toStoreError } from '../../../runtime/store/mongo-errors.js';
import { dialogFields, dialogOfDoc, historyDoc, historyOfDoc, scenarioOfDoc } from '../../../runtime/store/mongo-docs.js';
import { createModels, dialogSchema, historySchema, scenarioSchema, credentialSchema } from '../../../runtime/store/mongo-models.js';
import { StoreUnavailableError, type Store } from '../../../runtime/store/index.js';
import { MongoStore, openMongoStore } from '../../../runtime/store/mongo.js';
import { dueAgendaFilter } from '../../../runtime/store/mongo-store.js';
import { timer } from './contract-agenda.js';
import { activeByStepPipeline, funnelPipeline, messageRatePipeline } from '../../../runtime/store/mongo-queries.js';
import { describeStoreContract } from './contract.js';
import { dialogKey, dialogState, historyEntry, specConfig, specSnapshot, write } from './helpers.js';

const uri = process.env['MONGODB_URI'];
const dbNames = new Map<Store, string>();

describe.skipIf(!uri)('MongoStore on a real server (MONGODB_URI)', () => {
  describeStoreContract(
    'mongodb',
    async () => {
      const dbName = `scenarist_test_${randomUUID().replaceAll('-', '')}`;
      const store = await openMongoStore({ uri: uri!, dbName, writeConcern: { w: 1 } });
      dbNames.set(store, dbName);
      return store;
    },
    async (store) => {
      const conn = await mongoose.createConnection(uri!, { dbName: dbNames.get(store)! }).asPromise();
      await conn.dropDatabase();
      await conn.close();
      dbNames.delete(store);
    },
  );

  it('two connections: exactly one compare-and-set wins each revision', async () => {
    const dbName = `scenarist_test_${randomUUID().replaceAll('-', '')}`;
    const [a, b] = await Promise.all([openMongoStore({ uri: uri!, dbName }), openMongoStore({ uri: uri!, dbName })]);
    const key = dialogKey('c1');
    for (let rev = 1; rev <= 10; rev++) {
      const results = await Promise.all([a, b].map((s, i) => write(s, dialogState(key, rev), [historyEntry(key, rev, 'in', `${i}:${rev}`)])));
      expect(results.filter(Boolean)).toHaveLength(1);
    }
    expect((await a.history(key)).map((h) => h.rev)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await b.close();
    const conn = await mongoose.createConnection(uri!, { dbName }).asPromise();
    await conn.dropDatabase();
    await Promise.all([a.close(), conn.close()]);
  });
});

describe('Mongo models (offline)', () => {
  // Never connects: documents can be built and serialized without a server.
  const connection = mongoose.createConnection();
  const models = createModels(connection);
  afterAll(() => connection.close());

  it('declares the unique keys and the indexes of the read queries, in key order', () => {
    // Entries, not objects: the order of an index's keys matters and toEqual would not see it.
    const indexes = (s: Schema) => s.indexes().map(([fields, options]) => [Object.entries(fields), Boolean(options['unique'])]);
    expect(indexes(scenarioSchema)).toEqual([
      [[['botId', 1], ['hash', 1]], true],
      [[['botId', 1], ['version', 1]], true],
      [[['botId', 1], ['activatedAt', -1], ['version', -1]], false],
    ]);
    expect(indexes(dialogSchema)).toEqual([
      [[['botId', 1], ['platform', 1], ['chatId', 1]], true],
      [[['botId', 1], ['updatedAt', -1], ['platform', 1], ['chatId', 1]], false],
      [[['botId', 1], ['status', 1], ['step', 1], ['updatedAt', 1]], false],
      [[['agendaDue', 1]], false],
    ]);
    // Only dialogs with an agenda are in its index; dueAgenda's filter names the same condition, so it is served by it.
    const agendaIndex = dialogSchema.indexes().find(([fields]) => 'agendaDue' in fields);
    expect(agendaIndex?.[1]['partialFilterExpression']).toEqual({ agendaDue: { $type: 'number' } });
    expect(dueAgendaFilter(5, {}).agendaDue).toEqual({ $type: 'number', $lte: 5 });
    expect(indexes(historySchema)).toEqual([
      [[['botId', 1], ['platform', 1], ['chatId', 1], ['rev', 1], ['ordinal', 1]], true],
      [[['botId', 1], ['at', 1]], false],
    ]);
    expect(indexes(credentialSchema)).toEqual([[[['botId', 1], ['platform', 1]], true]]);
  });

  it('starts every read pipeline with a $match on an index prefix of its collection', () => {
    const firstMatch = (pipeline: PipelineStage[]) => Object.keys((pipeline[0] as PipelineStage.Match).$match);
    expect(firstMatch(activeByStepPipeline('b1', undefined))).toEqual(['botId', 'status', 'step']);
    expect(activeByStepPipeline('b1', 5)[0]).toEqual({ $match: { botId: 'b1', status: 'active', step: { $type: 'string' }, updatedAt: { $gte: 5 } } });
    expect(funnelPipeline('b1', 5, 'dialogs')[0]).toEqual({ $match: { botId: 'b1', at: { $gte: 5 } } });
    expect(messageRatePipeline('b1', 5, 60_000)[0]).toEqual({ $match: { botId: 'b1', at: { $gte: 5 } } });
    // The join reads the dialogs collection by its unique key, botId first.
    const lookup = funnelPipeline('b1', 5, models.Dialog.collection.collectionName)[2] as PipelineStage.Lookup;
    expect(lookup.$lookup.from).toBe('bot_dialog_states');
    expect(Object.keys((lookup.$lookup.pipeline?.[0] as PipelineStage.Match).$match)).toEqual(['botId', '$expr']);
  });

  it('requires the key, revision and snapshot of a dialog', async () => {
    expect(dialogSchema.requiredPaths()).toEqual(expect.arrayContaining(['botId', 'platform', 'chatId', 'rev', 'scenarioVersion', 'status', 'snapshot', 'lastSeq']));
    const error = await new models.Dialog({ botId: 'b1' }).validate().then(
      () => undefined,
      (err: unknown) => err as mongoose.Error.ValidationError,
    );
    expect(Object.keys(error?.errors ?? {})).toEqual(expect.arrayContaining(['platform', 'chatId', 'rev', 'snapshot']));
    expect(models.Dialog.collection.collectionName).toBe('bot_dialog_states');
    expect(models.History.modelName).toBe('BotDialogHistory');
  });

  it('keeps an XState snapshot with `children: {}` and empty vars through the model; it restores', () => {
    const { dialog, snapshot } = specSnapshot();
    const state = dialogState(dialogKey('c1'), 1, { snapshot, vars: { name: 'Ann', extra: {} } });
    const doc = new models.Dialog({ ...dialogKey('c1'), ...dialogFields(state, []) });
    const stored = doc.toBSON() as Parameters<typeof dialogOfDoc>[0];
    const back = dialogOfDoc(stored);
    expect(back.snapshot).toEqual(snapshot);
    expect(back.snapshot).toHaveProperty('children', {});
    expect(back.vars).toStrictEqual({ name: 'Ann', extra: {} });
    expect(new models.Dialog({ ...dialogKey('c1'), ...dialogFields(dialogState(dialogKey('c1'), 1), []) }).toBSON()).toHaveProperty('vars', {});
    const restored = new Dialog(specConfig, { snapshot: back.snapshot });
    expect(restored.send({ press: 'end' }).effects).toEqual(dialog.send({ press: 'end' }).effects);
  });

  it('shows the pitfall: a default (minimizing) schema with the snapshot as an object loses `children: {}`', () => {
    const naive = new Schema({ snapshot: Schema.Types.Mixed, vars: Schema.Types.Mixed }, { versionKey: false });
    const Naive = connection.model('NaiveDialog', naive);
    const { snapshot } = specSnapshot();
    const stored = new Naive({ snapshot: structuredClone(snapshot), vars: {} }).toBSON() as unknown as { snapshot: Record<string, unknown>; vars?: unknown };
    expect(snapshot).toHaveProperty('children', {});
    expect(stored.snapshot).not.toHaveProperty('children');
    expect(stored.snapshot).not.toHaveProperty('historyValue');
    expect(stored).not.toHaveProperty('vars');
    expect(stored.snapshot).not.toEqual(snapshot);
  });

  it('keeps the agenda and its earliest due time in the document; none is null there and absent in the record', () => {
    const key = dialogKey('c1');
    const agenda = [timer('1.0', 9000), timer('1.1', 4000, { name: 'reminder', index: 0 }), timer('1.2', 7000, { name: 'expire', step: null })];
    const doc = new models.Dialog({ ...key, ...dialogFields(dialogState(key, 1, { agenda }), []) }).toBSON() as Parameters<typeof dialogOfDoc>[0];
    expect(doc).toMatchObject({ agendaDue: 4000, agendaOwner: null, agendaUntil: null, agendaToken: null });
    expect(dialogOfDoc(doc).agenda).toStrictEqual(agenda);
    for (const none of [undefined, []]) {
      const empty = new models.Dialog({ ...key, ...dialogFields(dialogState(key, 1, none && { agenda: none }), []) }).toBSON() as Parameters<typeof dialogOfDoc>[0];
      expect(empty).toMatchObject({ agenda: null, agendaDue: null });
      expect(dialogOfDoc(empty)).not.toHaveProperty('agenda');
    }
    // A document from before the agenda has none of its fields.
    const { agenda: _a, agendaDue: _d, agendaOwner: _o, agendaUntil: _u, agendaToken: _t, ...older } = doc;
    expect(dialogOfDoc(older)).toStrictEqual({ ...dialogState(key, 1), delivered: 0 });
  });

  it('reads a scenario document from before activation as activated when created', () => {
    const doc = { botId: 'b1', version: 1, hash: 'h', format: 'json' as const, source: '{}', machine: '{}', createdAt: 5 };
    expect(scenarioOfDoc(doc)).toMatchObject({ createdAt: 5, activatedAt: 5 });
    expect(scenarioOfDoc({ ...doc, activatedAt: 9 })).toMatchObject({ createdAt: 5, activatedAt: 9 });
  });

  it('maps history entries to documents and back, absent fields staying absent', () => {
    const key = dialogKey('c1');
    const entries = [historyEntry(key, 3, 'out', 'Hi', [{ text: 'A', value: 'a' }]), { key, rev: 3, direction: 'in' as const, step: null, press: 'a', updateId: 'u1', at: 9 }];
    const back = entries.map((h, i) => historyOfDoc(new models.History(historyDoc(h, i)).toBSON() as ReturnType<typeof historyDoc>));
    expect(back).toStrictEqual(entries);
  });
});

describe('Mongo errors (offline)', () => {
  it('classifies connection failures as unavailable and duplicate keys as conflicts', () => {
    expect(isUnavailable(Object.assign(new Error('x'), { name: 'MongoNetworkError' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: 10107 }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { errorLabels: ['RetryableWriteError'] }))).toBe(true);
    expect(isUnavailable(new Error('wrapped', { cause: Object.assign(new Error('x'), { name: 'MongoServerSelectionError' }) }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('x'), { code: 11000 }))).toBe(false);
    expect(isDuplicateKey(Object.assign(new Error('x'), { code: 11000 }))).toBe(true);
    expect(isDuplicateKey(Object.assign(new Error('x'), { writeErrors: [{ err: { code: 11000 } }] }))).toBe(true);
    expect(isDuplicateKey(new Error('x'))).toBe(false);
    const bug = new TypeError('bug');
    expect(toStoreError(bug, true)).toBe(bug);
    expect(toStoreError(bug, false)).toBeInstanceOf(StoreUnavailableError);
  });

  it('reports an unreachable server as StoreUnavailableError', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    await new Promise((done) => server.close(done));
    const error = await openMongoStore({ uri: `mongodb://127.0.0.1:${port}/x`, serverSelectionTimeoutMS: 200 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).cause).toMatchObject({ name: expect.stringMatching(/ServerSelectionError$/) });
  });

  it('answers StoreUnavailableError once closed', async () => {
    const store = new MongoStore(mongoose.createConnection(), { w: 1 });
    await store.close();
    await expect(store.getDialog(dialogKey('c1'))).rejects.toThrow(StoreUnavailableError);
    await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
  });
});
