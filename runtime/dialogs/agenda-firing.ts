// Firing agenda entries: a timer's event, or a call or a media fetch made outside the dialog's mailbox and its result
// applied as a turn. One path applies them all (applyEntry): exactly once by the event id `agenda:<entry id>`, dropped
// when the dialog has left the entry's step. Kept in one file because calls and fetches share the attempt bookkeeping
// (startAttempt) and the turn (applyEntry); the download itself is in media-fetch.ts.
import { performance } from 'node:perf_hooks';
import { EngineError, type CallRequest, type Dialog, type Effect, type InboundEvent, type MachineConfig, type TurnResult } from '../engine/index.js';
import { addSecretValues, withLogContext, type ConversationLogger } from '../log/index.js';
import type { AgendaEntry, DialogKey, DialogState, LeasedWrite, Store } from '../store/index.js';
import {
  agendaEventId,
  backoffMs,
  callResultEvent,
  earliestDue,
  nextAgenda,
  requestOf,
  SECRET_ENV_PREFIX,
  secretNames,
  timerEvent,
  type BotSecretResolver,
  type CallAttempt,
  type CallClient,
  type CallResult,
  type FireOutcome,
  type SecretSource,
} from '../agenda/index.js';
import type { PlatformAdapter } from '../adapters/types.js';
import type { MediaStore } from '../media/index.js';
import type { MediaNote } from '../store/index.js';
import type { Delivery } from './delivery.js';
import { WriteConflictError } from './errors.js';
import type { CallOutcome, DialogEvents, FetchOutcome } from './events.js';
import { downloadFiles, FETCH_ATTEMPTS, receivedNotes, storedEvent, type FetchAttempt } from './media-fetch.js';
import { dialogContext, elapsed, engineTracer } from './logging.js';
import type { Mailboxes } from './mailbox.js';
import { nextState } from './next-state.js';
import type { DialogRegistry, LiveDialog } from './registry.js';

/** What firing needs of the dialog manager. */
export interface FiringHost {
  readonly store: Store;
  readonly clock: () => number;
  readonly maxRetries: number;
  readonly events: DialogEvents;
  readonly delivery: Delivery;
  readonly mailboxes: Mailboxes;
  readonly registry: DialogRegistry;
  readonly logs: (where: { botId: string; platform: string }) => ConversationLogger;
  /** The client that makes a bot's calls (bots may be allowed different private hosts). */
  clientFor(botId: string): CallClient;
  /** Where a bot's `{{secret.NAME}}` come from (environment, then its encrypted credentials); without it, the client's own source. */
  readonly secrets?: BotSecretResolver;
  /** Waits between a call's attempts (injected: tests never sleep). */
  readonly sleep: (ms: number) => Promise<void>;
  /** True once the manager is stopping: a call is not retried then, its entry is left to a later holder. */
  readonly stopping: () => boolean;
  previousOf(k: string, key: DialogKey): Promise<{ live: LiveDialog | undefined; previous: DialogState | undefined }>;
  restore(config: MachineConfig, state: DialogState, kept: boolean, log: ConversationLogger): { dialog: Dialog; restarted: boolean };
  keep(k: string, dialog: Dialog | undefined, state: DialogState, written: true | LeasedWrite): void;
  logTurn(effects: readonly Effect[], log: ConversationLogger): void;
  /** Tells the agenda runner of a due time written here. */
  learn(due: number | undefined): void;
  /** The adapter of a platform (its `download` fetches the files users send). */
  adapterFor(platform: string): PlatformAdapter | undefined;
  /** Where fetched files go; without it every fetch fails as 'download'. */
  readonly media?: MediaStore | undefined;
  /** The longest one file's download may take (MEDIA_FETCH_TIMEOUT_MS). */
  readonly fetchTimeoutMs: number;
  /** The turn with its shipped files replaced by stored ones. */
  withStoredMedia(botId: string, turn: TurnResult, log: ConversationLogger): Promise<TurnResult>;
}

type Applied =
  | { readonly outcome: 'applied'; readonly rev: number; readonly stepBefore: string | null; readonly stepAfter: string | null; readonly replies: number }
  | { readonly outcome: 'duplicate' | 'dropped' };

