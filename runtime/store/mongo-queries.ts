/**
 * The read queries of the MongoDB store beyond single records: MongoStore extends MongoQueries, which keeps
 * mongo-store.ts about the connection and the writes. Every query and pipeline starts by matching botId, so the
 * indexes of mongo-models.ts serve it; the pipelines are built by plain functions, so tests check them offline.
 */
import type { PipelineStage } from 'mongoose';
import {
  historyOfDoc,
  keyFilter,
  SCENARIO_SUMMARY_PROJECTION,
  scenarioSummaryOfDoc,
  SUMMARY_PROJECTION,
  summaryOfDoc,
  type ScenarioSummaryDoc,
  type SummaryDoc,
} from './mongo-docs.js';
import type { Models } from './mongo-models.js';
import { checkBucketMs, conversationsOf, dialogListLimit, funnelOf, historyAfterRev, historyLimit, stepCounts, type FunnelGroup, type StepCount } from './shared.js';
import type { DialogKey, DialogListQuery, DialogSummary, FunnelCounts, HistoryEntry, HistoryQuery, RateBucket, ScenarioSummary } from './types.js';

export abstract class MongoQueries {
  protected abstract readonly m: Models;
  /** Runs a database call, mapping its failures to the port's errors. */
  protected abstract run<T>(fn: () => PromiseLike<T>): Promise<T>;

  // A limit of 0 means "no limit" to MongoDB: both limited reads answer it without a query.
  async history(key: DialogKey, query?: HistoryQuery): Promise<HistoryEntry[]> {
    const limit = historyLimit(query);
    const afterRev = historyAfterRev(query);
    if (limit === 0) return [];
    if (afterRev === undefined) {
      const newest = await this.run(() => this.m.History.find(keyFilter(key)).sort({ rev: -1, ordinal: -1 }).limit(limit).lean());
      return newest.reverse().map(historyOfDoc);
    }
    const filter = { ...keyFilter(key), rev: { $gt: afterRev } };
    const docs = await this.run(() => this.m.History.find(filter).sort({ rev: 1, ordinal: 1 }).limit(limit).lean());
    return docs.map(historyOfDoc);
  }

  async listDialogs(botId: string, query?: DialogListQuery): Promise<DialogSummary[]> {
    const limit = dialogListLimit(query);
    if (limit === 0) return [];
    const filter = query?.platform === undefined ? { botId } : { botId, platform: query.platform };
    const docs = await this.run(() =>
      this.m.Dialog.find(filter).sort({ updatedAt: -1, platform: 1, chatId: 1 }).limit(limit).select(SUMMARY_PROJECTION).lean<SummaryDoc[]>(),
    );
    return docs.map(summaryOfDoc);
  }

  async activeByStep(botId: string, since?: number): Promise<Record<string, number>> {
    return stepCounts(await this.run(() => this.m.Dialog.aggregate<StepCount>(activeByStepPipeline(botId, since))));
  }

  // allowDiskUse: a long window may group more than the 100 MB a stage may hold in memory.
  async funnel(botId: string, since: number, startStep?: string): Promise<FunnelCounts> {
    const pipeline = funnelPipeline(botId, since, this.m.Dialog.collection.collectionName);
    const dialogs = await this.run(() => this.m.History.aggregate<FunnelDialogDoc>(pipeline).allowDiskUse(true));
    const reached: StepCount[] = [];
    const groups: FunnelGroup[] = [];
    for (const d of dialogs) {
      const conversations = conversationsOf(
        d.entries.map((e) => ({ rev: e.rev, direction: e.direction, step: e.step ?? null })),
        startStep,
      );
      reached.push(...conversations.reached);
      groups.push(...conversations.past, { status: d.status, step: d.step, n: 1 });
    }
    return funnelOf(reached, groups);
  }

  async messageRate(botId: string, since: number, bucketMs: number): Promise<RateBucket[]> {
    checkBucketMs(bucketMs);
    return this.run(() => this.m.History.aggregate<RateBucket>(messageRatePipeline(botId, since, bucketMs)).allowDiskUse(true));
  }

  async listScenarios(botId: string): Promise<ScenarioSummary[]> {
    const docs = await this.run(() => this.m.Scenario.find({ botId }).sort({ version: -1 }).select(SCENARIO_SUMMARY_PROJECTION).lean<ScenarioSummaryDoc[]>());
    return docs.map(scenarioSummaryOfDoc);
  }
}

// $type 'string' rather than $ne null: it bounds the index scan on step, and also leaves out a missing field.
const HAS_STEP = { $type: 'string' } as const;
const countPerStep = (field: string): PipelineStage.FacetPipelineStage[] => [{ $group: { _id: field, n: { $sum: 1 } } }, { $project: { _id: 0, step: '$_id', n: 1 } }];

export function activeByStepPipeline(botId: string, since: number | undefined): PipelineStage[] {
  const match = { botId, status: 'active', step: HAS_STEP, ...(since !== undefined && { updatedAt: { $gte: since } }) };
  return [{ $match: match }, ...countPerStep('$step')];
}

/** One dialog with history in the funnel window: its entries there (any order), and its current status and step. */
interface FunnelDialogDoc {
  readonly entries: readonly { readonly rev: number; readonly direction: 'in' | 'out'; readonly step?: string | null }[];
  readonly status: 'active' | 'ended' | null;
  readonly step: string | null;
}

/**
 * One document per dialog with history since `since`: the revision, direction and step of each entry (split into
 * conversations by conversationsOf in shared.ts, as the other stores do) and the dialog's current state.
 */
export function funnelPipeline(botId: string, since: number, dialogCollection: string): PipelineStage[] {
  return [
    { $match: { botId, at: { $gte: since } } },
    { $group: { _id: { platform: '$platform', chatId: '$chatId' }, entries: { $push: { rev: '$rev', direction: '$direction', step: '$step' } } } },
    {
      $lookup: {
        from: dialogCollection,
        let: { platform: '$_id.platform', chatId: '$_id.chatId' },
        // botId as a plain match and $eq in $expr: the unique key index of the dialogs serves the join.
        pipeline: [
          { $match: { botId, $expr: { $and: [{ $eq: ['$platform', '$$platform'] }, { $eq: ['$chatId', '$$chatId'] }] } } },
          { $project: { _id: 0, status: 1, step: 1 } },
        ],
        as: 'now',
      },
    },
    // A dialog with history but no record stays in (status null): it counts in `dialogs` only.
    {
      $project: {
        _id: 0,
        entries: 1,
        status: { $ifNull: [{ $arrayElemAt: ['$now.status', 0] }, null] },
        step: { $ifNull: [{ $arrayElemAt: ['$now.step', 0] }, null] },
      },
    },
  ];
}

export function messageRatePipeline(botId: string, since: number, bucketMs: number): PipelineStage[] {
  const count = (direction: string) => ({ $sum: { $cond: [{ $eq: ['$direction', direction] }, 1, 0] } });
  return [
    { $match: { botId, at: { $gte: since } } },
    { $group: { _id: { $multiply: [{ $floor: { $divide: ['$at', bucketMs] } }, bucketMs] }, in: count('in'), out: count('out') } },
    { $sort: { _id: 1 } },
    { $project: { _id: 0, at: '$_id', in: 1, out: 1 } },
  ];
}
