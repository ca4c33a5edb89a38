// Telegram sends an album (several photos or documents sent together) as one update per item, each with the same
// media_group_id. The intake (webhook and polling) holds the parts of a group for a short window and hands the
// dialog one combined update, so an input that takes several files gets one answer.

/** How long after a group's last part it is handed over (more parts reset the wait, up to the cap). */
export const DEFAULT_MEDIA_GROUP_WINDOW_MS = 600;
/** The longest a group is held after its first part, whatever arrives. */
export const DEFAULT_MEDIA_GROUP_MAX_WAIT_MS = 3000;
/** Telegram's albums hold at most 10 items: the tenth part ends the wait. */
const MAX_PARTS = 10;

/** The parts of one media group, in the order received (a class instance: no JSON body can pose as one). */
export class MediaGroupUpdate {
  constructor(readonly parts: readonly unknown[]) {}
}

export function isMediaGroup(update: unknown): update is MediaGroupUpdate {
  return update instanceof MediaGroupUpdate;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Obj, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** The chat id of a message or of the message a button press belongs to, as a string. */
function chatOf(update: unknown): string | undefined {
  if (!isObj(update)) return undefined;
  const query = own(update, 'callback_query');
  const message = own(update, 'message') ?? (isObj(query) ? own(query, 'message') : undefined);
  const chat = isObj(message) ? own(message, 'chat') : undefined;
  const id = isObj(chat) ? own(chat, 'id') : undefined;
  return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

/** The chat and media_group_id of a message that is part of an album. */
function groupOf(update: unknown): { chat: string; group: string } | undefined {
  if (!isObj(update)) return undefined;
  const message = own(update, 'message');
  const group = isObj(message) ? own(message, 'media_group_id') : undefined;
  const chat = chatOf(update);
  return typeof group === 'string' && group !== '' && group.length <= 128 && chat !== undefined ? { chat, group } : undefined;
}

/** The update id of a combined group: stable whichever process, and whichever of its parts, builds it. */
export function mediaGroupUpdateId(part: unknown): string | undefined {
  const g = groupOf(part);
  return g ? `g:${g.chat}:${g.group}` : undefined;
}

export interface MediaGroupOptions {
  /** Default 600 ms. */
  readonly windowMs?: number;
  /** Default 3000 ms. */
  readonly maxWaitMs?: number;
  /** Timers (tests inject a virtual clock); default setTimeout/clearTimeout. */
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
  /** Milliseconds for the cap (default performance.now). */
  readonly now?: () => number;
  /** A combined update whose handling failed (it is not retried). */
  readonly onError?: (error: unknown, update: MediaGroupUpdate) => void;
}

interface Held {
  readonly key: string;
  readonly chat: string;
  readonly parts: unknown[];
  readonly firstAt: number;
  timer: unknown;
  done?: Promise<void>;
}

/**
 * Holds media group parts per bot. `take` returns true for a held part (answer it at once); for any other update it
 * first hands over the held groups of the same chat, so the dialog sees the album before what was sent after it.
 */
export class MediaGroupBuffer {
  private readonly held = new Map<string, Held>();
  private readonly windowMs: number;
  private readonly maxWaitMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly handle: (update: MediaGroupUpdate) => Promise<unknown>,
    private readonly options: MediaGroupOptions = {},
  ) {
    this.windowMs = options.windowMs ?? DEFAULT_MEDIA_GROUP_WINDOW_MS;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MEDIA_GROUP_MAX_WAIT_MS;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  }

  /** Groups held now. */
  get size(): number {
    return this.held.size;
  }

  async take(update: unknown): Promise<boolean> {
    const g = groupOf(update);
    if (g) {
      this.hold(`${g.chat}\u0000${g.group}`, g.chat, update);
      return true;
    }
    const chat = chatOf(update);
    if (chat !== undefined && this.held.size > 0) {
      await Promise.all([...this.held.values()].filter((h) => h.chat === chat).map((h) => this.release(h)));
    }
    return false;
  }

  /** Hands over every held group now and waits for all handovers (shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.held.values()].map((h) => this.release(h)));
    await Promise.all([...this.inFlight]);
  }

  private hold(key: string, chat: string, update: unknown): void {
    const now = this.options.now ? this.options.now() : performance.now();
    let h = this.held.get(key);
    if (!h) {
      h = { key, chat, parts: [], firstAt: now, timer: undefined };
      this.held.set(key, h);
    }
    h.parts.push(update);
    if (h.timer !== undefined) this.clearTimer(h.timer);
    if (h.parts.length >= MAX_PARTS) {
      void this.release(h);
      return;
    }
    const wait = Math.max(0, Math.min(this.windowMs, h.firstAt + this.maxWaitMs - now));
    const held = h;
    h.timer = this.setTimer(() => void this.release(held), wait);
  }

  private release(h: Held): Promise<void> {
    if (h.done) return h.done;
    if (h.timer !== undefined) this.clearTimer(h.timer);
    this.held.delete(h.key);
    const update = new MediaGroupUpdate(h.parts);
    const done = this.handle(update).then(
      () => undefined,
      (err: unknown) => this.options.onError?.(err, update),
    );
    h.done = done;
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return done;
  }
}