/** What the record says before an attempt: make it (its number written), or the earlier one was cut, or nothing to do. */
type AttemptStart = { readonly kind: 'go'; readonly attempts: number } | { readonly kind: 'interrupted'; readonly attempts: number } | { readonly kind: 'skip'; readonly outcome: 'duplicate' | 'dropped' };

const keyString = (k: DialogKey): string => `${k.botId}\u0000${k.platform}\u0000${k.chatId}`;

export class AgendaFiring {
  constructor(private readonly host: FiringHost) {}

  /**
   * A timer: 'dropped' when the record no longer holds it (the dialog left its step), 'duplicate' when its event id
   * was applied already, else the turn of `timer.<name>` whose write removes the entry.
   */
  fireTimer(key: DialogKey, config: MachineConfig, entry: AgendaEntry): Promise<FireOutcome> {
    const { host } = this;
    return withLogContext(dialogContext(key, agendaEventId(entry)), async () => {
      const log = host.logs(key);
      const started = performance.now();
      const timer = { timer: entry.name, ...(entry.index === undefined ? {} : { index: entry.index }), entry: entry.id, due: entry.due };
      const lateness = (): number => Math.max(0, host.clock() - entry.due);
      let applied: Applied;
      try {
        applied = await host.mailboxes.run(keyString(key), () =>
          this.applyEntry(key, config, entry, timerEvent(entry), log, (step, attempt) =>
            log.info('TIMER', `timer ${entry.name} fired`, { ...timer, step, lateness_ms: lateness(), ...(attempt > 0 ? { attempt } : {}) }),
          ),
        );
      } catch (err) {
        log.error('ERROR', 'a timer could not be applied', { err, timer: entry.name, entry: entry.id });
        host.events.emit({ type: 'failed', key, durationMs: elapsed(started) });
        throw err;
      }
      const latenessMs = lateness();
      if (applied.outcome !== 'applied') {
        if (log.isDebug) log.debug('TIMER', `timer ${entry.name} ${applied.outcome}`, { ...timer, step: entry.step });
        host.events.emit({ type: 'timer', key, name: entry.name, outcome: applied.outcome, latenessMs, replies: 0, durationMs: elapsed(started) });
        return applied.outcome;
      }
      const { rev, stepBefore, stepAfter, replies } = applied;
      host.events.emit({ type: 'timer', key, name: entry.name, outcome: 'applied', latenessMs, rev, stepBefore, stepAfter, replies, durationMs: elapsed(started) });
      return 'applied';
    });
  }

  /**
   * A call: each attempt's number is written into the entry before it is made (a write of its own, no turn), the
   * request runs outside the mailbox (the runner renews the agenda lease meanwhile), and the result is applied as
   * the turn of `call.result`. An attempt started by an earlier holder whose answer is unknown (it stopped during the
   * request) is made again only for an idempotent method with retries left; otherwise the result is `interrupted`.
   */
  fireCall(key: DialogKey, config: MachineConfig, entry: AgendaEntry): Promise<FireOutcome> {
    const { host } = this;
    return withLogContext(dialogContext(key, agendaEventId(entry)), async () => {
      const log = host.logs(key);
      const started = performance.now();
      try {
        return await this.runCall(key, config, entry, log, started);
      } catch (err) {
        log.error('ERROR', 'a call could not be applied', { err, entry: entry.id });
        host.events.emit({ type: 'failed', key, durationMs: elapsed(started) });
        throw err;
      }
    });
  }

