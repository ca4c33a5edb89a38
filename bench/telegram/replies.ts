/**
 * Matches the replies the fake Bot API receives to the updates that asked for them, to time each update from its
 * post to the arrival of its last reply. One chat's sendMessage calls arrive in order, and so do its
 * answerCallbackQuery calls (each stream on its own: an answer carried in a webhook's HTTP answer may overtake the
 * previous update's messages), so counting per chat and per method is enough: update k of a chat is complete once
 * the chat has as many of each as updates 0..k expect. O(1) per reply, typed arrays, no allocation.
 */
import { performance } from 'node:perf_hooks';
import { chatOfCallbackQuery, type Step } from './load.js';

/** Replies one step produces: sendMessage calls and answerCallbackQuery calls. */
export interface Expected {
  readonly send: number;
  readonly ack: number;
}

export class ReplyTracker {
  /** performance.now() of each update's post and of its last reply; NaN until then. Index: chat * steps + step. */
  readonly postedAt: Float64Array;
  readonly completedAt: Float64Array;
  /** Replies the whole phase expects. */
  readonly expected: number;
  /** Replies of this phase's chats received so far. */
  received = 0;
  /** Updates whose replies have all arrived. */
  completed = 0;
  /** Updates that had all their replies before they were posted: surplus replies (duplicates) of a chat. */
  early = 0;
  /** Arrival of the last reply so far. */
  lastAt = NaN;
  /** Set by abort(): the phase gave up waiting. */
  aborted = false;
  private readonly sends: Uint32Array;
  private readonly acks: Uint32Array;
  /** Per chat: its first update not complete yet. */
  private readonly next: Uint32Array;
  private readonly needSend: Uint32Array;
  private readonly needAck: Uint32Array;
  private readonly waiters = new Map<number, (complete: boolean) => void>();


  constructor(
    readonly firstChatId: number,
    readonly chats: number,
    readonly steps: readonly Step[],
    replies: Readonly<Record<Step, Expected>>,
    private readonly now: () => number = () => performance.now(),
  ) {
    const n = chats * steps.length;
    this.postedAt = new Float64Array(n).fill(NaN);
    this.completedAt = new Float64Array(n).fill(NaN);
    this.sends = new Uint32Array(chats);
    this.acks = new Uint32Array(chats);
    this.next = new Uint32Array(chats);
    // Cumulative over the conversation: what a chat has received once step k is answered.
    this.needSend = new Uint32Array(steps.length);
    this.needAck = new Uint32Array(steps.length);
    let send = 0;
    let ack = 0;
    steps.forEach((step, k) => {
      const r = replies[step];
      if (r.send + r.ack === 0) throw new Error(`ReplyTracker: step ${step} expects no reply, so it cannot be timed`);
      this.needSend[k] = send += r.send;
      this.needAck[k] = ack += r.ack;
    });
    this.expected = chats * (send + ack);
  }

  get updates(): number {
    return this.postedAt.length;
  }

  get done(): boolean {
    return this.completed === this.updates;
  }

  posted(chat: number, step: number, at: number): void {
    this.postedAt[chat * this.steps.length + step] = at;
  }

  /** The fake Bot API's listener (see FakeBotApi.observe): counts delivered replies of this phase's chats. */
  readonly observe = (method: string, payload: Record<string, unknown>, status: number): void => {
    if (status !== 200) return;
    if (method === 'sendMessage') this.reply(Number(payload['chat_id']), true);
    else if (method === 'answerCallbackQuery') this.reply(chatOfCallbackQuery(String(payload['callback_query_id'])), false);
  };

  /** Counts one reply to `chatId` (a sendMessage when `send`, else an answerCallbackQuery) arriving now. */
  reply(chatId: number, send: boolean): void {
    const chat = chatId - this.firstChatId;
    if (!(chat >= 0 && chat < this.chats)) return; // another phase's late reply, or not a chat at all
    const at = this.now();
    this.received++;
    this.lastAt = at;
    if (send) this.sends[chat]!++;
    else this.acks[chat]!++;
    const steps = this.steps.length;
    let k = this.next[chat]!;
    while (k < steps && this.sends[chat]! >= this.needSend[k]! && this.acks[chat]! >= this.needAck[k]!) {
      const i = chat * steps + k;
      this.completedAt[i] = at;
      this.completed++;
      if (Number.isNaN(this.postedAt[i]!)) this.early++;
      k++;
      if (this.waiters.size > 0) this.settle(i);
    }
    this.next[chat] = k;
  }

  /** Resolves true once update `step` of `chat` has all its replies, false if the tracker is aborted first. */
  whenComplete(chat: number, step: number): Promise<boolean> {
    const i = chat * this.steps.length + step;
    if (!Number.isNaN(this.completedAt[i]!)) return Promise.resolve(true);
    if (this.aborted) return Promise.resolve(false);
    return new Promise((resolve) => this.waiters.set(i, resolve));
  }

  /** Gives up: every pending whenComplete resolves false (the phase's deadline passed). */
  abort(): void {
    this.aborted = true;
    for (const resolve of this.waiters.values()) resolve(false);
    this.waiters.clear();
  }

  /** Post-to-last-reply latency of every complete update, in ms, sorted. */
  latencies(): Float64Array {
    const out = new Float64Array(this.completed);
    let n = 0;
    for (let i = 0; i < this.postedAt.length; i++) {
      const ms = this.completedAt[i]! - this.postedAt[i]!;
      if (!Number.isNaN(ms)) out[n++] = ms;
    }
    return out.subarray(0, n).sort();
  }

  private settle(i: number): void {
    const resolve = this.waiters.get(i);
    if (resolve === undefined) return;
    this.waiters.delete(i);
    resolve(true);
  }
}
