import { performance } from 'node:perf_hooks';
import { DeliveryError, type OutboundMessage, type PlatformAdapter } from '../adapters/types.js';
import { withLogContext, type ConversationLogger, type Logger } from '../log/index.js';
import type { DeliveryLease, DeliveryState, DialogKey, LeasedWrite, Store, WriteLease } from '../store/index.js';
import { LeaseHolder, abortableSleep, backoffDelay } from './delivery-lease.js';
import type { DialogListener } from './events.js';
import { dialogContext, elapsed } from './logging.js';

export interface DeliveryOptions {
  /**
   * How long a delivery lease lasts without renewal. A live process renews it every third of that while it sends
   * or waits, so this is how long replies left by a crashed process wait. Default 10 s.
   */
  readonly leaseMs?: number;
  /** Attempts per message for retryable failures before leaving it to the sweeper. Default 5. */
  readonly maxAttempts?: number;
  /** First wait before retrying a failure that names no wait (5xx, network): doubling, jittered ±50%. Default 1 s. */
  readonly backoffMs?: number;
  /** The longest single wait before a retry, whatever the platform asks (Telegram retry_after). Default 30 s. */
  readonly maxRetryWaitMs?: number;
  /** How often to look for replies left undelivered (a crash, a failed platform). Default 5 s. */
  readonly sweepMs?: number;
  /** Uniform random numbers in [0, 1) for the backoff jitter. */
  readonly random?: () => number;
}

export const DELIVERY_DEFAULTS = Object.freeze({ leaseMs: 10_000, maxAttempts: 5, backoffMs: 1_000, maxRetryWaitMs: 30_000, sweepMs: 5_000 });

/** Attempts to store a mark after a send before giving up for this round (the sent seq stays in memory). */
const MARK_ATTEMPTS = 3;

const RELEASE = Object.freeze({ release: true });

const keyString = (k: DialogKey): string => `${k.botId}\u0000${k.platform}\u0000${k.chatId}`;

type Outbound = DeliveryState['outbox'][number];
type SendOutcome = 'sent' | 'dropped' | 'blocked' | 'failed' | 'lost';
/**
 * How a round ended: its last mark freed the lease ('released') or found newer replies ('kept'); nothing was left to
 * send ('done', the lease still held); or it stopped short ('unfinished').
 */
type RoundOutcome = 'released' | 'kept' | 'done' | 'unfinished';

/** A lease taken by a write, with the record that write committed: the first round needs no claim. */
interface HeldLease {
  readonly lease: DeliveryLease;
  /** When it was written as ours (the write's `now`). */
  readonly at: number;
}

/**
 * Sends the outbox of dialogs after their writes committed, in `seq` order, one process per dialog at a time
 * (a fenced lease in the store, taken by the write that committed the replies or claimed: every send happens
 * while the lease is known held under its token, and it is renewed while a send is in flight). Marked delivered
 * after each send, under the same token, the round's last mark freeing the lease; a seq sent but not
 * yet marked (the store failed) is kept in memory and marked, not sent again, by the next round. At-least-once:
 * a duplicate only when a send's outcome is unknown (its response lost or timed out, then retried), or when the
 * process dies between a send and its mark.
 */
