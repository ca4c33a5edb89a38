import type { ContactValue, FetchLimits, FileKind, IncomingFile, LocationValue, OutFileKind, OutMedia, OutsideWindow, StoredFile } from '../engine/index.js';
/**
 * The persistence port. Every implementation (SQLite, MongoDB, in-memory) passes the same contract suite
 * (test/runtime/store/contract.ts). Times are epoch milliseconds.
 *
 * A dialog is one record: snapshot, pending replies (outbox) and recently applied update ids are written together
 * with compare-and-set on `rev`, so dedupe, state change and "replies only for saved transitions" are atomic.
 */

/** Identifies one conversation: a chat of one bot on one platform. */
export interface DialogKey {
  readonly botId: string;
  readonly platform: string;
  readonly chatId: string;
}

export interface OutboxButton {
  readonly text: string;
  readonly value: string;
}

/** A reply waiting to be delivered. `seq` increases by one per message within a dialog, starting at 1. */
export interface OutboxMessage {
  readonly seq: number;
  /** The text, or the caption of `media`. */
  readonly text: string;
  readonly buttons: readonly OutboxButton[];
  /** A medium sent with `text` as its caption: one per message (a step's media become messages after its text). */
  readonly media?: OutMedia;
  /** How it goes out when the channel's customer-service window is closed (WhatsApp, Messenger). */
  readonly outsideWindow?: OutsideWindow;
  /** The step that produced it; absent for messages sent through `sendMessage`. */
  readonly step?: string;
  readonly at: number;
  /**
   * Present when `text` shows a sensitive value: the text as logs and the history keep it (values masked), and
   * where its history line is: the revision and its place among that revision's replies (0-based). `text` itself
   * is kept for the platform only; it leaves the record when a later write prunes delivered replies.
   */
  readonly masked?: { readonly text: string; readonly rev: number; readonly reply: number };
}

/** BotDialogState: everything about one dialog, written as one unit. */
export interface DialogState {
  readonly key: DialogKey;
  /** Incremented by every successful write; 1 after the first. */
  readonly rev: number;
  /** The content hash of the scenario the snapshot belongs to. */
  readonly scenarioVersion: string;
  /** The step the dialog waits in; null when no dialog runs (not started, or ended). */
  readonly step: string | null;
  readonly status: 'active' | 'ended';
  /** The collected variables (a copy of the snapshot's, for queries and the dashboard). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** The XState persisted snapshot, JSON-safe. */
  readonly snapshot: unknown;
  /** Replies not yet known to be delivered, in `seq` order. May still hold messages with seq <= delivered. */
  readonly outbox: readonly OutboxMessage[];
  /** The highest `seq` ever written. */
  readonly lastSeq: number;
  /** The highest `seq` delivered. Only `markDelivered` raises it; `writeDialog` never changes it. */
  readonly delivered: number;
  /** Ids of recently applied platform updates, oldest first, at most RECENT_UPDATES_LIMIT. */
  readonly recentUpdates: readonly string[];
  /** The user blocked the bot (a platform said so when delivering). Cleared by the next write. */
  readonly blocked: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  /**
   * When the last user message was applied (epoch ms), written by the transition that applied it: WhatsApp and
   * Messenger send free text only within 24 h of it. Absent: none recorded.
   */
  readonly lastInboundAt?: number;
  /** Work due later that is not a reply (timers), earliest first; absent or empty: none. See AgendaEntry. */
  readonly agenda?: readonly AgendaEntry[];
}

export const RECENT_UPDATES_LIMIT = 100;

/**
 * Something a dialog waits for that is not a user message: a timer, or a call to the outside world. Written with the
 * transition that schedules it (the same compare-and-set write), removed by the write that applies it or that leaves
 * the step it belongs to. Applying it is an event with the id `agenda:<id>`, deduped like an update id.
 */
export interface AgendaEntry {
  /** Unique within its dialog for the dialog's lifetime: `<rev>.<n>`, n-th entry of the write that created it. */
  readonly id: string;
  /**
   * A timer fires an event when due; a call is due at once, and its result comes back as an event; a fetch (files
   * a user sent) is due at once, downloaded into the media store, and comes back as `media.stored`.
   */
  readonly kind: 'timer' | 'call' | 'fetch';
  /** Which timer, as the scenario machine names it (for instance `timeout`, `reminder`, `wait`, `expire`); `call` for calls. */
  readonly name: string;
  /** Its place among its step's timers of the same name (reminders). */
  readonly index?: number;
  /** The step it belongs to; null for a dialog-wide entry (the idle expiry). */
  readonly step: string | null;
  /** When it is due, epoch ms. */
  readonly due: number;
  /** When it was scheduled. */
  readonly at: number;
  /** A call's request as the machine built it (JSON; secrets stay placeholders, filled in only when it is sent). */
  readonly request?: Readonly<Record<string, unknown>>;
  /** A fetch's files and limits, as the `fetch` effect gave them. */
  readonly fetch?: { readonly files: readonly IncomingFile[]; readonly limits: FetchLimits };
  /** A call or fetch: attempts started so far (written before each attempt, so a restarted process knows). */
  readonly attempts?: number;
}

