/**
 * The dashboard's read queries on SQLite. Each filters on bot_id first, so it searches one of the indexes of
 * sqlite-schema.ts instead of scanning the rows of all bots (test/runtime/store/sqlite-queries.test.ts checks the plans).
 */
import type Database from 'better-sqlite3';
import { funnelOf, stepCounts, type FunnelGroup, type StepCount } from './shared.js';
import { scenarioSummaryOf, summaryOf, type ScenarioSummaryRow, type SummaryRow } from './sqlite-schema.js';
import type { DialogSummary, FunnelCounts, RateBucket, ScenarioSummary } from './types.js';

const SUMMARY_COLUMNS = 'bot_id, platform, chat_id, rev, scenario_version, status, step, last_seq, blocked, created_at, updated_at';
const NEWEST_FIRST = 'ORDER BY updated_at DESC, platform, chat_id LIMIT @limit';

/** The SQL of every query, by name; exported so that tests can check how SQLite runs it. */
export const QUERY_SQL = {
  listDialogs: `SELECT ${SUMMARY_COLUMNS} FROM dialogs WHERE bot_id = @botId ${NEWEST_FIRST}`,
  listDialogsOn: `SELECT ${SUMMARY_COLUMNS} FROM dialogs WHERE bot_id = @botId AND platform = @platform ${NEWEST_FIRST}`,
  activeByStep: `SELECT step, COUNT(*) AS n FROM dialogs
    WHERE bot_id = @botId AND status = 'active' AND step IS NOT NULL AND updated_at >= @since GROUP BY step`,
  // Conversations, as startsConversation and conversationsOf in shared.ts say: a revision starts one when its
  // message found no dialog running, or when it entered the start step from another step. `seg` numbers a
  // dialog's conversations in the window (0: one begun before it). Rows of kind 'reached' count the steps each
  // conversation reached; rows of kind 'past' give how each conversation followed by another ended.
  // `e` is read once: left to itself, SQLite would read the join's side through the (bot_id, …) key, all time long.
  conversations: `WITH e AS MATERIALIZED (
      SELECT platform, chat_id, rev, direction, step FROM history WHERE bot_id = @botId AND at >= @since
    ), r AS (
      SELECT platform, chat_id, rev, MAX(direction = 'in') AS has_in, MAX(CASE WHEN direction = 'in' THEN step END) AS in_step,
        IFNULL(MAX(direction = 'out' AND step = @startStep), 0) AS start_out
      FROM e GROUP BY platform, chat_id, rev
    ), s AS (
      SELECT platform, chat_id, rev, has_in, in_step,
        IFNULL((has_in AND in_step IS NULL) OR (start_out AND in_step IS NOT @startStep), 0) AS starts
      FROM r
    ), c AS (
      SELECT platform, chat_id, rev, has_in, in_step, starts, SUM(starts) OVER (PARTITION BY platform, chat_id ORDER BY rev) AS seg FROM s
    ), f AS (
      SELECT *, MIN(seg) OVER (PARTITION BY platform, chat_id) AS first_seg FROM c
    )
    SELECT 'reached' AS kind, step, NULL AS status, COUNT(*) AS n FROM (
      SELECT DISTINCT e.platform, e.chat_id, f.seg, e.step FROM e JOIN f ON f.platform = e.platform AND f.chat_id = e.chat_id AND f.rev = e.rev
      WHERE e.step IS NOT NULL AND NOT (f.starts AND e.direction = 'in')
    ) GROUP BY step
    UNION ALL
    SELECT 'past' AS kind, in_step AS step, CASE WHEN NOT has_in THEN NULL WHEN in_step IS NULL THEN 'ended' ELSE 'active' END AS status, COUNT(*) AS n
    FROM f WHERE starts AND seg - 1 >= first_seg GROUP BY 2, 3`,
  // The last conversation of each dialog: where the dialog is now. LEFT JOIN: a dialog with history but no record
  // still counts in `dialogs` (status null).
  funnelGroups: `SELECT d.status AS status, d.step AS step, COUNT(*) AS n
    FROM (SELECT DISTINCT platform, chat_id FROM history WHERE bot_id = @botId AND at >= @since) AS t
    LEFT JOIN dialogs AS d ON d.bot_id = @botId AND d.platform = t.platform AND d.chat_id = t.chat_id
    GROUP BY d.status, d.step`,
  // at - ((at % b) + b) % b is floor(at / b) * b in integers, for negative `at` too (% truncates toward zero).
  messageRate: `SELECT at - ((at % @bucketMs) + @bucketMs) % @bucketMs AS bucket,
      SUM(direction = 'in') AS inbound, SUM(direction = 'out') AS outbound
    FROM history WHERE bot_id = @botId AND at >= @since GROUP BY bucket ORDER BY bucket`,
  listScenarios: 'SELECT bot_id, version, hash, format, created_at, activated_at FROM scenarios WHERE bot_id = @botId ORDER BY version DESC',
} as const;

interface Window {
  botId: string;
  since: number;
}

type ConversationRow = FunnelGroup & { readonly kind: 'reached' | 'past' };

export interface Queries {
  listDialogs(botId: string, platform: string | undefined, limit: number): DialogSummary[];
  activeByStep(botId: string, since: number | undefined): Record<string, number>;
  funnel(botId: string, since: number, startStep: string | undefined): FunnelCounts;
  messageRate(botId: string, since: number, bucketMs: number): RateBucket[];
  listScenarios(botId: string): ScenarioSummary[];
}

export function prepareQueries(db: Database.Database): Queries {
  const listDialogs = db.prepare<[{ botId: string; limit: number }], SummaryRow>(QUERY_SQL.listDialogs);
  const listDialogsOn = db.prepare<[{ botId: string; platform: string; limit: number }], SummaryRow>(QUERY_SQL.listDialogsOn);
  const activeByStep = db.prepare<[Window], StepCount>(QUERY_SQL.activeByStep);
  const conversations = db.prepare<[Window & { startStep: string | null }], ConversationRow>(QUERY_SQL.conversations);
  const funnelGroups = db.prepare<[Window], FunnelGroup>(QUERY_SQL.funnelGroups);
  const messageRate = db.prepare<[Window & { bucketMs: number }], { bucket: number; inbound: number; outbound: number }>(QUERY_SQL.messageRate);
  const listScenarios = db.prepare<[{ botId: string }], ScenarioSummaryRow>(QUERY_SQL.listScenarios);
  // One read transaction: both queries see the same snapshot even while other processes write.
  const funnel = db.transaction((w: Window & { startStep: string | null }): FunnelCounts => {
    const rows = conversations.all(w);
    const past = rows.filter((r) => r.kind === 'past');
    return funnelOf(
      rows.filter((r) => r.kind === 'reached'),
      [...past, ...funnelGroups.all({ botId: w.botId, since: w.since })],
    );
  });

  return {
    listDialogs: (botId, platform, limit) =>
      (platform === undefined ? listDialogs.all({ botId, limit }) : listDialogsOn.all({ botId, platform, limit })).map(summaryOf),
    // -Infinity binds as a REAL below every stored time: "no lower bound" without a second statement.
    activeByStep: (botId, since) => stepCounts(activeByStep.all({ botId, since: since ?? -Infinity })),
    funnel: (botId, since, startStep) => funnel({ botId, since, startStep: startStep ?? null }),
    messageRate: (botId, since, bucketMs) => messageRate.all({ botId, since, bucketMs }).map((r) => ({ at: r.bucket, in: r.inbound, out: r.outbound })),
    listScenarios: (botId) => listScenarios.all({ botId }).map(scenarioSummaryOf),
  };
}
