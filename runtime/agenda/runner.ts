import type { Logger } from '../log/index.js';
import type { AgendaEntry, DialogKey, Store } from '../store/index.js';
import { DueTimes } from './due-times.js';
import { dueEntries } from './plan.js';

/**
 * What applying one entry came to: applied as a turn, already applied (a duplicate), gone from the record, or left
 * in it for a later holder (a call cut short by a shutdown).
 */
export type FireOutcome = 'applied' | 'duplicate' | 'dropped' | 'deferred';

/** Applies one due entry to its dialog (the dialog manager's `fireTimer`, `fireCall` or `fireFetch`). */
export type FireEntry = (key: DialogKey, entry: AgendaEntry) => Promise<FireOutcome>;

/** Hooks for metrics: what the runner fired, and how late (fire time - due, ms). */
export interface AgendaObserver {
  fired?(key: DialogKey, entry: AgendaEntry, outcome: FireOutcome, latenessMs: number): void;
}

export interface AgendaRunnerOptions {
  readonly store: Store;
  readonly fire: FireEntry;
  /** Names this process in agenda leases. */
  readonly owner: string;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** How often the store is asked for due dialogs (entries written by other processes are at most this late). Default 1 s. */
  readonly sweepMs?: number;
  /** How long a claimed dialog's agenda lease lasts; renewed every third of it while firing. Default 30 s. */
  readonly leaseMs?: number;
  /** Dialogs claimed per store query. Default 100. */
  readonly batch?: number;
  /**
   * Dialogs fired at once. A call keeps its dialog busy for as long as the request takes: the other dialogs' entries
   * go on meanwhile. Default 16.
   */
  readonly concurrency?: number;
  readonly observer?: AgendaObserver;
  /** Bots and platforms whose timers this process cannot fire (it does not run them): left to the processes that do. */
  readonly skip?: () => readonly { readonly botId: string; readonly platform: string }[];
}

export const AGENDA_DEFAULTS = Object.freeze({ sweepMs: 1_000, leaseMs: 30_000, batch: 100, concurrency: 16 });

/** setTimeout's longest delay; an entry due later is found by a sweep. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const keyString = (k: DialogKey): string => `${k.botId}\u0000${k.platform}\u0000${k.chatId}`;

/**
 * Fires due agenda entries: asks the store for due dialogs every sweepMs, and wakes at the earliest due time learned
 * from this process's writes (one timer for the earliest). Each dialog is fired under its agenda lease: claimed,
 * its due entries fired in due order, released. Nothing here is needed by another process: a lease left by a
 * process that died expires, and any process takes the dialog over.
 */
export class AgendaRunner {
  private readonly opts: Required<Omit<AgendaRunnerOptions, 'observer' | 'skip'>> & Pick<AgendaRunnerOptions, 'observer' | 'skip'>;
  private sweeper: NodeJS.Timeout | undefined;
  private wake: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  /** Every due time learned from writes here, so that after one wake the next is armed (not left to a sweep). */
  private readonly learned = new DueTimes();
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  /** Set by stop(): firing ends after the entry in progress. */
  private stopped = false;
  /** Dialogs being fired by this process now. */
  private readonly busy = new Set<string>();
  /** Their firings. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(options: AgendaRunnerOptions) {
    this.opts = {
      clock: Date.now,
      sweepMs: AGENDA_DEFAULTS.sweepMs,
      leaseMs: AGENDA_DEFAULTS.leaseMs,
      batch: AGENDA_DEFAULTS.batch,
      concurrency: AGENDA_DEFAULTS.concurrency,
      ...options,
    };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopped = false;
    this.sweeper = setInterval(() => this.trigger(), this.opts.sweepMs);
    this.sweeper.unref();
    this.trigger();
  }

  /** Stops the timers, waits for the firing in progress (which ends after its current entry) and its lease releases. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.wake) clearTimeout(this.wake);
    this.sweeper = this.wake = undefined;
    this.wakeAt = Infinity;
    this.learned.clear();
    await this.running;
    await this.settled();
  }

  /** Resolves when the firings started so far have ended. */
  private async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Learns that a dialog written here has an entry due at `due`: wakes then, and at each later time learned. */
  learn(due: number | undefined): void {
    if (due === undefined || !this.started) return;
    this.learned.add(due);
    if (due < this.wakeAt) this.arm();
  }

