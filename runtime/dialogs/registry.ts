import type { Dialog } from '../engine/index.js';
import type { DialogState } from '../store/index.js';

export interface LiveDialog {
  readonly dialog: Dialog;
  /** The record as last written by this process; its `rev` is what the next write expects. */
  readonly state: DialogState;
  lastUsed: number;
}

export interface RegistryOptions {
  /** Live actors kept at most. Default 10,000 (about 4 KB each). */
  readonly maxSize?: number;
  /** An actor unused this long is dropped. Default 10 minutes. */
  readonly idleMs?: number;
}

export const REGISTRY_DEFAULTS = Object.freeze({ maxSize: 10_000, idleMs: 10 * 60_000 });

/**
 * The bounded set of live actors, least recently used first (a Map keeps insertion order). Dropping an actor
 * loses nothing: the store holds its snapshot, and it is restored on the dialog's next event. Dropped actors are
 * not stopped: a turn may still hold one, and scenario actors own no timers or children.
 */
export class DialogRegistry {
  private readonly entries = new Map<string, LiveDialog>();
  private readonly maxSize: number;
  private readonly idleMs: number;

  constructor(
    options: RegistryOptions,
    private readonly clock: () => number,
  ) {
    this.maxSize = options.maxSize ?? REGISTRY_DEFAULTS.maxSize;
    this.idleMs = options.idleMs ?? REGISTRY_DEFAULTS.idleMs;
  }

  get(key: string): LiveDialog | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (this.clock() - hit.lastUsed > this.idleMs) {
      this.entries.delete(key);
      return undefined;
    }
    return hit;
  }

  set(key: string, dialog: Dialog, state: DialogState): void {
    this.entries.delete(key);
    this.entries.set(key, { dialog, state, lastUsed: this.clock() });
    while (this.entries.size > this.maxSize) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops actors idle for longer than idleMs; returns how many. */
  sweep(): number {
    const limit = this.clock() - this.idleMs;
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.lastUsed >= limit) break;
      this.entries.delete(key);
      dropped++;
    }
    return dropped;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
