import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { InspectionEvent } from 'xstate';
import { Dialog, EngineError, SnapshotMismatchError, type Effect, type MachineConfig, type TurnResult, type UserMessage, type Vars } from '../engine/index.js';
import { isChannelId } from '../../compiler/index.js';
import type { OutboundMessage, ParsedUpdate, PlatformAdapter } from '../adapters/types.js';
import { conversationLoggers, withLogContext, type ConversationLogger, type Logger } from '../log/index.js';
import type { AgendaEntry, DialogKey, DialogState, LeasedWrite, OutboxButton, Store } from '../store/index.js';
import { AgendaRunner, earliestDue, HttpCallClient, nextAgenda, type BotSecretResolver, type CallClient, type FireOutcome, type HttpCallClientOptions } from '../agenda/index.js';
import { sendsShippedFile, type MediaStore, type ShippedFiles } from '../media/index.js';
import { AgendaFiring } from './agenda-firing.js';
import { Delivery, type DeliveryOptions } from './delivery.js';
import { UnknownBotError, UnknownPlatformError, WriteConflictError } from './errors.js';
import { maskInputEvent } from '../inspect/mask-input.js';
import { DialogEvents, type DialogEvent, type DialogListener } from './events.js';
import { dialogContext, elapsed, engineTracer, isSensitiveStep, messageText } from './logging.js';
import { Mailboxes } from './mailbox.js';
import { nextState } from './next-state.js';
import { DialogRegistry, type LiveDialog, type RegistryOptions } from './registry.js';

export interface DialogManagerOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Names this process in delivery leases; unique per process by default. */
  readonly owner?: string;
  readonly registry?: RegistryOptions;
  readonly delivery?: DeliveryOptions;
  /** The agenda runner's timing (sweep interval, lease); see AgendaRunnerOptions. */
  readonly agenda?: AgendaOptions;
  /** HTTP calls of the agenda: the client, or the options of the default one (undici, SSRF guard, secrets from SCENARIST_SECRET_*). */
  readonly calls?: CallClient | HttpCallClientOptions;
  /** A bot's own client, when it has one (its config allows more hosts); other bots use `calls`. */
  readonly callsFor?: (botId: string) => CallClient | undefined;
  /** Bots' secrets for their calls (environment, then encrypted credentials); without it, the client's own source. */
  readonly secrets?: BotSecretResolver;
  /** Compare-and-set attempts per event before giving up with WriteConflictError. Default 10. */
  readonly maxConflictRetries?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Receives the inspection events of every dialog actor (`scenarist serve --inspect`). */
  readonly inspect?: (event: InspectionEvent) => void;
  /** Where the files users send are downloaded to; without it a fetch fails as a download error. */
  readonly media?: MediaStore;
  /** The longest one file's download may take (MEDIA_FETCH_TIMEOUT_MS). Default 60 s. */
  readonly fetchTimeoutMs?: number;
  /** Files shipped with the bots: a say effect's `{ path }` becomes the stored `{ file }` before the turn's write. */
  readonly shipped?: ShippedFiles;
}

export interface IncomingMessage {
  readonly botId: string;
  readonly platform: string;
  /** When given, it must match the dialog the update belongs to (its chat id as the adapter reads it: for Telegram, the address). */
  readonly chatId?: string;
  /** The platform's raw update (a Telegram Update object). */
  readonly update: unknown;
  /** The caller can carry one platform call in its answer to this update (a Telegram webhook): see `webhookAnswer`. */
  readonly answerInline?: boolean;
}

/** A platform call for the webhook's HTTP answer (Telegram executes it; its result is never known). */
export type WebhookAnswer = Readonly<Record<string, unknown>>;

export type IncomingResult =
  | {
      readonly status: 'applied';
      readonly key: DialogKey;
      readonly rev: number;
      readonly effects: readonly Effect[];
      readonly restarted: boolean;
      readonly webhookAnswer?: WebhookAnswer;
      /** Settles (never rejects) when the delivery round this write started ends: its replies sent, or left for a retry. */
      readonly replies?: Promise<void>;
    }
  | { readonly status: 'duplicate'; readonly key: DialogKey; readonly webhookAnswer?: WebhookAnswer }
  | { readonly status: 'ignored'; readonly reason: string }
  | { readonly status: 'invalid'; readonly reason: string };