/** A dialog's agenda lease as held: its record as read under the lease, and the fencing token of this claim. */
export interface AgendaLease {
  readonly state: DialogState;
  readonly token: string;
}

/** What delivery needs of a dialog: its replies and how far they went (no snapshot to parse). */
export type DeliveryState = Pick<DialogState, 'key' | 'rev' | 'outbox' | 'lastSeq' | 'delivered' | 'blocked'> & Partial<Pick<DialogState, 'lastInboundAt'>>;

/**
 * A delivery lease as held: the dialog's delivery view and the fencing token of this claim. Every claim draws a
 * new token, so a holder whose lease was taken over (expired, or claimed again by a restarted process of the same
 * owner) can no longer renew it, mark replies delivered or release it.
 */
export type DeliveryLease = DeliveryState & { readonly token: string };

/** Which pending deliveries a sweeper wants: see Store.pendingDeliveries. */
export interface PendingQuery {
  readonly owner?: string;
  readonly skip?: readonly { readonly botId: string; readonly platform: string }[];
}

/** BotDialogHistory: one inbound or outbound message. */
export interface HistoryEntry {
  readonly key: DialogKey;
  /** The dialog revision that the message belongs to. */
  readonly rev: number;
  readonly direction: 'in' | 'out';
  /** The step the dialog was at (inbound) or that produced the message (outbound). */
  readonly step: string | null;
  readonly text?: string;
  /** The value of a pressed button (inbound). */
  readonly press?: string;
  readonly buttons?: readonly OutboxButton[];
  /**
   * Media of the message, by reference (never the bytes, never a platform URL with a token): inbound, what the
   * user sent (files as declared, then, on the turn that stored them, the stored files); outbound, what was sent.
   */
  readonly media?: readonly MediaNote[];
  readonly updateId?: string;
  readonly at: number;
}

/** A medium as the history records it. */
export type MediaNote =
  | { readonly kind: FileKind | OutFileKind; readonly file?: StoredFile; readonly url?: string; readonly path?: string; readonly name?: string; readonly mime?: string; readonly size?: number; readonly caption?: string }
  | LocationValue
  | ContactValue;

/** One compare-and-set write. The fields of `state` other than `delivered` replace the stored ones. */
export interface DialogWrite {
  /** The revision read before the change; 0 creates the record (and fails if it exists). */
  readonly expectedRev: number;
  /** The new state; its `rev` must be expectedRev + 1. `delivered` is ignored. */
  readonly state: DialogState;
  /** Messages of this transition, stored with it (SQLite: same transaction; MongoDB: right after, idempotent). */
  readonly history: readonly HistoryEntry[];
  /**
   * Takes the delivery lease in the same write, by claimDelivery's rule (free, expired at `now`, or already this
   * owner's), and only while replies are pending (the new lastSeq > the stored delivered): the writer delivers the
   * replies it just committed without a claim or a read-back. See LeasedWrite.
   */
  readonly lease?: WriteLease;
}

/** A delivery lease asked for with a write: until now + leaseMs, with a new fencing token. */
export interface WriteLease {
  readonly owner: string;
  readonly now: number;
  readonly leaseMs: number;
}

/**
 * What a write that asked for the lease reports: the stored `delivered` (which writes never change), and the
 * token when the lease was taken; no token when another owner holds it or nothing is pending.
 */
export interface LeasedWrite {
  readonly delivered: number;
  readonly token?: string;
}

/** Options of a fenced markDelivered. */
export interface MarkOptions {
  /** Frees the lease in the same write when nothing newer is pending (lastSeq <= the new delivered). */
  readonly release?: boolean;
}

