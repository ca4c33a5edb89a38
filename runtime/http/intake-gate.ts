/**
 * Intake backpressure. Updates are admitted while the backlog (dialogs whose replies are committed but not yet
 * sent, plus updates admitted and still being processed) is under a bound; above it they wait, first come first
 * served, without blocking the event loop. A webhook that waited too long is refused (503: Telegram redelivers it);
 * long polling waits as long as it takes, which stops it fetching. Telegram sends a bot at most `max_connections`
 * webhook requests at once, so holding them slows Telegram down to the rate replies go out.
 */

export interface IntakeGateOptions {
  /** Admit while backlog + updates in process is under this. */
  readonly maxBacklog: number;
  /** The longest a webhook waits before it is refused. */
  readonly maxWaitMs: number;
  /** Dialogs with replies waiting to be sent in this process. */
  readonly backlog: () => number;
  readonly clock?: () => number;
  /** How often waiting updates look at the backlog again (it falls without telling). Default 5 ms. */
  readonly pollMs?: number;
}

export const INTAKE_DEFAULTS = Object.freeze({ maxBacklog: 64, maxWaitMs: 10_000 });

interface Waiter {
  readonly since: number;
  readonly maxWaitMs: number;
  readonly resolve: (admitted: boolean) => void;
}

export class IntakeGate {
  private admitted = 0;
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly clock: () => number;
  private readonly pollMs: number;

  constructor(private readonly options: IntakeGateOptions) {
    this.clock = options.clock ?? Date.now;
    this.pollMs = options.pollMs ?? 5;
  }

  /** Updates being processed now (admitted, not yet left). */
  get inProcess(): number {
    return this.admitted;
  }

  /** Updates waiting to be admitted. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Admits at once when nobody waits and there is room (the common case: no promise); call leave() after. */
  tryEnter(): boolean {
    if (this.waiters.length > 0 || !this.hasRoom()) return false;
    this.admitted++;
    return true;
  }

  /**
   * Waits for room; true once admitted (call leave() after), false when refused (waited `maxWaitMs`, or the
   * gate closed). Infinity waits as long as it takes.
   */
  enter(maxWaitMs: number = this.options.maxWaitMs): Promise<boolean> {
    if (this.tryEnter()) return Promise.resolve(true);
    if (this.closed || maxWaitMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      this.waiters.push({ since: this.clock(), maxWaitMs, resolve });
      this.timer ??= setInterval(() => this.check(), this.pollMs);
    });
  }

  leave(): void {
    this.admitted--;
    if (this.waiters.length > 0) this.check();
  }

  /** Admits waiters in order while there is room, refuses those that waited too long. */
  check(): void {
    while (this.waiters.length > 0 && this.hasRoom()) {
      this.admitted++;
      this.waiters.shift()!.resolve(true);
    }
    if (this.waiters.length > 0) {
      const now = this.clock();
      for (let i = 0; i < this.waiters.length; ) {
        const w = this.waiters[i]!;
        if (now - w.since >= w.maxWaitMs) {
          this.waiters.splice(i, 1);
          w.resolve(false);
        } else i++;
      }
    }
    if (this.waiters.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Shutdown: refuses whoever waits (Telegram redelivers to the next process) and every later wait. */
  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.resolve(false);
    this.check();
  }

  private hasRoom(): boolean {
    return this.options.backlog() + this.admitted < this.options.maxBacklog;
  }
}