export interface OutgoingMessage {
  readonly botId: string;
  readonly platform: string;
  readonly chatId: string;
  readonly text: string;
  readonly buttons?: readonly OutboxButton[];
}

export interface AgendaOptions {
  /** How often the store is asked for due timers (default 1 s): the lateness bound for timers written by other processes. */
  readonly sweepMs?: number;
  /** The agenda lease of a dialog being fired (default 30 s). */
  readonly leaseMs?: number;
}

const keyString = (k: DialogKey): string => `${k.botId}\u0000${k.platform}\u0000${k.chatId}`;

/**
 * Replies a kept record may hold undelivered before the next event re-reads how far delivery went: another process
 * may deliver them (its marks are not seen here), and a record that keeps every reply makes every write bigger.
 */
const PENDING_BEFORE_REREAD = 8;

/**
 * Runs dialogs: each event turns the dialog's machine from its compact state (kept in a bounded registry after
 * this process wrote it, else read from the store); one event per dialog at a time; one compare-and-set write per
 * event (state, replies and the update id together); replies delivered only after that write committed.
 */
export class DialogManager {
  private readonly adapters = new Map<string, PlatformAdapter>();
  private readonly bots = new Map<string, MachineConfig>();
  private readonly mailboxes = new Mailboxes();
  private readonly registry: DialogRegistry;
  private readonly delivery: Delivery;
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly logs: (where: { botId: string; platform: string }) => ConversationLogger;
  private readonly clock: () => number;
  private readonly maxRetries: number;
  private readonly inspect: ((event: InspectionEvent) => void) | undefined;
  private readonly events: DialogEvents;
  /** Set while a sensitive answer is sent to an actor (sends are synchronous), so inspection masks it. */
  private turnSensitive = false;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly agenda: AgendaRunner;
  private readonly firing: AgendaFiring;
  private readonly calls: CallClient;
  private stopping = false;
  /** Bots whose due timers reached this process though it does not run them: left out of its agenda sweeps. */
  private readonly foreignTimers = new Map<string, { botId: string; platform: string }>();
  private readonly shipped: ShippedFiles | undefined;

  constructor(options: DialogManagerOptions) {
    this.store = options.store;
    this.logger = options.logger;
    this.logs = conversationLoggers(this.logger);
    this.clock = options.clock ?? Date.now;
    this.maxRetries = options.maxConflictRetries ?? 10;
    this.shipped = options.shipped;
    const inspect = options.inspect;
    this.inspect = inspect && ((event) => inspect(this.turnSensitive ? maskInputEvent(event) : event));
    this.events = new DialogEvents(this.logger);
    this.registry = new DialogRegistry(options.registry ?? {}, this.clock);
    const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    const events = this.events;
    const registry = this.registry;
    // Delivery marks replies in the store, not in the kept record: the record learns them here, so the next write prunes them.
    const emit = (event: DialogEvent): void => {
      if (event.type === 'delivered') registry.delivered(keyString(event.key), event.seq);
      events.emit(event);
    };
    this.delivery = new Delivery(this.store, (p) => this.adapters.get(p), this.logger, this.logs, this.clock, owner, options.delivery, options.sleep, emit);
    const calls = options.calls;
    this.calls = calls !== undefined && 'send' in calls ? calls : new HttpCallClient(calls);
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
    this.firing = new AgendaFiring({
      store: this.store,
      clock: this.clock,
      maxRetries: this.maxRetries,
      events: this.events,
      delivery: this.delivery,
      mailboxes: this.mailboxes,
      registry: this.registry,
      logs: this.logs,
      clientFor: (botId) => options.callsFor?.(botId) ?? this.calls,
      ...(options.secrets ? { secrets: options.secrets } : {}),
      sleep,
      stopping: () => this.stopping,
      previousOf: (k, key) => this.previousOf(k, key),
      restore: (config, state, kept, log) => this.restore(config, state, kept, log),
      keep: (k, dialog, state, written) => this.keep(k, dialog, state, written),
      logTurn: (effects, log) => this.logTurn(effects, log),
      learn: (due) => this.agenda.learn(due),
      adapterFor: (platform) => this.adapters.get(platform),
      media: options.media,
      fetchTimeoutMs: options.fetchTimeoutMs ?? 60_000,
      withStoredMedia: (botId, effects, log) => this.withStoredMedia(botId, effects, log),
    });
    this.agenda = new AgendaRunner({
      store: this.store,
      owner,
      logger: this.logger,
      clock: this.clock,
      fire: (key, entry) => this.fireEntry(key, entry),
      skip: () => [...this.foreignTimers.values()],
      ...options.agenda,
    });
  }