  private async runCall(key: DialogKey, config: MachineConfig, entry: AgendaEntry, log: ConversationLogger, started: number): Promise<FireOutcome> {
    const { host } = this;
    const k = keyString(key);
    const request = requestOf(entry);
    let made = 0;
    let result: CallResult | undefined;
    if (!request) {
      log.error('CALL', 'the call entry holds no usable request: the call fails as refused', { entry: entry.id, step: entry.step });
      result = { ok: false, error: 'refused' };
    }
    while (result === undefined && request) {
      const start = await host.mailboxes.run(k, () => this.startAttempt(key, entry, request.retries));
      if (start.kind === 'skip') return this.callEnded(key, entry, start.outcome, made, log, started);
      made = start.attempts;
      if (start.kind === 'interrupted') {
        log.warning('CALL', `call ${request.method} ${where(request.url)} interrupted: attempt ${made} was cut short, and is not made again`, {
          ...target(request),
          attempt: made,
          error: 'interrupted',
        });
        result = { ok: false, error: 'interrupted' };
        break;
      }
      const attempt = await this.attempt(key.botId, request);
      this.logAttempt(key, request, attempt, made, log);
      if (attempt.result.ok || !attempt.retryable || made > request.retries) {
        result = attempt.result;
        break;
      }
      // Left in the record with its attempt written: the next holder calls again (an idempotent method).
      if (host.stopping()) return this.callEnded(key, entry, 'deferred', made, log, started);
      await host.sleep(backoffMs(made));
      if (host.stopping()) return this.callEnded(key, entry, 'deferred', made, log, started);
    }
    const answer = result!;
    const event = callResultEvent(answer);
    const applied = await host.mailboxes.run(k, () =>
      this.applyEntry(key, config, entry, event, log, (step, attempt) => {
        if (log.isDebug) log.debug('CALL', 'call result applied', { step, entry: entry.id, ok: answer.ok, ...(answer.ok ? {} : { error: answer.error }), ...(attempt > 0 ? { attempt } : {}) });
      }),
    );
    if (applied.outcome !== 'applied') return this.callEnded(key, entry, applied.outcome, made, log, started);
    const { rev, stepBefore, stepAfter, replies } = applied;
    host.events.emit({ type: 'call', key, outcome: answer.ok ? 'ok' : answer.error, attempts: made, rev, stepBefore, stepAfter, replies, durationMs: elapsed(started) });
    return 'applied';
  }

  /**
   * A fetch of the files a user sent: like a call, each attempt's number is written into the entry before it is
   * made, the downloads run outside the mailbox (the runner renews the agenda lease meanwhile), and the outcome is
   * applied once as the turn of `media.stored`, whose history line references the stored files. A 'retry' download
   * error, a network error or a timeout is tried again with backoff, FETCH_ATTEMPTS attempts in all (downloads are
   * idempotent: an attempt cut short by a stopped process is made again); a refused file (too large, a type not
   * accepted) or a 'permanent' error ends it at once.
   */
  fireFetch(key: DialogKey, config: MachineConfig, entry: AgendaEntry): Promise<FireOutcome> {
    const { host } = this;
    return withLogContext(dialogContext(key, agendaEventId(entry)), async () => {
      const log = host.logs(key);
      const started = performance.now();
      try {
        return await this.runFetch(key, config, entry, log, started);
      } catch (err) {
        log.error('ERROR', 'a media fetch could not be applied', { err, entry: entry.id });
        host.events.emit({ type: 'failed', key, durationMs: elapsed(started) });
        throw err;
      }
    });
  }

