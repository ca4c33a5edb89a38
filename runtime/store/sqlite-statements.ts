/** Every SQL statement of the SQLite store, prepared once per connection, and the transactions built on them. */
import type Database from 'better-sqlite3';
import { newLeaseToken, trimRecent } from './shared.js';
import { agendaColumns, storedEntries, storedSteps, type BotRow, type CredentialRow, type DeliveryRow, type DialogRow, type ScenarioRow } from './sqlite-schema.js';
import type { DialogKey, DialogWrite, HistoryEntry, LeasedWrite, NewBotScenario } from './types.js';

const KEY = 'bot_id = ? AND platform = ? AND chat_id = ?';
const DIALOG_COLUMNS =
  'bot_id, platform, chat_id, rev, scenario_version, status, step, vars, snapshot, outbox, last_seq, delivered, recent, blocked, created_at, updated_at, agenda';
/** An agenda lease is free, expired or already this owner's; the parameters @now and @ours ("<owner> "). */
const AGENDA_FREE = '(agenda_owner IS NULL OR agenda_until < @now OR substr(agenda_owner, 1, length(@ours)) = @ours)';
/** claim's rule, for the write that takes the lease: replies pending, and the lease free, expired or ours. */
const TAKE_LEASE = '(@lastSeq > delivered AND (lease_owner IS NULL OR lease_until < @now OR substr(lease_owner, 1, length(@ours)) = @ours))';

type Key = [string, string, string];

export interface AgendaClaim {
  botId: string;
  platform: string;
  chatId: string;
  token: string;
  until: number;
  now: number;
  ours: string;
}

/** The bot's active version; exported so that a test can check that it reads scenarios_bot_activated. */
export const ACTIVE_SCENARIO_SQL = 'SELECT * FROM scenarios WHERE bot_id = ? ORDER BY activated_at DESC, version DESC LIMIT 1';
type S<P extends unknown[] = unknown[], R = unknown> = Database.Statement<P, R>;

/**
 * Dialogs with due agenda entries: a range read of dialogs_agenda_due (`agenda_due <= @now` implies the index's
 * WHERE), in due order; the lease and skip conditions filter the rows read. @skip is a JSON array of
 * "<bot id>\u0000<platform>" to leave out. Exported so that a test can check the plan.
 */
export const DUE_AGENDA_SQL = `SELECT bot_id, platform, chat_id FROM dialogs
  WHERE agenda_due <= @now AND ${AGENDA_FREE}
    AND bot_id || char(0) || platform NOT IN (SELECT value FROM json_each(@skip))
  ORDER BY agenda_due LIMIT @limit`;

export interface Statements {
  readonly upsertBot: S;
  readonly getBot: S<[string], BotRow>;
  readonly listBots: S<[], BotRow>;
  readonly putCredential: S;
  readonly getCredential: S<[string, string], CredentialRow>;
  readonly listCredentials: S<[string], CredentialRow>;
  readonly deleteCredential: S<[string, string]>;
  readonly scenarioByHash: S<[string, string], ScenarioRow>;
  readonly activeScenario: S<[string], ScenarioRow>;
  readonly activateScenario: S<[number, string, number], ScenarioRow>;
  readonly maxVersion: S<[string], { v: number | null }>;
  readonly insertScenario: S;
  readonly getDialog: S<Key, DialogRow>;
  readonly insertDialog: S;
  readonly updateDialog: S;
  readonly insertDialogLeased: S;
  readonly updateDialogLeased: S<[Record<string, unknown>], { delivered: number; lease_owner: string | null }>;
  readonly insertHistory: S;
  readonly markDelivered: S;
  readonly markDeliveredFenced: S;
  readonly markReleasing: S<[number, number, number, string, string, string, string], { released: number }>;
  readonly leaseOf: S<Key, { lease_owner: string | null }>;
  readonly setBlocked: S;
  readonly claim: S<[string, number, string, string, string, number, string, string], DeliveryRow>;
  readonly renew: S<[number, string, string, string, string], DeliveryRow>;
  readonly release: S;
  readonly releaseAnyway: S;
  readonly pendingOf: S<Key, { pending: number }>;
  readonly pending: S<[number, string, string, string, number], { bot_id: string; platform: string; chat_id: string }>;
  readonly dueAgenda: S<[{ now: number; ours: string; skip: string; limit: number }], { bot_id: string; platform: string; chat_id: string }>;
  readonly claimAgenda: S<[AgendaClaim], DialogRow>;
  readonly renewAgenda: S<[number, string, string, string, string]>;
  readonly releaseAgenda: S<[string, string, string, string]>;
  readonly countAll: S<[], { n: number }>;
  readonly countBot: S<[string], { n: number }>;
  readonly putScenario: Database.Transaction<(s: NewBotScenario) => ScenarioRow>;
  readonly writeDialog: Database.Transaction<(w: DialogWrite) => boolean | LeasedWrite>;
  readonly markDeliveredUnder: (key: DialogKey, seq: number, token: string, release: boolean) => boolean | 'released';
  readonly releaseDelivery: (key: DialogKey, token: string, evenIfPending: boolean) => boolean;
}