  /** Observes turns, stored messages and deliveries (metrics, live pages); returns the function that stops it. */
  observe(listener: DialogListener): () => void {
    return this.events.on(listener);
  }

  /** The compiled scenario a bot runs now. */
  configOf(botId: string): MachineConfig | undefined {
    return this.bots.get(botId);
  }

  get botIds(): string[] {
    return [...this.bots.keys()];
  }

  registerPlatformAdapter(platform: string, adapter: PlatformAdapter): void {
    this.adapters.set(platform, adapter);
  }

  /** Runs `botId` with this compiled scenario; a new config replaces the old one for the next events. */
  registerBot(botId: string, config: MachineConfig): void {
    this.bots.set(botId, config);
    this.registry.clear();
    for (const [k, v] of this.foreignTimers) if (v.botId === botId) this.foreignTimers.delete(k);
  }

  hasBot(botId: string): boolean {
    return this.bots.has(botId);
  }

  /** Starts background work: delivery of replies left over (crash recovery), due timers, and idle-actor eviction. */
  start(): void {
    this.stopping = false;
    this.delivery.start();
    this.agenda.start();
    this.sweeper = setInterval(() => this.registry.sweep(), 30_000);
    this.sweeper.unref();
  }

  /** Waits for queued events and deliveries in progress. */
  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.stopping = true;
    await this.agenda.stop();
    await this.mailboxes.idle();
    await this.delivery.stop();
    this.registry.clear();
  }

  /** Dialogs whose committed replies are being sent by this process: how far replies are behind intake. */
  get backlog(): number {
    return this.delivery.active;
  }

  get stats(): { liveDialogs: number; queuedDialogs: number; deliveries: number } {
    return { liveDialogs: this.registry.size, queuedDialogs: this.mailboxes.size, deliveries: this.delivery.active };
  }

  /** Validates an update without applying it (the HTTP layer answers 400 for invalid ones before any work). */
  parseUpdate(platform: string, update: unknown, botId: string): ParsedUpdate {
    return this.adapterFor(platform).parseUpdate(update, botId);
  }

  async processIncomingMessage(incoming: IncomingMessage): Promise<IncomingResult> {
    const adapter = this.adapterFor(incoming.platform);
    const config = this.configFor(incoming.botId);
    const parsed = adapter.parseUpdate(incoming.update, incoming.botId);
    if (parsed.kind !== 'message' || (incoming.chatId !== undefined && incoming.chatId !== parsed.chatId)) {
      const result: IncomingResult =
        parsed.kind === 'message'
          ? { status: 'invalid', reason: `the update belongs to chat ${parsed.chatId}, not ${incoming.chatId}` }
          : parsed.kind === 'ignored'
            ? { status: 'ignored', reason: parsed.reason }
            : { status: 'invalid', reason: parsed.reason };
      const log = this.logs(incoming);
      if (log.isDebug) log.debug('PROCESSING', `update ${result.status}`, { reason: result.reason, update_id: parsed.kind === 'invalid' ? undefined : parsed.updateId });
      this.events.emit({ type: 'skipped', botId: incoming.botId, platform: incoming.platform, result: result.status === 'ignored' ? 'ignored' : 'invalid' });
      return result;
    }
    const key: DialogKey = { botId: incoming.botId, platform: incoming.platform, chatId: parsed.chatId };
    return withLogContext(dialogContext(key, parsed.updateId), async () => {
      const log = this.logs(key);
      const started = performance.now();
      let result: IncomingResult;
      try {
        // The engine reads a typed number as a menu choice only where the platform's channel showed a numbered menu.
        const message = isChannelId(incoming.platform) ? { ...parsed.message, channel: incoming.platform } : parsed.message;
        result = await this.mailboxes.run(keyString(key), () => this.applyTurn(key, config, parsed.updateId, message, log, started));
      } catch (err) {
        log.error('ERROR', 'the update could not be processed', { err });
        this.events.emit({ type: 'failed', key, durationMs: elapsed(started) });
        throw err;
      }
      if (result.status === 'duplicate') this.events.emit({ type: 'duplicate', key, durationMs: elapsed(started) });
      if (parsed.ackId !== undefined) result = this.acknowledgeIn(result, adapter, incoming, parsed.ackId, log);
      // An applied update's replies are on their way from its write (applyTurn).
      if (result.status !== 'applied') void this.delivery.schedule(key);
      return result;
    });
  }

  /** Sends a message outside the scenario: stored in the dialog's outbox with a write, then delivered. */
  async sendMessage(message: OutgoingMessage): Promise<{ rev: number }> {
    this.adapterFor(message.platform);
    const config = this.configFor(message.botId);
    const key: DialogKey = { botId: message.botId, platform: message.platform, chatId: message.chatId };
    return withLogContext(dialogContext(key, undefined), () => this.storeMessage(key, config, message));
  }

  private async storeMessage(key: DialogKey, config: MachineConfig, message: OutgoingMessage): Promise<{ rev: number }> {
    const log = this.logs(key);
    const rev = await this.mailboxes.run(keyString(key), async () => {
      for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
        const { live, previous } = await this.previousOf(keyString(key), key);
        const now = this.clock();
        const step = previous?.step ?? null;
        const agenda = nextAgenda({ previous: previous?.agenda, effects: [], stepBefore: step, stepAfter: step, rev: (previous?.rev ?? 0) + 1, now, userMessage: false, expireAfterMs: config.expireAfterMs });
        const { state, history } = nextState({
          key,
          previous,
          scenarioVersion: previous?.scenarioVersion ?? config.version,
          stepBefore: previous?.step ?? null,
          stepAfter: previous?.step ?? null,
          vars: previous?.vars ?? {},
          snapshot: previous?.snapshot ?? new Dialog(config).compact(),
          effects: [],
          extra: [{ text: message.text, buttons: message.buttons ?? [] }],
          agenda,
          now,
        });
        const lease = this.delivery.leaseFor(state);
        const written = await this.store.writeDialog({ expectedRev: previous?.rev ?? 0, state, history, lease });
        if (written) {
          this.keep(keyString(key), live?.dialog, state, written);
          if (log.isDebug) log.debug('PROCESSING', 'message stored for delivery', { rev: state.rev, seq: state.lastSeq });
          this.events.emit({ type: 'stored', key, rev: state.rev, reason: 'message' });
          this.agenda.learn(earliestDue(state.agenda));
          void this.delivery.afterWrite(state, written, lease);
          return state.rev;
        }
        this.registry.delete(keyString(key));
        if (log.isDebug) log.debug('PROCESSING', 'write conflict: re-reading the dialog', { attempt });
      }
      throw new WriteConflictError(`could not store a message for chat ${key.chatId}: too many concurrent writes`);
    });
    return { rev };
  }

  /**
   * Resets a dialog: its variables are cleared and its next message starts the scenario anew. The history stays.
   * Returns the new revision, or undefined when there is no such dialog.
   */
  async resetDialog(key: DialogKey): Promise<{ rev: number } | undefined> {
    const config = this.configFor(key.botId);
    return withLogContext(dialogContext(key, undefined), () =>
      this.mailboxes.run(keyString(key), async () => {
        const log = this.logs(key);
        for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
          this.registry.delete(keyString(key));
          const previous = await this.store.getDialog(key);
          if (!previous) return undefined;
          const fresh = new Dialog(config);
          const { state } = nextState({
            key,
            previous,
            scenarioVersion: config.version,
            stepBefore: previous.step,
            stepAfter: null,
            vars: {},
            snapshot: fresh.compact(),
            effects: [],
            now: this.clock(),
          });
          fresh.stop();
          if (await this.store.writeDialog({ expectedRev: previous.rev, state, history: [] })) {
            log.info('STATE_CHANGE', 'dialog reset by an administrator', { from: previous.step, to: null, rev: state.rev });
            this.events.emit({ type: 'stored', key, rev: state.rev, reason: 'reset' });
            return { rev: state.rev };
          }
        }
        throw new WriteConflictError(`could not reset chat ${key.chatId}: too many concurrent writes`);
      }),
    );
  }

  /**
   * Applies a due timer (the agenda runner's `fire` for timers), through the dialog's mailbox: 'dropped' when the
   * record no longer holds it (the dialog left its step), 'duplicate' when its event id was applied already, else the
   * turn of `timer.<name>` whose write removes the entry; its replies are delivered as any turn's.
   */
  async fireTimer(key: DialogKey, entry: AgendaEntry): Promise<FireOutcome> {
    return this.firing.fireTimer(key, this.runnerConfig(key), entry);
  }

  /**
   * Makes a due call (the agenda runner's `fire` for calls): its attempts are written before they are made, the
   * request runs outside the mailbox, and `call.result` is applied once as a turn (see AgendaFiring.fireCall).
   */
  async fireCall(key: DialogKey, entry: AgendaEntry): Promise<FireOutcome> {
    return this.firing.fireCall(key, this.runnerConfig(key), entry);
  }

  /**
   * Downloads the files of a due fetch into the media store (the agenda runner's `fire` for fetches), and applies
   * `media.stored` once as a turn (see AgendaFiring.fireFetch).
   */
  async fireFetch(key: DialogKey, entry: AgendaEntry): Promise<FireOutcome> {
    return this.firing.fireFetch(key, this.runnerConfig(key), entry);
  }

  /** Fires a due entry of any kind. */
  fireEntry(key: DialogKey, entry: AgendaEntry): Promise<FireOutcome> {
    if (entry.kind === 'fetch') return this.fireFetch(key, entry);
    return entry.kind === 'call' ? this.fireCall(key, entry) : this.fireTimer(key, entry);
  }

  /** The scenario of a dialog the runner found due; a bot this process does not run is left to the processes that do. */
  private runnerConfig(key: DialogKey): MachineConfig {
    if (!this.bots.has(key.botId)) this.foreignTimers.set(`${key.botId}\u0000${key.platform}`, { botId: key.botId, platform: key.platform });
    return this.configFor(key.botId);
  }

  /** Delivers what is pending for a dialog now (tests, and the HTTP layer after a restart). */
  deliverPending(key: DialogKey): Promise<void> {
    return this.delivery.schedule(key);
  }

  /** Keeps the record just written; a leased write also says how far delivery went, so the kept outbox sheds what went out. */
  private keep(k: string, dialog: Dialog | undefined, state: DialogState, written: true | LeasedWrite): void {
    this.registry.set(k, dialog, state);
    if (written !== true) this.registry.delivered(k, written.delivered);
  }

  private adapterFor(platform: string): PlatformAdapter {
    const adapter = this.adapters.get(platform);
    if (!adapter) throw new UnknownPlatformError(`no adapter is registered for platform ${JSON.stringify(platform)}`);
    return adapter;
  }

  private configFor(botId: string): MachineConfig {
    const config = this.bots.get(botId);
    if (!config) throw new UnknownBotError(`unknown bot ${JSON.stringify(botId)}`);
    return config;
  }

  /**
   * Puts the acknowledgement in the webhook's answer when the caller can carry it (a redelivered update too: its
   * first answer may have been lost), else sends it once, for an applied update.
   */
  private acknowledgeIn(result: IncomingResult, adapter: PlatformAdapter, incoming: IncomingMessage, ackId: string, log: ConversationLogger): IncomingResult {
    if (result.status !== 'applied' && result.status !== 'duplicate') return result;
    const inline = incoming.answerInline === true ? adapter.inlineAcknowledge?.(incoming.botId, ackId) : undefined;
    if (inline) return { ...result, webhookAnswer: inline };
    if (result.status === 'applied' && adapter.acknowledge) this.acknowledge(adapter, incoming.botId, ackId, log);
    return result;
  }

  /** Answers a callback query; a failure only costs the user a spinner for a while. */
  private acknowledge(adapter: PlatformAdapter, botId: string, ackId: string, log: ConversationLogger): void {
    const method = adapter.methods?.acknowledge ?? 'acknowledge';
    const started = performance.now();
    adapter.acknowledge!(botId, ackId).then(
      () => {
        if (log.isDebug) log.debug('ADAPTER', `${method} ok`, { method, duration_ms: elapsed(started) });
      },
      (err: unknown) => log.warning('ADAPTER', `${method} failed`, { method, duration_ms: elapsed(started), err }),
    );
  }

  private async applyTurn(key: DialogKey, config: MachineConfig, updateId: string, message: UserMessage, log: ConversationLogger, started: number): Promise<IncomingResult> {
    const k = keyString(key);
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      const { live, previous } = await this.previousOf(k, key);
      if (previous?.recentUpdates.includes(updateId)) {
        // Not logged as INCOMING: the dialog has moved on, and whether the text was a sensitive answer is unknown now.
        if (log.isDebug) log.debug('PROCESSING', 'duplicate update: already applied', { rev: previous.rev });
        return { status: 'duplicate', key };
      }
      const { dialog, restarted } =
        live?.dialog && previous?.scenarioVersion === config.version ? { dialog: live.dialog, restarted: false } : this.restore(config, previous, live !== undefined, log);
      try {
        const stepBefore = dialog.step ?? null;
        // After a restart the answer was meant for the stored step: mask it if that step is (or may have been) sensitive.
        const sensitive =
          isSensitiveStep(config, stepBefore) || (restarted && previous?.step != null && (config.states[previous.step] === undefined || isSensitiveStep(config, previous.step)));
        log.incomingMessage(messageText(message), incomingMeta(message, stepBefore, sensitive, attempt));
        this.turnSensitive = sensitive;
        let sent: TurnResult;
        try {
          sent = this.send(dialog, message, stepBefore, log);
        } finally {
          this.turnSensitive = false;
        }
        const turn = this.shipped && sendsShippedFile(sent.effects) ? await this.withStoredMedia(key.botId, sent, log) : sent;
        const stepAfter = turn.step ?? null;
        const now = this.clock();
        const rev = (previous?.rev ?? 0) + 1;
        const agenda = nextAgenda({ previous: previous?.agenda, effects: turn.effects, stepBefore, stepAfter, rev, now, userMessage: true, expireAfterMs: config.expireAfterMs });
        const { state, history } = nextState({
          key,
          previous,
          scenarioVersion: config.version,
          stepBefore,
          stepAfter,
          vars: dialog.vars,
          snapshot: dialog.compact(),
          effects: turn.effects,
          inbound: { updateId, message, sensitive },
          agenda,
          now,
        });
        // The delivery lease is taken in the same write, so the replies go out from this record (no claim).
        const lease = this.delivery.leaseFor(state);
        const written = await this.store.writeDialog({ expectedRev: previous?.rev ?? 0, state, history, lease });
        if (written) {
          this.keep(k, this.inspect ? dialog : undefined, state, written);
          if (stepAfter !== stepBefore) log.stateChange(stepAfter, { from: stepBefore, to: stepAfter, rev: state.rev });
          this.logTurn(turn.effects, log);
          this.events.emit({
            type: 'turn',
            key,
            rev: state.rev,
            stepBefore,
            stepAfter,
            replies: state.lastSeq - (previous?.lastSeq ?? 0),
            rejected: turn.refused ? 1 : 0,
            restarted,
            durationMs: elapsed(started),
          });
          if (state.agenda) this.agenda.learn(earliestDue(state.agenda));
          const replies = this.delivery.afterWrite(state, written, lease);
          return { status: 'applied', key, rev: state.rev, effects: turn.effects, restarted, replies };
        }
      } catch (err) {
        // The actor may be ahead of the store: never keep it.
        this.registry.delete(k);
        throw err;
      }
      this.registry.delete(k);
      if (log.isDebug) log.debug('PROCESSING', 'write conflict: re-reading the dialog', { attempt });
    }
    throw new WriteConflictError(`chat ${key.chatId}: ${this.maxRetries + 1} write conflicts in a row`);
  }

  /** A turn whose shipped files (`{ path }`) are replaced by stored ones (`{ file }`): outbox, history and adapters never see a path. */
  private async withStoredMedia<T extends { readonly effects: readonly Effect[] }>(botId: string, turn: T, log: ConversationLogger): Promise<T> {
    if (!this.shipped) return turn;
    const effects = await this.shipped.resolveEffects(botId, turn.effects, (path, err) =>
      log.error('MEDIA', `a shipped file cannot be sent: ${err.message}`, { path }),
    );
    return effects === turn.effects ? turn : { ...turn, effects };
  }

  private send(dialog: Dialog, message: UserMessage, step: string | null, log: ConversationLogger): TurnResult {
    try {
      // CONDITION and VARIABLE lines cost a tracer call per guard and action: only when DEBUG is on.
      return dialog.send(message, log.isDebug ? engineTracer(log) : undefined);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      // A machine failure is a bug, not bad input: record the update so the platform stops redelivering it.
      log.error('ERROR', 'the scenario machine failed on a message', { err, step });
      return { effects: [], step: dialog.step, ended: dialog.ended, refused: false };
    }
  }

  /**
   * The record this process last wrote (with `delivered` re-read when many replies look pending), else the stored
   * one. A kept record another process wrote over is dropped: the stored one is newer.
   */
  private async previousOf(k: string, key: DialogKey): Promise<{ live: LiveDialog | undefined; previous: DialogState | undefined }> {
    const live = this.registry.get(k);
    if (!live) return { live, previous: await this.store.getDialog(key) };
    if (live.pending <= PENDING_BEFORE_REREAD) return { live, previous: live.state };
    const stored = await this.store.getDialog(key);
    if (stored?.rev === live.record.rev) {
      this.registry.delivered(k, stored.delivered);
      return { live, previous: live.state };
    }
    this.registry.delete(k);
    return { live: undefined, previous: stored };
  }

  /** The dialog from its record; a record that no longer fits the scenario restarts the dialog. */
  private restore(config: MachineConfig, state: DialogState | undefined, kept: boolean, log: ConversationLogger): { dialog: Dialog; restarted: boolean } {
    if (!state) {
      if (log.isDebug) log.debug('PROCESSING', 'new dialog');
      return { dialog: new Dialog(config, { inspect: this.inspect }), restarted: false };
    }
    try {
      const dialog = new Dialog(config, { snapshot: state.snapshot, vars: state.vars as Vars, inspect: this.inspect });
      if (log.isDebug && !kept) log.debug('PROCESSING', 'dialog restored from the store', { rev: state.rev, step: state.step });
      return { dialog, restarted: false };
    } catch (err) {
      if (!(err instanceof SnapshotMismatchError)) throw err;
      log.warning('PROCESSING', 'the stored dialog does not fit the current scenario: it restarts at start_step', {
        from: state.scenarioVersion,
        to: config.version,
        step: state.step,
        reason: err.message,
      });
      return { dialog: new Dialog(config, { inspect: this.inspect }), restarted: true };
    }
  }

  private logTurn(effects: readonly Effect[], log: ConversationLogger): void {
    for (const e of effects) {
      if (e.type === 'error') log.warning('ERROR', e.message, { step: e.step, code: e.code });
    }
  }
}

function incomingMeta(message: UserMessage, step: string | null, sensitive: boolean, attempt: number): Record<string, unknown> {
  const meta: Record<string, unknown> = { step, sensitive };
  if (message.press !== undefined) meta['button'] = true;
  else if (message.text === undefined) meta['no_text'] = true;
  if (attempt > 0) meta['attempt'] = attempt;
  return meta;
}

export type { OutboundMessage };