  private async runFetch(key: DialogKey, config: MachineConfig, entry: AgendaEntry, log: ConversationLogger, started: number): Promise<FireOutcome> {
    const { host } = this;
    const k = keyString(key);
    const fetch = entry.fetch;
    let made = 0;
    let outcome: FetchAttempt | undefined;
    if (!fetch || fetch.files.length === 0) {
      log.error('MEDIA', 'the fetch entry holds no files: it fails as a download error', { entry: entry.id, step: entry.step });
      outcome = { kind: 'failed', retryable: false, detail: 'nothing to download', index: 0, durationMs: 0 };
    }
    while (outcome === undefined && fetch) {
      const start = await host.mailboxes.run(k, () => this.startAttempt(key, entry, FETCH_ATTEMPTS - 1));
      if (start.kind === 'skip') return this.fetchEnded(key, entry, start.outcome, made, log, started);
      made = start.attempts;
      if (start.kind === 'interrupted') {
        log.warning('MEDIA', `media download interrupted: attempt ${made} was cut short, and all ${FETCH_ATTEMPTS} are spent`, { entry: entry.id, attempt: made, error: 'download' });
        outcome = { kind: 'failed', retryable: false, detail: 'the download was interrupted', index: 0, durationMs: 0 };
        break;
      }
      const attempt = await downloadFiles(key.botId, fetch.files, fetch.limits, { adapter: host.adapterFor(key.platform), media: host.media, timeoutMs: host.fetchTimeoutMs });
      this.logFetch(key, fetch.files.length, attempt, made, log);
      if (attempt.kind !== 'failed' || !attempt.retryable || made >= FETCH_ATTEMPTS) {
        outcome = attempt;
        break;
      }
      if (host.stopping()) return this.fetchEnded(key, entry, 'deferred', made, log, started);
      await host.sleep(backoffMs(made));
      if (host.stopping()) return this.fetchEnded(key, entry, 'deferred', made, log, started);
    }
    const result = outcome!;
    const event = storedEvent(result);
    const received = result.kind === 'stored' ? receivedNotes(result.files) : undefined;
    const applied = await host.mailboxes.run(k, () =>
      this.applyEntry(
        key,
        config,
        entry,
        event,
        log,
        (step, attempt) => {
          if (log.isDebug) log.debug('MEDIA', 'media outcome applied', { step, entry: entry.id, ok: result.kind === 'stored', ...(attempt > 0 ? { attempt } : {}) });
        },
        received,
      ),
    );
    if (applied.outcome !== 'applied') return this.fetchEnded(key, entry, applied.outcome, made, log, started);
    const { rev, stepBefore, stepAfter, replies } = applied;
    const fetchOutcome: FetchOutcome = result.kind === 'stored' ? 'ok' : result.kind === 'refused' ? result.error : 'download';
    host.events.emit({
      type: 'fetch',
      key,
      outcome: fetchOutcome,
      attempts: made,
      files: result.kind === 'stored' ? result.files.length : 0,
      bytes: result.kind === 'stored' ? result.bytes : 0,
      rev,
      stepBefore,
      stepAfter,
      replies,
      durationMs: elapsed(started),
    });
    return 'applied';
  }

  private fetchEnded(key: DialogKey, entry: AgendaEntry, outcome: Extract<FetchOutcome, 'dropped' | 'duplicate' | 'deferred'>, attempts: number, log: ConversationLogger, started: number): FireOutcome {
    if (log.isDebug) log.debug('MEDIA', `media fetch ${outcome}`, { entry: entry.id, step: entry.step, attempts });
    this.host.events.emit({ type: 'fetch', key, outcome, attempts, files: 0, bytes: 0, replies: 0, durationMs: elapsed(started) });
    return outcome;
  }

  /** One line per attempt: what was stored (ids, sizes, types) or why not; never a URL. */
  private logFetch(key: DialogKey, count: number, attempt: FetchAttempt, made: number, log: ConversationLogger): void {
    const meta = { attempt: made, files: count, duration_ms: Math.round(attempt.durationMs) };
    if (attempt.kind === 'stored') {
      log.info('MEDIA', `${attempt.files.length} file(s) stored`, { ...meta, bytes: attempt.bytes, stored: attempt.files.map((f) => ({ kind: f.kind, id: f.id, mime: f.mime, size: f.size })) });
    } else if (attempt.kind === 'refused') {
      log.info('MEDIA', `file ${attempt.index + 1} refused: ${attempt.error}`, { ...meta, error: attempt.error, reason: attempt.detail });
    } else {
      log.warning('MEDIA', `media download failed${attempt.retryable ? '' : ' for good'}: ${attempt.detail}`, { ...meta, error: 'download', retryable: attempt.retryable, reason: attempt.detail });
    }
    this.host.events.emit({ type: 'fetch-attempt', key, durationMs: attempt.durationMs, result: attempt.kind });
  }

  /** One attempt: the bot's secrets looked up first (a missing one refuses the call unsent), then the request. */
  private async attempt(botId: string, request: CallRequest): Promise<CallAttempt> {
    const { host } = this;
    const client = host.clientFor(botId);
    const names = host.secrets ? secretNames(request.headers) : [];
    if (!host.secrets || names.length === 0) return client.send(request);
    const lookup = await host.secrets.resolve(botId, names);
    if (!lookup.ok) {
      const why = lookup.reason === 'undecryptable' ? 'is stored but cannot be decrypted with ENCRYPTION_KEY' : `is not set (${SECRET_ENV_PREFIX}${lookup.missing}, or the bot's secret store)`;
      return { result: { ok: false, error: 'refused' }, durationMs: 0, retryable: false, redirects: 0, reason: `the secret ${lookup.missing} ${why}` };
    }
    // Masked in every log line from now on; the values live only in this request.
    addSecretValues(lookup.values.values());
    const source: SecretSource = (name) => lookup.values.get(name);
    return client.send(request, source);
  }

