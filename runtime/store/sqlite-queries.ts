/**
 * The read queries on SQLite: a dialog's history, and the dashboard's. Each filters on bot_id first, so it searches
 * one of the indexes of sqlite-schema.ts instead of scanning the rows of all bots
 * (test/runtime/store/sqlite-queries.test.ts checks the plans).
 */
import type Database from 'better-sqlite3';
import { conversationsOf, funnelOf, stepCounts, type FunnelEntry, type FunnelGroup, type StepCount } from './shared.js';
import { historyOf, scenarioSummaryOf, summaryOf, type HistoryRow, type ScenarioSummaryRow, type SummaryRow } from './sqlite-schema.js';
import type { DialogKey, DialogSummary, FunnelCounts, HistoryEntry, RateBucket, ScenarioSummary } from './types.js';

const SUMMARY_COLUMNS = 'bot_id, platform, chat_id, rev, scenario_version, status, step, last_seq, blocked, created_at, updated_at';
const DIALOG = 'bot_id = @botId AND platform = @platform AND chat_id = @chatId';
const NEWEST_FIRST = 'ORDER BY updated_at DESC, platform, chat_id LIMIT @limit';

/** The SQL of every query, by name; exported so that tests can check how SQLite runs it. */
export const QUERY_SQL = {
  // A row holds one or more entries, so `limit` rows hold at least `limit` entries; the surplus is cut in JS.
  history: `SELECT rev, at, entries FROM history WHERE ${DIALOG} ORDER BY rev DESC, id DESC LIMIT @limit`,
  historyAfter: `SELECT rev, at, entries FROM history WHERE ${DIALOG} AND rev > @afterRev ORDER BY rev, id LIMIT @limit`,
  listDialogs: `SELECT ${SUMMARY_COLUMNS} FROM dialogs WHERE bot_id = @botId ${NEWEST_FIRST}`,
  listDialogsOn: `SELECT ${SUMMARY_COLUMNS} FROM dialogs WHERE bot_id = @botId AND platform = @platform ${NEWEST_FIRST}`,
  activeByStep: `SELECT step, COUNT(*) AS n FROM dialogs
    WHERE bot_id = @botId AND status = 'active' AND step IS NOT NULL AND updated_at >= @since GROUP BY step`,
  // The window's entries, split into conversations by conversationsOf (shared.ts), as the other stores do: one
  // index range read, cheaper than window functions over the same rows (bench:dashboard).
  conversations: `SELECT platform, chat_id, rev, steps FROM history WHERE bot_id = @botId AND at >= @since`,
  // The last conversation of each dialog: where the dialog is now. LEFT JOIN: a dialog with history but no record
  // still counts in `dialogs` (status null).
  funnelGroups: `SELECT d.status AS status, d.step AS step, COUNT(*) AS n
    FROM (SELECT DISTINCT platform, chat_id FROM history WHERE bot_id = @botId AND at >= @since) AS t
    LEFT JOIN dialogs AS d ON d.bot_id = @botId AND d.platform = t.platform AND d.chat_id = t.chat_id
    GROUP BY d.status, d.step`,
  // at - ((at % b) + b) % b is floor(at / b) * b in integers, for negative `at` too (% truncates toward zero).
  messageRate: `SELECT at - ((at % @bucketMs) + @bucketMs) % @bucketMs AS bucket,
      SUM(in_count) AS inbound, SUM(out_count) AS outbound
    FROM history WHERE bot_id = @botId AND at >= @since GROUP BY bucket ORDER BY bucket`,
  listScenarios: 'SELECT bot_id, version, hash, format, created_at, activated_at FROM scenarios WHERE bot_id = @botId ORDER BY version DESC',
} as const;

interface Window {
  botId: string;
  since: number;
}

type WindowRow = [platform: string, chatId: string, rev: number, steps: string];

