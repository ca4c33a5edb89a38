import { DeliveryError, type PlatformAdapter } from '../adapters/types.js';
import type { Logger } from '../log/index.js';
import type { DeliveryState, DialogKey, Store } from '../store/index.js';

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
    private readonly clock: () => number,
    private readonly owner: string,
    options: DeliveryOptions = {},
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
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
    const run = (async () => {
      do {
        this.again.delete(k);
        await this.deliver(key).catch((err: unknown) => this.logger.error({ err, botId: key.botId, chatId: key.chatId }, 'delivery failed'));
      } while (this.again.has(k) && !this.stopped);
    })().finally(() => this.running.delete(k));
    this.running.set(k, run);
    return run;
  }

  /** Looks for undelivered replies now and then every sweepMs (crash recovery). */
  start(): void {
    const tick = (): void => {
      void this.sweep().catch((err: unknown) => this.logger.warn({ err }, 'delivery sweep failed'));
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

  private async deliver(key: DialogKey): Promise<void> {
    let state = await this.store.claimDelivery(key, this.owner, this.clock(), this.opts.leaseMs);
    while (state && !this.stopped) {
      const finished = await this.sendPending(key, state);
      if (!finished) return; // left for the sweeper once the lease expires
      if (await this.store.releaseDelivery(key, this.owner)) return;
      // New replies were committed while we sent: keep the lease and go on.
      state = await this.store.claimDelivery(key, this.owner, this.clock(), this.opts.leaseMs);
    }
  }

  /** Sends what is pending; false when a message could not be sent after all attempts. */
  private async sendPending(key: DialogKey, state: DeliveryState): Promise<boolean> {
    const adapter = this.adapterOf(key.platform);
    const pending = state.outbox.filter((m) => m.seq > state.delivered);
    if (pending.length === 0) return true;
    if (!adapter) {
      this.logger.warn({ botId: key.botId, platform: key.platform, chatId: key.chatId, pending: pending.length }, 'no adapter for the platform: replies wait');
      return false;
    }
    if (state.blocked) {
      this.logger.info({ botId: key.botId, chatId: key.chatId, dropped: pending.length }, 'the user blocked the bot: replies dropped');
      await this.store.markDelivered(key, state.lastSeq);
      return true;
    }
    for (const message of pending) {
      const outcome = await this.sendOne(adapter, key, message);
      if (outcome === 'failed') return false;
      if (outcome === 'blocked') {
        await this.store.setBlocked(key, true);
        await this.store.markDelivered(key, state.lastSeq);
        this.logger.warn({ botId: key.botId, chatId: key.chatId }, 'the user blocked the bot: dialog marked, replies dropped');
        return true;
      }
      await this.store.markDelivered(key, message.seq);
    }
    return true;
  }

  private async sendOne(adapter: PlatformAdapter, key: DialogKey, message: DeliveryState['outbox'][number]): Promise<'sent' | 'dropped' | 'blocked' | 'failed'> {
    let backoff = this.opts.backoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await adapter.send(key.botId, key.chatId, { text: message.text, buttons: message.buttons });
        return 'sent';
      } catch (err) {
        const e = err instanceof DeliveryError ? err : new DeliveryError(String((err as Error)?.message ?? err), 'retry');
        const where = { botId: key.botId, chatId: key.chatId, seq: message.seq, attempt, kind: e.kind };
        if (e.kind === 'blocked') return 'blocked';
        if (e.kind === 'permanent') {
          this.logger.error({ ...where, err: e }, 'the platform refused a reply: dropped');
          return 'dropped';
        }
        if (attempt >= this.opts.maxAttempts || this.stopped) {
          this.logger.warn({ ...where, err: e }, 'a reply could not be delivered: will retry later');
          return 'failed';
        }
        const wait = e.retryAfterMs ?? backoff;
        backoff *= 2;
        this.logger.warn({ ...where, waitMs: wait, err: e }, 'delivery failed: retrying');
        // Keep the lease for the whole wait.
        await this.store.claimDelivery(key, this.owner, this.clock(), wait + this.opts.leaseMs);
        await this.sleep(wait);
      }
    }
  }
}