export function prepareStatements(db: Database.Database): Statements {
  const sql = {
    upsertBot: db.prepare(
      `INSERT INTO bots (id, account_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, name = excluded.name,
         created_at = excluded.created_at, updated_at = excluded.updated_at`,
    ),
    getBot: db.prepare<[string], BotRow>('SELECT * FROM bots WHERE id = ?'),
    listBots: db.prepare<[], BotRow>('SELECT * FROM bots ORDER BY created_at, id'),
    putCredential: db.prepare(
      `INSERT INTO credentials (bot_id, platform, key_id, ciphertext, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (bot_id, platform) DO UPDATE SET key_id = excluded.key_id, ciphertext = excluded.ciphertext,
         updated_at = excluded.updated_at`,
    ),
    getCredential: db.prepare<[string, string], CredentialRow>('SELECT * FROM credentials WHERE bot_id = ? AND platform = ?'),
    listCredentials: db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE bot_id = ? ORDER BY platform'),
    deleteCredential: db.prepare<[string, string]>('DELETE FROM credentials WHERE bot_id = ? AND platform = ?'),
    scenarioByHash: db.prepare<[string, string], ScenarioRow>('SELECT * FROM scenarios WHERE bot_id = ? AND hash = ?'),
    activeScenario: db.prepare<[string], ScenarioRow>(ACTIVE_SCENARIO_SQL),
    activateScenario: db.prepare<[number, string, number], ScenarioRow>('UPDATE scenarios SET activated_at = ? WHERE bot_id = ? AND version = ? RETURNING *'),
    maxVersion: db.prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM scenarios WHERE bot_id = ?'),
    insertScenario: db.prepare('INSERT INTO scenarios (bot_id, version, hash, format, source, machine, created_at, activated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    getDialog: db.prepare<Key, DialogRow>(`SELECT ${DIALOG_COLUMNS} FROM dialogs WHERE ${KEY}`),
    // A create must fail when the row exists: DO NOTHING reports 0 changes instead of raising.
    insertDialog: db.prepare(
      `INSERT INTO dialogs (bot_id, platform, chat_id, rev, scenario_version, status, step, vars, snapshot, outbox,
         last_seq, recent, blocked, created_at, updated_at, agenda, agenda_due)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    // Compare-and-set; `delivered` and the lease belong to the deliverer, the agenda lease to the agenda's holder:
    // both are left alone.
    updateDialog: db.prepare(
      `UPDATE dialogs SET rev = ?, scenario_version = ?, status = ?, step = ?, vars = ?, snapshot = ?, outbox = ?,
         last_seq = ?, recent = ?, blocked = ?, created_at = ?, updated_at = ?, agenda = ?, agenda_due = ?
       WHERE ${KEY} AND rev = ?`,
    ),
    // A new dialog with replies: its lease is free, so the write takes it.
    insertDialogLeased: db.prepare(
      `INSERT INTO dialogs (bot_id, platform, chat_id, rev, scenario_version, status, step, vars, snapshot, outbox,
         last_seq, recent, blocked, created_at, updated_at, agenda, agenda_due, lease_owner, lease_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    // The compare-and-set that also takes the delivery lease by claim's rule, only while replies are pending.
    // SET expressions all see the row as it was, so both CASEs test the same lease. RETURNING tells the writer the
    // stored `delivered` and whether the lease is its token now.
    updateDialogLeased: db.prepare<[Record<string, unknown>], { delivered: number; lease_owner: string | null }>(
      `UPDATE dialogs SET rev = @rev, scenario_version = @scenarioVersion, status = @status, step = @step, vars = @vars,
         snapshot = @snapshot, outbox = @outbox, last_seq = @lastSeq, recent = @recent, blocked = @blocked,
         created_at = @createdAt, updated_at = @updatedAt, agenda = @agenda, agenda_due = @agendaDue,
         lease_owner = CASE WHEN ${TAKE_LEASE} THEN @token ELSE lease_owner END,
         lease_until = CASE WHEN ${TAKE_LEASE} THEN @until ELSE lease_until END
       WHERE bot_id = @botId AND platform = @platform AND chat_id = @chatId AND rev = @expectedRev
       RETURNING delivered, lease_owner`,
    ),
    insertHistory: db.prepare(
      'INSERT INTO history (bot_id, platform, chat_id, rev, at, in_count, out_count, entries, steps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    // `delivered < ?` skips the write (and the WAL frame) when nothing changes; MAX keeps it monotonic anyway.
    markDelivered: db.prepare(`UPDATE dialogs SET delivered = MAX(delivered, ?) WHERE ${KEY} AND delivered < ?`),
    markDeliveredFenced: db.prepare(`UPDATE dialogs SET delivered = MAX(delivered, ?) WHERE ${KEY} AND delivered < ? AND lease_owner = ?`),
    // Mark and release in one write: the lease is freed when nothing newer is pending (SET sees the old delivered,
    // hence MAX again).
    markReleasing: db.prepare<[number, number, number, string, string, string, string], { released: number }>(
      `UPDATE dialogs SET delivered = MAX(delivered, ?),
         lease_owner = CASE WHEN last_seq <= MAX(delivered, ?) THEN NULL ELSE lease_owner END,
         lease_until = CASE WHEN last_seq <= MAX(delivered, ?) THEN NULL ELSE lease_until END
       WHERE ${KEY} AND lease_owner = ?
       RETURNING lease_owner IS NULL AS released`,
    ),
    leaseOf: db.prepare<Key, { lease_owner: string | null }>(`SELECT lease_owner FROM dialogs WHERE ${KEY}`),
    setBlocked: db.prepare(`UPDATE dialogs SET blocked = ? WHERE ${KEY}`),
    // lease_owner holds the claim's fencing token, "<owner> <random>"; the last two parameters are "<owner> ": the lease
    // is already ours when lease_owner starts with it.
    claim: db.prepare<[string, number, string, string, string, number, string, string], DeliveryRow>(
      `UPDATE dialogs SET lease_owner = ?, lease_until = ?
       WHERE ${KEY} AND (lease_owner IS NULL OR lease_until < ? OR substr(lease_owner, 1, length(?)) = ?)
       RETURNING bot_id, platform, chat_id, rev, outbox, last_seq, delivered, blocked, lease_owner`,
    ),
    renew: db.prepare<[number, string, string, string, string], DeliveryRow>(
      `UPDATE dialogs SET lease_until = ? WHERE ${KEY} AND lease_owner = ?
       RETURNING bot_id, platform, chat_id, rev, outbox, last_seq, delivered, blocked, lease_owner`,
    ),
    release: db.prepare(`UPDATE dialogs SET lease_owner = NULL, lease_until = NULL WHERE ${KEY} AND lease_owner = ? AND last_seq <= delivered`),
    releaseAnyway: db.prepare(`UPDATE dialogs SET lease_owner = NULL, lease_until = NULL WHERE ${KEY} AND lease_owner = ?`),
    pendingOf: db.prepare<Key, { pending: number }>(`SELECT last_seq > delivered AS pending FROM dialogs WHERE ${KEY}`),
    // The condition repeats the partial index's WHERE verbatim so SQLite uses that index.
    // The third parameter is a JSON array of "<bot id>\u0000<platform>" to leave out.
    pending: db.prepare<[number, string, string, string, number], { bot_id: string; platform: string; chat_id: string }>(
      `SELECT bot_id, platform, chat_id FROM dialogs
       WHERE last_seq > delivered AND (lease_owner IS NULL OR lease_until < ? OR substr(lease_owner, 1, length(?)) = ?)
         AND bot_id || char(0) || platform NOT IN (SELECT value FROM json_each(?))
       ORDER BY updated_at LIMIT ?`,
    ),
    dueAgenda: db.prepare<[{ now: number; ours: string; skip: string; limit: number }], { bot_id: string; platform: string; chat_id: string }>(DUE_AGENDA_SQL),
    // The agenda lease, by the delivery lease's rules on its own columns; the claim reads the record back with it.
    claimAgenda: db.prepare<[AgendaClaim], DialogRow>(
      `UPDATE dialogs SET agenda_owner = @token, agenda_until = @until
       WHERE bot_id = @botId AND platform = @platform AND chat_id = @chatId AND ${AGENDA_FREE}
       RETURNING ${DIALOG_COLUMNS}`,
    ),
    renewAgenda: db.prepare<[number, string, string, string, string]>(`UPDATE dialogs SET agenda_until = ? WHERE ${KEY} AND agenda_owner = ?`),
    releaseAgenda: db.prepare<[string, string, string, string]>(`UPDATE dialogs SET agenda_owner = NULL, agenda_until = NULL WHERE ${KEY} AND agenda_owner = ?`),
    countAll: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM dialogs'),
    countBot: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM dialogs WHERE bot_id = ?'),
  };

  // Read and insert under one write lock (IMMEDIATE), so two processes cannot both miss the hash and hand out
  // the same version.
  const putScenario = db.transaction((s: NewBotScenario): ScenarioRow => {
    const existing = sql.scenarioByHash.get(s.botId, s.hash);
    if (existing) return existing;
    const version = (sql.maxVersion.get(s.botId)?.v ?? 0) + 1;
    const machine = JSON.stringify(s.machine);
    sql.insertScenario.run(s.botId, version, s.hash, s.format, s.source, machine, s.createdAt, s.createdAt);
    return { bot_id: s.botId, version, hash: s.hash, format: s.format, source: s.source, machine, created_at: s.createdAt, activated_at: s.createdAt };
  });

  // One history row per run of entries with the same time: one per transition, as the manager writes them.
  const insertHistory = (key: DialogKey, rev: number, entries: readonly HistoryEntry[]): void => {
    for (let from = 0, to = 1; from < entries.length; to++) {
      if (to < entries.length && entries[to]!.at === entries[from]!.at) continue;
      const run = from === 0 && to === entries.length ? entries : entries.slice(from, to);
      let ins = 0;
      for (const h of run) if (h.direction === 'in') ins++;
      sql.insertHistory.run(key.botId, key.platform, key.chatId, rev, run[0]!.at, ins, run.length - ins, storedEntries(run), storedSteps(run));
      from = to;
    }
  };

  // The record itself: an INSERT or a compare-and-set UPDATE, taking the delivery lease when the write asks for it.
  const writeRecord = (w: DialogWrite): boolean | LeasedWrite => {
    const s = w.state;
    const { botId, platform, chatId } = s.key;
    const vars = JSON.stringify(s.vars);
    const snapshot = JSON.stringify(s.snapshot ?? null);
    const outbox = JSON.stringify(s.outbox);
    const recent = JSON.stringify(trimRecent(s.recentUpdates));
    const blocked = s.blocked ? 1 : 0;
    const [agenda, agendaDue] = agendaColumns(s.agenda);
    const lease = w.lease;
    if (lease === undefined) {
      const info =
        w.expectedRev === 0
          ? sql.insertDialog.run(botId, platform, chatId, s.rev, s.scenarioVersion, s.status, s.step, vars, snapshot, outbox, s.lastSeq, recent, blocked, s.createdAt, s.updatedAt, agenda, agendaDue)
          : sql.updateDialog.run(s.rev, s.scenarioVersion, s.status, s.step, vars, snapshot, outbox, s.lastSeq, recent, blocked, s.createdAt, s.updatedAt, agenda, agendaDue, botId, platform, chatId, w.expectedRev);
      return info.changes > 0;
    }
    // The token names its owner, so "already ours" is a prefix test on the one column (as claim does).
    const token = `${lease.owner} ${newLeaseToken()}`;
    const until = lease.now + lease.leaseMs;
    if (w.expectedRev === 0) {
      // A new record's lease is free: taken when it has replies.
      const taken = s.lastSeq > 0;
      const row = [botId, platform, chatId, s.rev, s.scenarioVersion, s.status, s.step, vars, snapshot, outbox, s.lastSeq, recent, blocked, s.createdAt, s.updatedAt, agenda, agendaDue];
      const info = taken ? sql.insertDialogLeased.run(...row, token, until) : sql.insertDialog.run(...row);
      if (info.changes === 0) return false;
      return taken ? { delivered: 0, token } : { delivered: 0 };
    }
    const { rev, scenarioVersion, status, step, lastSeq, createdAt, updatedAt } = s;
    const fields = { rev, scenarioVersion, status, step, vars, snapshot, outbox, lastSeq, recent, blocked, createdAt, updatedAt, agenda, agendaDue };
    const where = { botId, platform, chatId, expectedRev: w.expectedRev };
    const row = sql.updateDialogLeased.get({ ...fields, ...where, token, until, now: lease.now, ours: `${lease.owner} ` });
    if (row === undefined) return false;
    return row.lease_owner === token ? { delivered: row.delivered, token } : { delivered: row.delivered };
  };

  // One UPDATE (or INSERT) plus the history rows: a conflict writes nothing at all.
  const writeDialog = db.transaction((w: DialogWrite): boolean | LeasedWrite => {
    const written = writeRecord(w);
    if (written === false) return false;
    insertHistory(w.state.key, w.state.rev, w.history);
    return written;
  });

  // The UPDATE covers the usual case; when it changes nothing, the read tells "pending" from "not ours".
  // Only the UPDATE writes, so it needs no transaction of its own (callers run it inside the group commit).
  const releaseDelivery = (key: DialogKey, token: string, evenIfPending: boolean): boolean => {
    if (!evenIfPending && sql.release.run(key.botId, key.platform, key.chatId, token).changes > 0) return true;
    if (evenIfPending) sql.releaseAnyway.run(key.botId, key.platform, key.chatId, token);
    const row = sql.pendingOf.get(key.botId, key.platform, key.chatId);
    return row === undefined || row.pending === 0;
  };

  // Fenced: the write happens only under the lease `token`; `delivered < ?` spares a write when nothing changes,
  // and then the read tells "already marked" from "not our lease".
  // With `release`, one UPDATE marks and frees the lease unless newer replies are pending; no row: not our lease.
  const markDeliveredUnder = (key: DialogKey, seq: number, token: string, release: boolean): boolean | 'released' => {
    if (release) {
      const row = sql.markReleasing.get(seq, seq, seq, key.botId, key.platform, key.chatId, token);
      return row === undefined ? false : row.released === 1 ? 'released' : true;
    }
    if (sql.markDeliveredFenced.run(seq, key.botId, key.platform, key.chatId, seq, token).changes > 0) return true;
    return sql.leaseOf.get(key.botId, key.platform, key.chatId)?.lease_owner === token;
  };

  return { ...sql, putScenario, writeDialog, releaseDelivery, markDeliveredUnder };
}