/** BotInstance: a bot of an account. */
export interface BotInstance {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** BotPlatformCredential: a platform token, encrypted at rest (see runtime/secrets). */
export interface BotPlatformCredential {
  readonly botId: string;
  readonly platform: string;
  /** Which key encrypted it, so keys can rotate. */
  readonly keyId: string;
  /** base64 of iv (12 bytes) + auth tag (16 bytes) + ciphertext. */
  readonly ciphertext: string;
  readonly updatedAt: number;
}

/** BotScenario: one version of a bot's scenario. */
export interface BotScenario {
  readonly botId: string;
  /** 1, 2, 3… per bot, assigned by the store. */
  readonly version: number;
  /** Content hash (the machine config's `version`). Unique per bot. */
  readonly hash: string;
  readonly format: 'json' | 'scn';
  readonly source: string;
  /** The compiled XState machine config (plain JSON). */
  readonly machine: unknown;
  readonly createdAt: number;
  /** When it was created or last activated; the bot runs the version with the greatest (ties: greatest version). */
  readonly activatedAt: number;
}

/** What putScenario is given: the store assigns the version, and a new version is activated at createdAt. */
export type NewBotScenario = Omit<BotScenario, 'version' | 'activatedAt'>;

export interface HistoryQuery {
  /** At most this many (an integer >= 0), in either mode. Default 100. */
  readonly limit?: number;
  /**
   * A cursor (an integer >= 0): when set, the OLDEST `limit` entries with rev > afterRev, oldest first, so a live
   * stream resumes after the last revision it sent. Unset: the newest `limit` entries, newest last.
   */
  readonly afterRev?: number;
}

export interface DialogListQuery {
  /** At most this many, an integer from 0 to MAX_DIALOG_LIST_LIMIT (1000). Default 50. */
  readonly limit?: number;
  /** Only dialogs on this platform. Default: all platforms. */
  readonly platform?: string;
}

/** A dialog for lists: no snapshot, vars or outbox, so listing many stays cheap. */
export type DialogSummary = Pick<DialogState, 'key' | 'rev' | 'scenarioVersion' | 'step' | 'status' | 'blocked' | 'createdAt' | 'updatedAt' | 'lastSeq'>;

/** How far dialogs went through a scenario. A dialog is identified by (botId, platform, chatId). */
/**
 * The funnel counts conversations: a dialog's runs from one start to the next (see `startsConversation` in
 * shared.ts), so a dialog finished and then started over counts one finished conversation and one more.
 */
export interface FunnelCounts {
  /** Conversations with at least one history entry at or after `since`. */
  readonly dialogs: number;
  /** Per step: conversations among those with a history entry at that step (at >= since). Null steps are left out. */
  readonly reached: Readonly<Record<string, number>>;
  /** Among `dialogs`: how many finished (the dialog ended before the next start, or is ended now). */
  readonly ended: number;
  /** Among `dialogs`: how many stopped at a step, per step: the dialog is there now, or was started over from there. */
  readonly current: Readonly<Record<string, number>>;
}

/** History entries of one time bucket, by direction. */
export interface RateBucket {
  /** The bucket start: floor(at / bucketMs) * bucketMs. */
  readonly at: number;
  readonly in: number;
  readonly out: number;
}

/** A scenario version without its source and compiled machine. */
export type ScenarioSummary = Omit<BotScenario, 'source' | 'machine'>;

export interface Store {
  readonly kind: 'sqlite' | 'mongodb' | 'memory';

  upsertBot(bot: BotInstance): Promise<void>;
  getBot(id: string): Promise<BotInstance | undefined>;
  listBots(): Promise<BotInstance[]>;

  putCredential(credential: BotPlatformCredential): Promise<void>;
  getCredential(botId: string, platform: string): Promise<BotPlatformCredential | undefined>;
  /** A bot's credentials, by platform name. */
  listCredentials(botId: string): Promise<BotPlatformCredential[]>;
  /** Removes one credential; false when there was none. */
  deleteCredential(botId: string, platform: string): Promise<boolean>;

  /**
   * Stores a scenario version. Idempotent by (botId, hash): an existing version with the same hash is returned
   * unchanged (and not activated); otherwise the next version number is assigned, with activatedAt = createdAt.
   * Safe when two processes call it at once.
   */
  putScenario(scenario: NewBotScenario): Promise<BotScenario>;
  /** The active version (greatest activatedAt; ties: greatest version), or the version with this hash. */
  getScenario(botId: string, hash?: string): Promise<BotScenario | undefined>;
  /** Sets the activatedAt of a version to `at`; undefined when the bot has no such version. */
  activateScenario(botId: string, version: number, at: number): Promise<BotScenario | undefined>;

