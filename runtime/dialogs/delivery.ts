import { performance } from 'node:perf_hooks';
import { DeliveryError, type PlatformAdapter } from '../adapters/types.js';
import { withLogContext, type ConversationLogger, type Logger } from '../log/index.js';
import type { DeliveryState, DialogKey, Store } from '../store/index.js';
import type { DialogListener } from './events.js';
import { dialogContext, elapsed } from './logging.js';

export interface DeliveryOptions {
  /** How long a process may hold a dialog's delivery before another takes over. Default 30 s. */
  readonly leaseMs?: number;
  /** Attempts per message for retryable failures before leaving it to the sweeper. Default 5. */
  readonly maxAttempts?: number;
  /** Wait before retrying a failure that names no wait (5xx, network). Default 1 s, doubling. */
  readonly backoffMs?: number;
  /** How often to look for replies left undelivered (a crash, a failed platform). Default 5 s. */
  readonly sweepMs?: number;
}

export const DELIVERY_DEFAULTS = Object.freeze({ leaseMs: 30_000, maxAttempts: 5, backoffMs: 1_000, sweepMs: 5_000 });

const keyString = (k: DialogKey): string => `${k.botId}\u0000${k.platform}\u0000${k.chatId}`;

/**
 * Sends the outbox of dialogs after their writes committed, in `seq` order, one process per dialog at a time
 * (a lease in the store). Marked delivered after each send: at-least-once, a duplicate only if the process dies
 * between a send and its mark.
 */
export class Delivery {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly opts: Required<DeliveryOptions>;
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly adapterOf: (platform: string) => PlatformAdapter | undefined,
    private readonly logger: Logger,
    private readonly logs: (where: { botId: string; platform: string }) => ConversationLogger,
    private readonly clock: () => number,
    private readonly owner: string,
    options: DeliveryOptions = {},
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly emit: DialogListener = () => {},
  ) {
    this.opts = { ...DELIVERY_DEFAULTS, ...options };
  }

  /** Delivers the dialog's pending replies soon; calls for a dialog already being delivered coalesce. */
  schedule(key: DialogKey): Promise<void> {
    const k = keyString(key);
    const current = this.running.get(k);
    if (current) {
      this.again.add(k);
      return current;
    }
    // Its own context: started while an update is processed, a delivery may carry replies of later updates too.
    const run = withLogContext(dialogContext(key, undefined), async () => {
      const log = this.logs(key);
      do {
        this.again.delete(k);
        await this.deliver(key, log).catch((err: unknown) => log.error('ERROR', 'delivery failed', { err }));
      } while (this.again.has(k) && !this.stopped);
    }).finally(() => this.running.delete(k));
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

  async sweep(): Promise<number> {
    const keys = await this.store.pendingDeliveries(this.clock(), 200);
    for (const key of keys) void this.schedule(key);
    return keys.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([...this.running.values()]);
  }

  get active(): number {
    return this.running.size;
  }

  private async deliver(key: DialogKey, log: ConversationLogger): Promise<void> {
    let state = await this.store.claimDelivery(key, this.owner, this.clock(), this.opts.leaseMs);
    while (state && !this.stopped) {
      const finished = await this.sendPending(key, state, log);
      if (!finished) return; // left for the sweeper once the lease expires
      if (await this.store.releaseDelivery(key, this.owner)) return;
      // New replies were committed while we sent: keep the lease and go on.
      state = await this.store.claimDelivery(key, this.owner, this.clock(), this.opts.leaseMs);
    }
  }

  /** Sends what is pending; false when a message could not be sent after all attempts. */
  private async sendPending(key: DialogKey, state: DeliveryState, log: ConversationLogger): Promise<boolean> {
    const adapter = this.adapterOf(key.platform);
    const pending = state.outbox.filter((m) => m.seq > state.delivered);
    if (pending.length === 0) return true;
    if (!adapter) {
      log.warning('ADAPTER', 'no adapter for the platform: replies wait', { pending: pending.length });
      return false;
    }
    if (state.blocked) {
      log.info('PROCESSING', 'the user blocked the bot: replies dropped', { dropped: pending.length });
      await this.store.markDelivered(key, state.lastSeq);
      return true;
    }
    for (const message of pending) {
      const outcome = await this.sendOne(adapter, key, message, log);
      if (outcome === 'failed') return false;
      if (outcome === 'blocked') {
        this.emit({ type: 'delivery-failed', key, kind: 'blocked' });
        await this.store.setBlocked(key, true);
        await this.store.markDelivered(key, state.lastSeq);
        log.warning('ADAPTER', 'the user blocked the bot: dialog marked, replies dropped', { seq: message.seq, dropped: state.lastSeq - message.seq + 1 });
        return true;
      }
      await this.store.markDelivered(key, message.seq);
      if (outcome === 'sent') this.emit({ type: 'delivered', key, seq: message.seq });
    }
    return true;
  }

  private async sendOne(
    adapter: PlatformAdapter,
    key: DialogKey,
    message: DeliveryState['outbox'][number],
    log: ConversationLogger,
  ): Promise<'sent' | 'dropped' | 'blocked' | 'failed'> {
    const method = adapter.methods?.send ?? 'send';
    let backoff = this.opts.backoffMs;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        await adapter.send(key.botId, key.chatId, { text: message.text, buttons: message.buttons });
        if (log.isDebug) log.debug('ADAPTER', `${method} ok`, { method, duration_ms: elapsed(started), seq: message.seq, attempt });
        // The platform got the text; the log gets it with sensitive values masked.
        log.outgoingMessage(message.masked?.text ?? message.text, message.step === undefined ? { seq: message.seq } : { seq: message.seq, step: message.step });
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
        const wait = e.retryAfterMs ?? backoff;
        backoff *= 2;
        log.warning('ADAPTER', 'delivery failed: retrying', { ...where, wait_ms: wait });
        // Keep the lease for the whole wait.
        await this.store.claimDelivery(key, this.owner, this.clock(), wait + this.opts.leaseMs);
        await this.sleep(wait);
      }
    }
  }
}