export interface Queries {
  /** The newest `limit` entries, or with afterRev the oldest `limit` after it; oldest first either way. */
  history(key: DialogKey, afterRev: number | undefined, limit: number): HistoryEntry[];
  listDialogs(botId: string, platform: string | undefined, limit: number): DialogSummary[];
  activeByStep(botId: string, since: number | undefined): Record<string, number>;
  funnel(botId: string, since: number, startStep: string | undefined): FunnelCounts;
  messageRate(botId: string, since: number, bucketMs: number): RateBucket[];
  listScenarios(botId: string): ScenarioSummary[];
}

export function prepareQueries(db: Database.Database): Queries {
  const history = db.prepare<[DialogKey & { limit: number }], HistoryRow>(QUERY_SQL.history);
  const historyAfter = db.prepare<[DialogKey & { afterRev: number; limit: number }], HistoryRow>(QUERY_SQL.historyAfter);
  const listDialogs = db.prepare<[{ botId: string; limit: number }], SummaryRow>(QUERY_SQL.listDialogs);
  const listDialogsOn = db.prepare<[{ botId: string; platform: string; limit: number }], SummaryRow>(QUERY_SQL.listDialogsOn);
  const activeByStep = db.prepare<[Window], StepCount>(QUERY_SQL.activeByStep);
  const windowRows = db.prepare<[Window], WindowRow>(QUERY_SQL.conversations).raw(true);
  const funnelGroups = db.prepare<[Window], FunnelGroup>(QUERY_SQL.funnelGroups);
  const messageRate = db.prepare<[Window & { bucketMs: number }], { bucket: number; inbound: number; outbound: number }>(QUERY_SQL.messageRate);
  const listScenarios = db.prepare<[{ botId: string }], ScenarioSummaryRow>(QUERY_SQL.listScenarios);
  // One read transaction: both queries see the same snapshot even while other processes write.
  const funnel = db.transaction((w: Window & { startStep: string | undefined }): FunnelCounts => {
    const byDialog = new Map<string, FunnelEntry[]>();
    for (const [platform, chatId, rev, stepsJson] of windowRows.all({ botId: w.botId, since: w.since })) {
      const id = `${platform}\u0000${chatId}`;
      let entries = byDialog.get(id);
      if (!entries) byDialog.set(id, (entries = []));
      const steps = JSON.parse(stepsJson) as (string | null)[];
      for (let i = 0; i < steps.length; i += 2) entries.push({ rev, direction: steps[i] as 'in' | 'out', step: steps[i + 1]! });
    }
    const reached: StepCount[] = [];
    const past: FunnelGroup[] = [];
    for (const entries of byDialog.values()) {
      const c = conversationsOf(entries, w.startStep);
      reached.push(...c.reached);
      past.push(...c.past);
    }
    return funnelOf(reached, [...past, ...funnelGroups.all({ botId: w.botId, since: w.since })]);
  });

  return {
    history: (key, afterRev, limit) => {
      const { botId, platform, chatId } = key;
      const own = { botId, platform, chatId };
      if (afterRev !== undefined) return historyOf(own, historyAfter.all({ botId, platform, chatId, afterRev, limit })).slice(0, limit);
      const entries = historyOf(own, history.all({ botId, platform, chatId, limit }).reverse());
      return entries.slice(Math.max(0, entries.length - limit));
    },
    listDialogs: (botId, platform, limit) =>
      (platform === undefined ? listDialogs.all({ botId, limit }) : listDialogsOn.all({ botId, platform, limit })).map(summaryOf),
    // -Infinity binds as a REAL below every stored time: "no lower bound" without a second statement.
    activeByStep: (botId, since) => stepCounts(activeByStep.all({ botId, since: since ?? -Infinity })),
    funnel: (botId, since, startStep) => funnel({ botId, since, startStep }),
    messageRate: (botId, since, bucketMs) => messageRate.all({ botId, since, bucketMs }).map((r) => ({ at: r.bucket, in: r.inbound, out: r.outbound })),
    listScenarios: (botId) => listScenarios.all({ botId }).map(scenarioSummaryOf),
  };
}