export class Delivery {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /** Per dialog being delivered: the newest record committed here meanwhile (its round goes on from it, no read-back). */
  private readonly latest = new Map<string, DeliveryState>();
  /** Per dialog: the highest seq sent whose mark is not stored yet. */
  private readonly unmarked = new Map<string, number>();
  /** Per dialog: how many parts of a split seq went out (a retry resumes after them). */
  private readonly partsSent = new Map<string, { readonly seq: number; readonly count: number }>();
  private readonly warned = new Set<string>();
  private readonly unservable = new Map<string, { readonly botId: string; readonly platform: string }>();
  private readonly opts: Required<DeliveryOptions>;
  private readonly stopping = new AbortController();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly adapterOf: (platform: string) => PlatformAdapter | undefined,
    private readonly logger: Logger,
    private readonly logs: (where: { botId: string; platform: string }) => ConversationLogger,
    private readonly clock: () => number,
    private readonly owner: string,
    options: DeliveryOptions = {},
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
    private readonly emit: DialogListener = () => {},
  ) {
    this.opts = { ...DELIVERY_DEFAULTS, random: Math.random, ...options };
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** Delivers the dialog's pending replies soon; calls for a dialog already being delivered coalesce. */
  schedule(key: DialogKey): Promise<void> {
    return this.run(key, undefined);
  }

  /**
   * The lease to take in the write that commits `state` (see DialogWrite.lease): none when nothing can be pending,
   * when this process cannot send for the bot, or when a delivery of the dialog runs here already (it goes on with
   * the new replies).
   */
  leaseFor(state: DeliveryState): WriteLease | undefined {
    if (state.lastSeq <= state.delivered || this.stopped || this.running.has(keyString(state.key)) || !this.canServe(state.key)) return undefined;
    return { owner: this.owner, now: this.clock(), leaseMs: this.opts.leaseMs };
  }

  /**
   * After a committed write of `state`: when the write took the lease, sends from the record it wrote (no claim, no
   * read-back); when another owner holds the lease or none was asked for, as schedule().
   */
  afterWrite(state: DeliveryState, written: true | LeasedWrite, lease?: WriteLease): Promise<void> {
    if (written === true) {
      if (state.lastSeq <= state.delivered) return Promise.resolve();
      if (this.running.has(keyString(state.key))) this.latest.set(keyString(state.key), state);
      return this.schedule(state.key);
    }
    if (written.token === undefined || lease === undefined) return state.lastSeq > written.delivered ? this.schedule(state.key) : Promise.resolve();
    const held = { key: state.key, rev: state.rev, outbox: state.outbox, lastSeq: state.lastSeq, delivered: written.delivered, blocked: state.blocked, token: written.token };
    return this.run(state.key, { lease: held, at: lease.now });
  }

  private run(key: DialogKey, held: HeldLease | undefined): Promise<void> {
    const k = keyString(key);
    const current = this.running.get(k);
    if (current) {
      // A lease taken meanwhile by a write fenced the running round out: the next round claims it again.
      this.again.add(k);
      return current;
    }
    // Its own context: started while an update is processed, a delivery may carry replies of later updates too.
    const run = withLogContext(dialogContext(key, undefined), async () => {
      const log = this.logs(key);
      let first = held;
      try {
        do {
          this.again.delete(k);
          const releasedAt = await this.deliver(key, log, first).catch((err: unknown) => void log.error('ERROR', 'delivery failed', { err }));
          first = undefined;
          // Asked again only for records committed here that the released round had already delivered: done.
          const latest = this.latest.get(k);
          if (releasedAt !== undefined && latest !== undefined && latest.lastSeq <= releasedAt && this.again.has(k)) {
            this.latest.delete(k);
            this.again.delete(k);
          }
        } while (this.again.has(k) && !this.stopped);
      } finally {
        // In the same turn as the last look at `again`: a schedule() after it starts a new run, never joins this one.
        this.running.delete(k);
        this.latest.delete(k);
      }
    });
    this.running.set(k, run);
    return run;
  }

  /** Looks for undelivered replies now and then every sweepMs (crash recovery). */
  start(): void {
    const tick = (): void => {
      void this.sweep().catch((err: unknown) => this.logger.warn({ event_type: 'ERROR', err }, 'delivery sweep failed'));
    };
    tick();
    this.sweeper = setInterval(tick, this.opts.sweepMs);
    this.sweeper.unref();
  }

  /** Schedules the pending dialogs this process can serve; returns how many. */
  async sweep(): Promise<number> {
    // Bots found unservable are left out of the query (so they cannot crowd out the others), until they can be served.
    for (const [which, bot] of this.unservable) if (this.canServe({ ...bot, chatId: '' })) this.unservable.delete(which);
    const keys = await this.store.pendingDeliveries(this.clock(), 200, { owner: this.owner, skip: [...this.unservable.values()] });
    let scheduled = 0;
    for (const key of keys) {
      if (!this.canServe(key)) {
        this.leaveUnservable(key);
        continue;
      }
      scheduled++;
      // A dialog being delivered here already is left to that run (which goes on while replies are pending).
      if (!this.running.has(keyString(key))) void this.schedule(key);
    }
    return scheduled;
  }

  /** Its replies wait for a process that can send them; said once per bot and platform. */
  private leaveUnservable(key: DialogKey): void {
    const which = `${key.botId}\u0000${key.platform}`;
    this.unservable.set(which, { botId: key.botId, platform: key.platform });
    if (this.warned.has(which)) return;
    this.warned.add(which);
    this.logger.warn({ event_type: 'ADAPTER', bot_id: key.botId, platform: key.platform }, 'replies wait: this process cannot send for the bot (no adapter or no token)');
  }

  /** Ends waits at once, lets sends in flight finish, and frees the leases held (pending replies included). */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([...this.running.values()]);
  }

  get active(): number {
    return this.running.size;
  }

  /** False for a bot whose platform adapter is missing or cannot send for it (no token here): its replies wait. */
  private canServe(key: DialogKey): boolean {
    const adapter = this.adapterOf(key.platform);
    return adapter !== undefined && (adapter.canSend?.(key.botId) ?? true);
  }

  /** One delivery of a dialog; returns the seq up to which it delivered when it freed the lease. */
  private async deliver(key: DialogKey, log: ConversationLogger, held: HeldLease | undefined): Promise<number | undefined> {
    const adapter = this.adapterOf(key.platform);
    if (!adapter || !this.canServe(key)) {
      // Not claimed (a lease taken by the write is given back): a process that can send them will.
      if (held) await this.store.releaseDelivery(key, held.lease.token, true).catch(() => false);
      log.warning('ADAPTER', adapter ? 'this process cannot send for the bot: replies wait' : 'no adapter for the platform: replies wait', {});
      return undefined;
    }
    const claimed = held?.lease ?? (await this.store.claimDelivery(key, this.owner, this.clock(), this.opts.leaseMs));
    if (!claimed) return undefined;
    const lease = new LeaseHolder(this.store, key, claimed, this.opts.leaseMs, this.clock, held?.at);
    let released = false;
    lease.startHeartbeat();
    try {
      while (!this.stopped) {
        const outcome = await this.sendPending(adapter, lease, log);
        // Unfinished: the lease is left to expire, so the sweeper retries after it (a new message of ours at once).
        if (outcome === 'unfinished') return;
        if (outcome === 'released' || (outcome === 'done' && (await lease.release(false)))) {
          released = true;
          return outcome === 'released' ? lease.state.delivered : lease.state.lastSeq;
        }
        // New replies were committed while we sent: keep the lease and go on with a view that has them (the record
        // committed here, or the heartbeat's last read), else with a fresh read.
        const latest = this.latest.get(keyString(key));
        if (latest !== undefined && latest.lastSeq > lease.state.lastSeq) lease.adopt(latest);
        if (outcome === 'kept' && lease.state.lastSeq > lease.state.delivered) continue;
        if (!(await lease.confirm(true))) return;
      }
    } finally {
      lease.stopHeartbeat();
      if (this.stopped && !released) await lease.release(true).catch(() => false);
    }
  }

  /**
   * Sends what is pending, marking each reply after its send; the last mark of the round also frees the lease
   * unless newer replies were committed meanwhile (one write, not two).
   */
  private async sendPending(adapter: PlatformAdapter, lease: LeaseHolder, log: ConversationLogger): Promise<RoundOutcome> {
    const key = lease.key;
    const k = keyString(key);
    const state = lease.state;
    const pending = state.outbox.filter((m) => m.seq > state.delivered);
    if (pending.length === 0) return 'done';
    if (state.blocked) {
      log.info('PROCESSING', 'the user blocked the bot: replies dropped', { dropped: pending.length });
      return this.markLast(lease, state.lastSeq, log);
    }
    for (let i = 0; i < pending.length; i++) {
      const message = pending[i]!;
      if (this.stopped) return 'unfinished';
      // Sent in an earlier round but its mark was not stored: mark it, do not send it again.
      if (message.seq > (this.unmarked.get(k) ?? 0)) {
        const outcome = await this.sendParts(adapter, lease, message, log);
        if (outcome === 'failed' || outcome === 'lost') return 'unfinished';
        if (outcome === 'blocked') {
          this.emit({ type: 'delivery-failed', key, kind: 'blocked' });
          await this.store.setBlocked(key, true);
          log.warning('ADAPTER', 'the user blocked the bot: dialog marked, replies dropped', { seq: message.seq, dropped: state.lastSeq - message.seq + 1 });
          return this.markLast(lease, state.lastSeq, log);
        }
        this.unmarked.set(k, message.seq);
        if (outcome === 'sent') this.emit({ type: 'delivered', key, seq: message.seq });
      }
      if (i === pending.length - 1) return this.markLast(lease, message.seq, log);
      if (!(await this.mark(lease, message.seq, log, false))) return 'unfinished';
    }
    return 'done';
  }

  /** The round's last mark, which frees the lease when nothing newer is pending. */
  private async markLast(lease: LeaseHolder, seq: number, log: ConversationLogger): Promise<RoundOutcome> {
    const marked = await this.mark(lease, seq, log, true);
    return marked === 'released' ? 'released' : marked ? 'kept' : 'unfinished';
  }

  /** Stores `delivered = seq` under the lease (and frees it with `release`), retrying a failing store a few times. */
  private async mark(lease: LeaseHolder, seq: number, log: ConversationLogger, release: boolean): Promise<boolean | 'released'> {
    const k = keyString(lease.key);
    for (let attempt = 1; ; attempt++) {
      try {
        const ours = await this.store.markDelivered(lease.key, seq, lease.token, release ? RELEASE : undefined);
        if (!ours) {
          log.warning('PROCESSING', 'the delivery lease was taken over: stopping', { seq });
          return false;
        }
        if ((this.unmarked.get(k) ?? 0) <= seq) this.unmarked.delete(k);
        lease.noteDelivered(seq);
        return ours;
      } catch (err) {
        if (attempt >= MARK_ATTEMPTS || this.stopped) {
          log.error('ERROR', 'a sent reply could not be marked delivered: it will be marked, not sent, later', { seq, err });
          return false;
        }
        await this.sleep(this.opts.backoffMs * attempt, this.stopping.signal);
      }
    }
  }

  /** Sends the parts of one reply in order, resuming after the parts this process already sent. */
  private sendParts(adapter: PlatformAdapter, lease: LeaseHolder, message: Outbound, log: ConversationLogger): Promise<SendOutcome> {
    // A medium goes with its message: the adapter sends it with `text` as its caption.
    const whole: OutboundMessage = message.media ? { text: message.text, buttons: message.buttons, media: message.media } : { text: message.text, buttons: message.buttons };
    const parts = adapter.split?.(whole) ?? [whole];
    // Most replies are one part: no bookkeeping of parts sent.
    if (parts.length === 1) return this.sendOne(adapter, lease, message, parts[0]!, message.masked?.text ?? message.text, log);
    return this.sendSplit(adapter, lease, message, whole, parts, log);
  }

  private async sendSplit(adapter: PlatformAdapter, lease: LeaseHolder, message: Outbound, whole: OutboundMessage, parts: readonly OutboundMessage[], log: ConversationLogger): Promise<SendOutcome> {
    const k = keyString(lease.key);
    const done = this.partsSent.get(k);
    const logged = loggedParts(adapter, message, parts);
    let outcome: SendOutcome = 'dropped';
    for (let i = done?.seq === message.seq ? done.count : 0; i < parts.length; i++) {
      const part = parts[i] ?? whole;
      const one = await this.sendOne(adapter, lease, message, part, logged[i] ?? '', log);
      if (one === 'failed' || one === 'lost' || one === 'blocked') return one;
      if (one === 'sent') outcome = 'sent';
      this.partsSent.set(k, { seq: message.seq, count: i + 1 });
    }
    this.partsSent.delete(k);
    return outcome;
  }

  private async sendOne(adapter: PlatformAdapter, lease: LeaseHolder, message: Outbound, part: OutboundMessage, logText: string, log: ConversationLogger): Promise<SendOutcome> {
    const key = lease.key;
    const method = adapter.methods?.send ?? 'send';
    for (let attempt = 1; ; attempt++) {
      // Only under a lease known to be held: a renewal just written under its token.
      if (!lease.fresh && !(await lease.confirm())) {
        log.warning('PROCESSING', lease.isLost ? 'the delivery lease was taken over: stopping' : 'the delivery lease could not be renewed: will retry later', { seq: message.seq });
        return lease.isLost ? 'lost' : 'failed';
      }
      const started = performance.now();
      try {
        await adapter.send(key.botId, key.chatId, part);
        if (log.isDebug) log.debug('ADAPTER', `${method} ok`, { method, duration_ms: elapsed(started), seq: message.seq, attempt });
        log.outgoingMessage(logText, message.step === undefined ? { seq: message.seq } : { seq: message.seq, step: message.step });
        return 'sent';
      } catch (err) {
        const e = err instanceof DeliveryError ? err : new DeliveryError(String((err as Error)?.message ?? err), 'retry', undefined, { cause: err });
        const where = { method, duration_ms: elapsed(started), seq: message.seq, attempt, kind: e.kind, err: e };
        if (e.kind === 'blocked') return 'blocked';
        if (e.kind === 'permanent') {
          this.emit({ type: 'delivery-failed', key, kind: 'permanent' });
          log.error('ADAPTER', 'the platform refused a reply: dropped', where);
          return 'dropped';
        }
        this.emit({ type: 'delivery-failed', key, kind: 'retry' });
        if (attempt >= this.opts.maxAttempts || this.stopped) {
          log.warning('ADAPTER', 'a reply could not be delivered: will retry later', where);
          return 'failed';
        }
        const wait = Math.min(e.retryAfterMs ?? backoffDelay(this.opts.backoffMs, attempt, this.opts.random), this.opts.maxRetryWaitMs);
        log.warning('ADAPTER', 'delivery failed: retrying', { ...where, wait_ms: wait });
        // The lease is renewed during the wait (so it lapses within leaseMs if this process dies), and stop() ends it.
        await this.sleep(wait, this.stopping.signal);
        if (this.stopped) return 'failed';
      }
    }
  }
}

/** What the log shows of each part: the platform gets the text, the log the text with sensitive values masked. */
function loggedParts(adapter: PlatformAdapter, message: Outbound, parts: readonly OutboundMessage[]): string[] {
  if (!message.masked) return parts.map((p) => p.text);
  const masked = message.masked.text;
  const maskedParts = adapter.split?.({ text: masked, buttons: message.buttons }) ?? [{ text: masked, buttons: message.buttons }];
  // Masking changes lengths, so the cuts may differ: then the whole masked text goes with the first part.
  if (maskedParts.length === parts.length) return maskedParts.map((p) => p.text);
  return parts.map((_, i) => (i === 0 ? masked : ''));
}