  /** One timer, for the earliest learned time still ahead. */
  private arm(): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    this.wakeAt = Infinity;
    const due = this.learned.peek();
    if (due === Infinity || !this.started) return;
    const delay = Math.max(0, due - this.opts.clock());
    if (delay > MAX_TIMER_MS) return;
    this.wakeAt = due;
    this.wake = setTimeout(() => {
      this.learned.dropUntil(this.opts.clock());
      this.trigger();
      this.arm();
    }, delay);
    this.wake.unref();
  }

  /** Dialogs being fired now. */
  get active(): number {
    return this.busy.size;
  }

  /** Runs a round now, or one more after the round in progress. */
  trigger(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.rounds().finally(() => (this.running = undefined));
  }

  /** One round of sweeping now, for tests and callers that want to wait for it; resolves when its firings end. */
  async sweep(): Promise<number> {
    await this.running;
    const { started } = await this.round();
    await this.settled();
    return started;
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      try {
        const { found } = await this.round();
        // A full batch: more may be due at once (even if some of it was being fired here already).
        if (found >= this.opts.batch) this.again = true;
      } catch (err) {
        this.opts.logger.warn({ event_type: 'ERROR', err }, 'agenda sweep failed');
        return;
      }
    } while (this.again && !this.stopped);
  }

  /**
   * Starts firing every dialog found due that this process is not firing already, at most `concurrency` at once;
   * returns how many the store found and how many it started. It waits only for room: a long call does not hold up
   * the next rounds.
   */
  private async round(): Promise<{ found: number; started: number }> {
    const { store, clock, batch, owner, skip, concurrency } = this.opts;
    const keys = await store.dueAgenda(clock(), batch, skip ? { owner, skip: skip() } : { owner });
    let started = 0;
    for (const key of keys) {
      if (this.stopped) break;
      const k = keyString(key);
      if (this.busy.has(k)) continue;
      while (this.inFlight.size >= Math.max(1, concurrency)) await Promise.race(this.inFlight);
      if (this.stopped) break;
      this.busy.add(k);
      started++;
      const firing: Promise<void> = this.fireDialog(key)
        .catch((err: unknown) => this.opts.logger.warn({ event_type: 'ERROR', err, bot_id: key.botId, platform: key.platform }, 'agenda claim failed'))
        .finally(() => {
        this.busy.delete(k);
        this.inFlight.delete(firing);
      });
      this.inFlight.add(firing);
    }
    return { found: keys.length, started };
  }

  /** Claims a dialog's agenda lease, fires its due entries in due order (renewing the lease meanwhile), releases it. */
  private async fireDialog(key: DialogKey): Promise<void> {
    const { store, clock, leaseMs, owner, logger, fire, observer } = this.opts;
    const lease = await store.claimAgenda(key, owner, clock(), leaseMs);
    if (!lease) return;
    let held = true;
    const beat = setInterval(() => {
      store.renewAgenda(key, lease.token, clock(), leaseMs).then(
        (ok) => (held &&= ok),
        (err: unknown) => logger.warn({ event_type: 'ERROR', err, bot_id: key.botId, platform: key.platform }, 'agenda lease renewal failed'),
      );
    }, Math.max(1, Math.floor(leaseMs / 3)));
    beat.unref();
    try {
      for (const entry of dueEntries(lease.state.agenda, clock())) {
        if (!held || this.stopped) break;
        const outcome = await fire(key, entry);
        observer?.fired?.(key, entry, outcome, Math.max(0, clock() - entry.due));
      }
    } catch (err) {
      // Left for the next round (the entry stays in the record until a write applies it).
      logger.error({ event_type: 'ERROR', err, bot_id: key.botId, platform: key.platform, platform_chat_id: key.chatId }, 'a timer could not be fired');
    } finally {
      clearInterval(beat);
      await store.releaseAgenda(key, lease.token).catch((err: unknown) => logger.warn({ event_type: 'ERROR', err }, 'agenda lease release failed'));
    }
  }
}
