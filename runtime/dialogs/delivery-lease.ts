import type { DeliveryLease, DeliveryState, DialogKey, Store } from '../store/index.js';

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * One delivery lease as this process holds it. A send happens only while the lease is `fresh` or after `confirm()`
 * (a renewal written to the store under the lease's token); while a delivery round runs, the heartbeat renews it
 * every third of the lease, so a live holder never lets it expire. Once a renewal finds the token replaced, the lease is lost for
 * good: the holder stops sending.
 */
export class LeaseHolder {
  private lost = false;
  private beat: NodeJS.Timeout | undefined;
  /** When the lease was last written as ours (claim or renewal), by the injected clock. */
  private confirmedAt: number;

  constructor(
    private readonly store: Store,
    readonly key: DialogKey,
    private lease: DeliveryLease,
    private readonly leaseMs: number,
    private readonly clock: () => number,
    /** When the lease was written as ours: a lease taken with a write was written before it committed. */
    confirmedAt = clock(),
  ) {
    this.confirmedAt = confirmedAt;
  }

  get token(): string {
    return this.lease.token;
  }

  get state(): DeliveryLease {
    return this.lease;
  }

  /**
   * Goes on from a newer record committed in this process, keeping what this lease marked: no read-back. The
   * lease's freshness is unchanged.
   */
  adopt(view: DeliveryState): void {
    this.lease = { ...view, delivered: Math.max(view.delivered, this.lease.delivered), token: this.lease.token };
  }

  /** A mark stored under this lease: the view's `delivered` follows it. */
  noteDelivered(seq: number): void {
    if (seq > this.lease.delivered) this.lease = { ...this.lease, delivered: seq };
  }

  get isLost(): boolean {
    return this.lost;
  }

  /**
   * Makes sure the lease is held for at least two thirds of its length: renews it unless it was written less than a
   * third ago (nobody can take an unexpired lease but a restart of this owner). False when it was lost, or the
   * store could not say: then nothing may be sent.
   */
  async confirm(force = false): Promise<boolean> {
    if (this.lost) return false;
    const now = this.clock();
    if (!force && now - this.confirmedAt < this.leaseMs / 3) return true;
    const renewed = await this.store.renewDelivery(this.key, this.lease.token, now, this.leaseMs).catch(() => null);
    if (renewed === null) return false;
    if (renewed === undefined) {
      this.lost = true;
      return false;
    }
    // A renewal read before a mark of ours was stored must not take `delivered` back: the round would send again.
    this.lease = renewed.delivered >= this.lease.delivered ? renewed : { ...renewed, delivered: this.lease.delivered };
    this.confirmedAt = now;
    return true;
  }

  /** Written as ours less than a third of a lease ago: a send may go without a renewal first. */
  get fresh(): boolean {
    return !this.lost && this.clock() - this.confirmedAt < this.leaseMs / 3;
  }

  /**
   * Renews the lease every third of its length until `stopHeartbeat`, so a slow send or a wait in a delivery round
   * never lets it lapse. One timer per round, not per send: sends are the hot path.
   */
  startHeartbeat(): void {
    const every = Math.max(1, Math.floor(this.leaseMs / 3));
    const arm = (): void => {
      this.beat = setTimeout(() => {
        if (this.beat === undefined || this.lost) return;
        void this.confirm(true).finally(() => {
          if (this.beat !== undefined && !this.lost) arm();
        });
      }, every);
    };
    arm();
  }

  stopHeartbeat(): void {
    clearTimeout(this.beat);
    this.beat = undefined;
  }

  /** Frees the lease (best effort); `evenIfPending` on shutdown so another process may go on at once. */
  async release(evenIfPending: boolean): Promise<boolean> {
    if (this.lost) return true;
    return this.store.releaseDelivery(this.key, this.lease.token, evenIfPending);
  }
}

/** The wait before retry `attempt` (1-based) of a failure that names no wait: base·2^(attempt-1), jittered by ±50%. */
export function backoffDelay(baseMs: number, attempt: number, random: () => number): number {
  const nominal = baseMs * 2 ** (attempt - 1);
  return Math.round(nominal * (0.5 + random()));
}