  getDialog(key: DialogKey): Promise<DialogState | undefined>;
  /**
   * Compare-and-set on `rev`. Returns false on a conflict (someone else wrote first); then nothing is written.
   * Otherwise true, or a LeasedWrite when the write asked for the lease.
   */
  writeDialog(write: DialogWrite): Promise<boolean | LeasedWrite>;
  /**
   * Raises `delivered` to `seq` (never lowers it); leaves `rev` alone. With a lease token, only while that lease
   * is the dialog's current one: returns false (and writes nothing) when it is not. With a token and
   * `options.release`, the same write frees the lease when nothing newer is pending: then it returns 'released'
   * (true: marked, and the lease kept for the newer replies).
   */
  markDelivered(key: DialogKey, seq: number, token?: string, options?: MarkOptions): Promise<boolean | 'released'>;
  /** Sets `blocked` without a new revision. */
  setBlocked(key: DialogKey, blocked: boolean): Promise<void>;

  /**
   * Takes the delivery lease of a dialog when it is free, expired (until < now) or held by the same owner (a
   * restarted process takes over its previous incarnation's leases); returns the delivery view with a new token,
   * or undefined when another owner holds it or there is no such dialog.
   */
  claimDelivery(key: DialogKey, owner: string, now: number, leaseMs: number): Promise<DeliveryLease | undefined>;
  /**
   * Extends the lease to now + leaseMs while `token` is still the dialog's lease (even past its end, as long as
   * nobody claimed it since); returns the fresh delivery view, or undefined when the lease was lost.
   */
  renewDelivery(key: DialogKey, token: string, now: number, leaseMs: number): Promise<DeliveryLease | undefined>;
  /**
   * Frees the lease `token` unless messages are pending (lastSeq > delivered); returns false when they are.
   * `evenIfPending` frees it anyway (shutdown: another process may send them at once).
   */
  releaseDelivery(key: DialogKey, token: string, evenIfPending?: boolean): Promise<boolean>;
  /**
   * Dialogs with undelivered messages whose lease is free or expired at `now`, or held by `query.owner` (a
   * restarted process finds what its previous incarnation held), leaving out the bots and platforms in
   * `query.skip` (those the caller cannot send for).
   */
  pendingDeliveries(now: number, limit: number, query?: PendingQuery): Promise<DialogKey[]>;

  /**
   * Dialogs whose earliest agenda entry is due (due <= now) and whose agenda lease is free, expired at `now`, or held
   * by `query.owner`, earliest due first, leaving out the bots and platforms in `query.skip`. Served by an index on
   * the earliest due time.
   */
  dueAgenda(now: number, limit: number, query?: PendingQuery): Promise<DialogKey[]>;
  /**
   * Takes a dialog's agenda lease (its own, apart from the delivery lease) when it is free, expired at `now`, or held by
   * the same owner, with a new fencing token; returns the record and the token, or undefined when another owner
   * holds it or there is no such dialog.
   */
  claimAgenda(key: DialogKey, owner: string, now: number, leaseMs: number): Promise<AgendaLease | undefined>;
  /** Extends the agenda lease to now + leaseMs while `token` is still its token; false when it was lost. */
  renewAgenda(key: DialogKey, token: string, now: number, leaseMs: number): Promise<boolean>;
  /** Frees the agenda lease when `token` is still its token; false when it was not (taken over meanwhile). */
  releaseAgenda(key: DialogKey, token: string): Promise<boolean>;

  /** Entries of one dialog, oldest first; see HistoryQuery. Throws RangeError on a bad limit or afterRev. */
  history(key: DialogKey, query?: HistoryQuery): Promise<HistoryEntry[]>;
  countDialogs(botId?: string): Promise<number>;

  /**
   * Dialogs of a bot, most recently updated first; ties by platform, then chatId. Throws RangeError on a limit
   * that is not an integer from 0 to 1000.
   */
  listDialogs(botId: string, query?: DialogListQuery): Promise<DialogSummary[]>;
  /**
   * Active dialogs of a bot that wait in a step, counted per step; with `since`, only those with updatedAt >= since.
   * Steps without such dialogs are absent.
   */
  activeByStep(botId: string, since?: number): Promise<Record<string, number>>;
  /**
   * The funnel of the conversations of a bot that have history at or after `since`; see FunnelCounts. `startStep`
   * (the scenario's start_step) tells a /start in the middle of a conversation; without it only starts from a
   * new or ended dialog are seen.
   */
  funnel(botId: string, since: number, startStep?: string): Promise<FunnelCounts>;
  /**
   * History entries of a bot at or after `since`, counted by direction per `bucketMs` bucket: only non-empty
   * buckets, ascending by `at`. Throws RangeError unless bucketMs is an integer >= 1000.
   */
  messageRate(botId: string, since: number, bucketMs: number): Promise<RateBucket[]>;
  /** The scenario versions of a bot, newest (greatest version) first. */
  listScenarios(botId: string): Promise<ScenarioSummary[]>;

  /** Resolves when the store can serve requests; rejects otherwise (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The store could not be reached or failed; callers answer "try again later" (HTTP 503). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}
