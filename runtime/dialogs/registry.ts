import type { Dialog } from '../engine/index.js';
import type { DialogState } from '../store/index.js';
import { packIds, unpackIds, type PackedIds } from './packed-ids.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A written record as the registry keeps it: a copy of its own, the recent update ids packed into one string.
 * `delivered` and `outbox` change in place as replies go out (a copy per delivered reply was measurable).
 */
type KeptRecord = Omit<Mutable<DialogState>, 'recentUpdates'> & { readonly recent: PackedIds };

/** A dialog at rest in this process: the record it last wrote, and an actor only while an inspector watches. */
export class LiveDialog {
  constructor(
    readonly record: KeptRecord,
    /** Kept only with an inspector (a live actor reports to it); otherwise each turn restores from the record. */
    readonly dialog: Dialog | undefined,
    public lastUsed: number,
  ) {}

  /** The record as last written by this process (its `rev` is what the next write expects), `delivered` as known here. */
  get state(): DialogState {
    const r = this.record;
    return {
      key: r.key,
      rev: r.rev,
      scenarioVersion: r.scenarioVersion,
      step: r.step,
      status: r.status,
      vars: r.vars,
      snapshot: r.snapshot,
      outbox: r.outbox,
      lastSeq: r.lastSeq,
      delivered: r.delivered,
      recentUpdates: unpackIds(r.recent),
      blocked: r.blocked,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      agenda: r.agenda,
    };
  }

  /** Replies written but not known to be delivered. */
  get pending(): number {
    return this.record.lastSeq - this.record.delivered;
  }
}

export interface RegistryOptions {
  /** Dialogs kept at most. Default 10,000 (about 1 KB each; 5 KB with an inspector, which keeps actors). */
  readonly maxSize?: number;
  /** A dialog unused this long is dropped. Default 10 minutes. */
  readonly idleMs?: number;
}

export const REGISTRY_DEFAULTS = Object.freeze({ maxSize: 10_000, idleMs: 10 * 60_000 });

/**
 * Field by field, not `{ ...rest, recent }`: optimized, V8 gives each object spread from a rest object a hidden
 * class of its own (about 450 bytes of map and descriptors per record, more than the record itself).
 */
function keep(s: DialogState): KeptRecord {
  return {
    key: s.key,
    rev: s.rev,
    scenarioVersion: s.scenarioVersion,
    step: s.step,
    status: s.status,
    vars: s.vars,
    snapshot: s.snapshot,
    outbox: s.outbox,
    lastSeq: s.lastSeq,
    delivered: s.delivered,
    recent: packIds(s.recentUpdates ?? []),
    blocked: s.blocked,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    // Always set (undefined when none), so every kept record shares one hidden class.
    agenda: s.agenda,
  };
}

/**
 * The bounded set of dialogs at rest in this process, least recently used first (a Map keeps insertion order):
 * the record each last wrote, so its next event needs no read. Dropping one loses nothing: the store holds it.
 * Dropped actors are not stopped: a turn may still hold one, and scenario actors own no timers or children.
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

  /** Keeps the record just written (and the dialog's actor when an inspector watches). */
  set(key: string, dialog: Dialog | undefined, state: DialogState): void {
    this.entries.delete(key);
    this.entries.set(key, new LiveDialog(keep(state), dialog, this.clock()));
    while (this.entries.size > this.maxSize) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Learns that replies up to `seq` were delivered: they leave the kept outbox, and the next write prunes them. */
  delivered(key: string, seq: number): void {
    const hit = this.entries.get(key);
    if (!hit || hit.record.delivered >= seq) return;
    const r = hit.record;
    r.delivered = seq;
    if (r.outbox.length > 0 && r.outbox[0]!.seq <= seq) r.outbox = r.outbox.filter((m) => m.seq > seq);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops dialogs idle for longer than idleMs; returns how many. */
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