  private callEnded(key: DialogKey, entry: AgendaEntry, outcome: Extract<CallOutcome, 'dropped' | 'duplicate' | 'deferred'>, attempts: number, log: ConversationLogger, started: number): FireOutcome {
    if (log.isDebug) log.debug('CALL', `call ${outcome}`, { entry: entry.id, step: entry.step, attempts });
    this.host.events.emit({ type: 'call', key, outcome, attempts, replies: 0, durationMs: elapsed(started) });
    return outcome;
  }

  /**
   * Through the mailbox: reads the entry, decides, and writes the attempt's number into it (the record's rev moves,
   * no turn). `retries`: attempts allowed after the first.
   */
  private async startAttempt(key: DialogKey, entry: AgendaEntry, retries: number): Promise<AttemptStart> {
    const { host } = this;
    const k = keyString(key);
    const eventId = agendaEventId(entry);
    for (let attempt = 0; attempt <= host.maxRetries; attempt++) {
      const previous = await this.current(k, key, entry.id);
      if (previous?.recentUpdates.includes(eventId)) return { kind: 'skip', outcome: 'duplicate' };
      const stored = previous?.agenda?.find((e) => e.id === entry.id);
      if (!previous || !stored) return { kind: 'skip', outcome: 'dropped' };
      const made = stored.attempts ?? 0;
      // All attempts spent, the last one cut short with its answer unknown (its holder stopped during the request).
      // POST and PATCH have no retries (requestOf), so an attempt of theirs is never made twice.
      if (made > retries) return { kind: 'interrupted', attempts: made };
      const state: DialogState = { ...previous, rev: previous.rev + 1, agenda: previous.agenda!.map((e) => (e.id === entry.id ? { ...e, attempts: made + 1 } : e)), updatedAt: host.clock() };
      const written = await host.store.writeDialog({ expectedRev: previous.rev, state, history: [] });
      if (written) {
        host.keep(k, undefined, state, written);
        return { kind: 'go', attempts: made + 1 };
      }
      host.registry.delete(k);
    }
    throw new WriteConflictError(`chat ${key.chatId}: ${host.maxRetries + 1} write conflicts in a row`);
  }

  private logAttempt(key: DialogKey, request: CallRequest, attempt: CallAttempt, made: number, log: ConversationLogger): void {
    const r = attempt.result;
    const status = 'status' in r ? r.status : undefined;
    const meta = {
      ...target(request),
      attempt: made,
      duration_ms: attempt.durationMs,
      ...(status === undefined ? {} : { status }),
      ...(r.ok ? {} : { error: r.error }),
      ...(attempt.redirects > 0 ? { redirects: attempt.redirects } : {}),
      ...(attempt.reason === undefined ? {} : { reason: attempt.reason }),
    };
    if (r.ok) log.info('CALL', `call ${request.method} ${where(request.url)} answered ${r.status}`, meta);
    else log.warning('CALL', `call ${request.method} ${where(request.url)} failed: ${r.error}${status === undefined ? '' : ` (${status})`}`, meta);
    this.host.events.emit({ type: 'call-attempt', key, durationMs: attempt.durationMs, ...(status === undefined ? {} : { status }), ...(r.ok ? {} : { error: r.error }) });
  }

  /**
   * Applies an entry's event as a turn, through the dialog's mailbox (the caller runs it there). `announce` is told
   * the step when the event goes to the machine (the dialog is still where the entry belongs).
   */
  private async applyEntry(
    key: DialogKey,
    config: MachineConfig,
    entry: AgendaEntry,
    event: InboundEvent,
    log: ConversationLogger,
    announce: (step: string | null, attempt: number) => void,
    received?: readonly MediaNote[],
  ): Promise<Applied> {
    const { host } = this;
    const k = keyString(key);
    const eventId = agendaEventId(entry);
    for (let attempt = 0; attempt <= host.maxRetries; attempt++) {
      const previous = await this.current(k, key, entry.id);
      if (previous?.recentUpdates.includes(eventId)) return { outcome: 'duplicate' };
      if (!previous?.agenda?.some((e) => e.id === entry.id)) return { outcome: 'dropped' };
      const now = host.clock();
      // An entry's turn starts from the record (a kept actor holds the effects of its last turn).
      const { dialog, restarted } = host.restore(config, previous, false, log);
      const stepBefore = dialog.step ?? null;
      // A record that no longer fits the scenario, or a step the dialog has left: the entry leaves with no turn.
      const fits = !restarted && (entry.step === null || entry.step === stepBefore);
      if (fits) announce(stepBefore, attempt);
      const turn: TurnResult = fits
        ? await host.withStoredMedia(key.botId, this.sendEvent(dialog, event, stepBefore, log), log)
        : { effects: [], step: previous.step ?? undefined, ended: false, refused: false };
      const stepAfter = fits ? (turn.step ?? null) : previous.step;
      const rev = previous.rev + 1;
      const agenda = nextAgenda({ previous: previous.agenda, effects: turn.effects, stepBefore: fits ? stepBefore : previous.step, stepAfter, rev, now, fired: entry.id, userMessage: false, expireAfterMs: config.expireAfterMs });
      const { state, history } = nextState({
        key,
        previous,
        scenarioVersion: fits ? config.version : previous.scenarioVersion,
        stepBefore: fits ? stepBefore : previous.step,
        stepAfter,
        vars: fits ? dialog.vars : previous.vars,
        snapshot: fits ? dialog.compact() : previous.snapshot,
        effects: turn.effects,
        applied: eventId,
        agenda,
        now,
        ...(fits && received !== undefined ? { received } : {}),
      });
      const lease = host.delivery.leaseFor(state);
      const written = await host.store.writeDialog({ expectedRev: previous.rev, state, history, lease });
      if (written) {
        host.keep(k, undefined, state, written);
        if (!fits) return { outcome: 'dropped' };
        if (stepAfter !== stepBefore) log.stateChange(stepAfter, { from: stepBefore, to: stepAfter, rev: state.rev });
        host.logTurn(turn.effects, log);
        if (state.agenda) host.learn(earliestDue(state.agenda));
        void host.delivery.afterWrite(state, written, lease);
        return { outcome: 'applied', rev: state.rev, stepBefore, stepAfter, replies: state.lastSeq - previous.lastSeq };
      }
      host.registry.delete(k);
      if (log.isDebug) log.debug('PROCESSING', 'write conflict: re-reading the dialog', { attempt });
    }
    throw new WriteConflictError(`chat ${key.chatId}: ${host.maxRetries + 1} write conflicts in a row`);
  }

  /** The record to fire from: the kept one when it holds the entry, else the stored one (another process may have written since). */
  private async current(k: string, key: DialogKey, entryId: string): Promise<DialogState | undefined> {
    const kept = await this.host.previousOf(k, key);
    if (kept.live && !kept.previous?.agenda?.some((e) => e.id === entryId)) {
      this.host.registry.delete(k);
      return this.host.store.getDialog(key);
    }
    return kept.previous;
  }

  private sendEvent(dialog: Dialog, event: InboundEvent, step: string | null, log: ConversationLogger): TurnResult {
    try {
      return dialog.sendEvent(event, log.isDebug ? engineTracer(log) : undefined);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      log.error('ERROR', `the scenario machine failed on ${event.type}`, { err, step });
      return { effects: [], step: dialog.step, ended: dialog.ended, refused: false };
    }
  }
}

/** The host and path of a call (never its query, which may carry personal data), for its log lines. */
function target(request: CallRequest): { method: string; host: string; path: string } {
  try {
    const url = new URL(request.url);
    return { method: request.method, host: url.host, path: url.pathname };
  } catch {
    return { method: request.method, host: '', path: '' };
  }
}

const where = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
};
