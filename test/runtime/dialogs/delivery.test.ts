import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeliveryError, type OutboundMessage, type ParsedUpdate, type PlatformAdapter } from '../../../runtime/adapters/types.js';
import { Delivery, type DeliveryOptions } from '../../../runtime/dialogs/index.js';
import { conversationLoggers } from '../../../runtime/log/index.js';
import { MemoryStore, type DialogKey, type OutboxMessage } from '../../../runtime/store/index.js';
import { captureLogger } from '../../support/capture-logger.js';
import { dialogState, write } from '../store/helpers.js';

const key: DialogKey = { botId: 'bot', platform: 'test', chatId: 'c1' };
const reply = (seq: number, text = `r${seq}`): OutboxMessage => ({ seq, text, buttons: [], at: seq });

interface Attempt {
  readonly by: string;
  readonly text: string;
  readonly at: number;
}

/**
 * A platform whose sends take `durationMs(text)` of (fake) time, may fail, and are all recorded with the time
 * they started; `canSend` and `split` are switched on per test.
 */
class FakePlatform {
  readonly attempts: Attempt[] = [];
  readonly delivered: string[] = [];
  failures: DeliveryError[] = [];
  durationMs: (text: string) => number = () => 10;
  servable: boolean | ((botId: string) => boolean) = true;
  private can(botId: string): boolean {
    return typeof this.servable === 'function' ? this.servable(botId) : this.servable;
  }
  splitAt: number | undefined;

  adapter(by: string): PlatformAdapter {
    const platform = this;
    return {
      platform: 'test',
      parseUpdate: (): ParsedUpdate => ({ kind: 'invalid', reason: 'unused' }),
      canSend: (botId) => platform.can(botId),
      ...(platform.splitAt !== undefined && { split: (m: OutboundMessage) => cut(m, platform.splitAt!) }),
      async send(botId: string, _chatId: string, message: OutboundMessage): Promise<void> {
        platform.attempts.push({ by, text: message.text, at: Date.now() });
        if (!platform.can(botId)) throw new DeliveryError('bot is not registered', 'permanent');
        const ms = platform.durationMs(message.text);
        if (ms > 0) await new Promise((r) => setTimeout(r, ms));
        const failure = platform.failures.shift();
        if (failure) throw failure;
        platform.delivered.push(message.text);
      },
    };
  }
}

function cut(m: OutboundMessage, size: number): OutboundMessage[] {
  const parts: OutboundMessage[] = [];
  for (let i = 0; i < m.text.length; i += size) parts.push({ text: m.text.slice(i, i + size), buttons: [] });
  return parts.map((p, i) => (i === parts.length - 1 ? { ...p, buttons: m.buttons } : p));
}

/** A store whose next `failMarks` marks throw, as on a full disk. */
class FailingMarkStore extends MemoryStore {
  failMarks = 0;
  override async markDelivered(...args: Parameters<MemoryStore['markDelivered']>): ReturnType<MemoryStore['markDelivered']> {
    if (this.failMarks > 0) {
      this.failMarks--;
      throw new Error('SQLITE_FULL: database or disk is full');
    }
    return super.markDelivered(...args);
  }
}

function delivery(store: MemoryStore, platform: FakePlatform, owner: string, options: DeliveryOptions = {}): Delivery {
  const { logger } = captureLogger('fatal');
  const adapter = platform.adapter(owner);
  return new Delivery(store, (p) => (p === 'test' ? adapter : undefined), logger, conversationLoggers(logger), () => Date.now(), owner, { random: () => 0.5, ...options });
}

async function pending(store: MemoryStore, seqs: number, texts?: string[]): Promise<void> {
  const outbox = Array.from({ length: seqs }, (_, i) => reply(i + 1, texts?.[i]));
  await write(store, dialogState(key, 1, { outbox, lastSeq: seqs }));
}

const counts = (texts: readonly string[]): Record<string, number> => Object.fromEntries([...new Set(texts)].map((t) => [t, texts.filter((x) => x === t).length]));

describe('Delivery', () => {
  let running: Delivery[] = [];
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    running = [];
  });
  afterEach(async () => {
    const stopping = Promise.all(running.map((d) => d.stop()));
    await vi.runAllTimersAsync();
    await stopping;
    vi.useRealTimers();
  });
  const started = (d: Delivery): Delivery => {
    running.push(d);
    return d;
  };

  describe('two processes sharing one store (fenced lease)', () => {
    it.each([
      { name: 'sends of 11 s each with five replies queued, default lease', options: {}, slow: () => 11_000 },
      { name: 'a lease of 3 s and a send of 6 s', options: { leaseMs: 3_000 }, slow: (text: string) => (text === 'r1' ? 6_000 : 10) },
    ])('sends every reply once: $name', async ({ options, slow }) => {
      const store = new MemoryStore();
      const platform = new FakePlatform();
      platform.durationMs = slow;
      await pending(store, 5);
      const a = started(delivery(store, platform, 'A', { ...options, sweepMs: 1_000 }));
      const b = started(delivery(store, platform, 'B', { ...options, sweepMs: 1_000 }));
      void a.schedule(key);
      await vi.advanceTimersByTimeAsync(10);
      b.start();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(counts(platform.attempts.map((s) => s.text))).toEqual({ r1: 1, r2: 1, r3: 1, r4: 1, r5: 1 });
      expect(platform.delivered).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
      expect((await store.getDialog(key))?.delivered).toBe(5);
    });

    it('a holder whose lease was taken over sends nothing more, and its marks are refused', async () => {
      const store = new MemoryStore();
      const platform = new FakePlatform();
      platform.durationMs = (text) => (text === 'r1' ? 5_000 : 10);
      await pending(store, 3);
      const old = started(delivery(store, platform, 'host:0', { leaseMs: 3_000 }));
      void old.schedule(key);
      await vi.advanceTimersByTimeAsync(100);
      // The same owner restarted (its identity survived): it takes the lease over at once, without waiting for it.
      const restarted = started(delivery(store, platform, 'host:0', { leaseMs: 3_000 }));
      await restarted.sweep();
      await vi.advanceTimersByTimeAsync(100);
      expect(platform.attempts.filter((s) => s.by === 'host:0').length).toBeGreaterThanOrEqual(2);
      await vi.advanceTimersByTimeAsync(20_000);
      // r1 was in flight when the lease moved: the one duplicate a crash between send and mark allows; nothing else.
      expect(counts(platform.attempts.map((s) => s.text))).toEqual({ r1: 2, r2: 1, r3: 1 });
      expect((await store.getDialog(key))?.delivered).toBe(3);
    });
  });

  it('a write committed while a round runs here asks for no lease; the round goes on from that record, then frees the lease', async () => {
    const store = new MemoryStore();
    const claims = vi.spyOn(store, 'claimDelivery');
    const renewals = vi.spyOn(store, 'renewDelivery');
    const platform = new FakePlatform();
    platform.durationMs = (text) => (text === 'r1' ? 5_000 : 10);
    await pending(store, 2);
    const d = started(delivery(store, platform, 'A'));
    void d.schedule(key);
    await vi.advanceTimersByTimeAsync(100);
    const state = dialogState(key, 2, { outbox: [reply(1), reply(2), reply(3)], lastSeq: 3 });
    const lease = d.leaseFor(state);
    expect(lease).toBeUndefined();
    const written = await store.writeDialog({ expectedRev: 1, state, history: [], lease });
    expect(written).toBe(true);
    void d.afterWrite(state, true, lease);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(counts(platform.attempts.map((s) => s.text))).toEqual({ r1: 1, r2: 1, r3: 1 });
    expect((await store.getDialog(key))?.delivered).toBe(3);
    // One claim for the round, renewals only by the heartbeat during the 5 s send (no read-back for r3).
    expect(claims).toHaveBeenCalledTimes(1);
    expect(renewals).toHaveBeenCalledTimes(1);
    expect(await store.claimDelivery(key, 'B', Date.now(), 1_000)).toBeDefined();
  });

  it('sends from a write that took the lease, renewing it while a slow send lasts, with no claim', async () => {
    const store = new MemoryStore();
    const claims = vi.spyOn(store, 'claimDelivery');
    const platform = new FakePlatform();
    platform.durationMs = (text) => (text === 'r1' ? 25_000 : 10);
    const d = started(delivery(store, platform, 'A', { leaseMs: 3_000 }));
    const state = dialogState(key, 1, { outbox: [reply(1), reply(2)], lastSeq: 2 });
    const lease = d.leaseFor(state);
    const written = await store.writeDialog({ expectedRev: 0, state, history: [], lease });
    void d.afterWrite(state, written as Exclude<typeof written, false>, lease);
    const b = started(delivery(store, platform, 'B', { leaseMs: 3_000, sweepMs: 1_000 }));
    b.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(platform.attempts.map((s) => `${s.by}:${s.text}`)).toEqual(['A:r1', 'A:r2']);
    expect(claims.mock.calls.filter(([, owner]) => owner === 'A')).toEqual([]);
    expect((await store.getDialog(key))?.delivered).toBe(2);
  });

  it('re-marks, and does not send again, a reply whose mark failed (disk full)', async () => {
    const store = new FailingMarkStore();
    const platform = new FakePlatform();
    await pending(store, 1);
    const d = started(delivery(store, platform, 'A'));
    store.failMarks = 3;
    void d.schedule(key);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(platform.attempts.map((s) => s.text)).toEqual(['r1']);
    expect((await store.getDialog(key))?.delivered).toBe(0);
    // The next update of the chat commits another reply; its delivery marks r1 first and sends only r2.
    await write(store, dialogState(key, 2, { outbox: [reply(1), reply(2)], lastSeq: 2 }));
    void d.schedule(key);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(platform.attempts.map((s) => s.text)).toEqual(['r1', 'r2']);
    expect((await store.getDialog(key))?.delivered).toBe(2);
  });

  it('retries a failing mark within the round', async () => {
    const store = new FailingMarkStore();
    const platform = new FakePlatform();
    await pending(store, 2);
    const d = started(delivery(store, platform, 'A'));
    store.failMarks = 2;
    void d.schedule(key);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(platform.attempts.map((s) => s.text)).toEqual(['r1', 'r2']);
    expect((await store.getDialog(key))?.delivered).toBe(2);
  });

  it('leaves replies of a bot it cannot send for pending and unclaimed; a process that can delivers them', async () => {
    const store = new MemoryStore();
    const wrongKey = new FakePlatform();
    wrongKey.servable = false;
    await pending(store, 2);
    const first = started(delivery(store, wrongKey, 'A', { sweepMs: 1_000 }));
    first.start();
    void first.schedule(key);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(wrongKey.attempts).toEqual([]);
    expect((await store.getDialog(key))?.delivered).toBe(0);
    expect(await store.pendingDeliveries(Date.now(), 10)).toEqual([key]);
    expect(await first.sweep()).toBe(0);
    // Restarted with the right key.
    await first.stop();
    const rightKey = new FakePlatform();
    const second = started(delivery(store, rightKey, 'A'));
    second.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(rightKey.delivered).toEqual(['r1', 'r2']);
  });

  it('does not let many pending replies of a bot it cannot send for crowd out the others', async () => {
    const store = new MemoryStore();
    const platform = new FakePlatform();
    platform.servable = (botId) => botId === 'bot';
    for (let i = 0; i < 250; i++) {
      const other = { ...key, botId: 'tokenless', chatId: `t${i}` };
      await write(store, dialogState(other, 1, { outbox: [reply(1)], lastSeq: 1, updatedAt: 1 }));
    }
    await write(store, dialogState(key, 1, { outbox: [reply(1)], lastSeq: 1, updatedAt: 2 }));
    const d = started(delivery(store, platform, 'A'));
    expect(await d.sweep()).toBe(0);
    expect(await d.sweep()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(platform.delivered).toEqual(['r1']);
    expect(platform.attempts).toHaveLength(1);
  });

  it('caps a long retry_after, and stop() ends the wait at once and frees the lease for another process', async () => {
    const store = new MemoryStore();
    const platform = new FakePlatform();
    platform.failures = [new DeliveryError('429', 'retry', 3_600_000), new DeliveryError('429', 'retry', 3_600_000)];
    await pending(store, 1);
    const a = delivery(store, platform, 'A', { maxRetryWaitMs: 30_000 });
    void a.schedule(key);
    await vi.advanceTimersByTimeAsync(30_100);
    expect(platform.attempts.map((s) => s.at - 1_000_000)).toEqual([0, 30_010]);
    let stopped = false;
    void a.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(50);
    expect(stopped).toBe(true);
    const b = started(delivery(store, platform, 'B'));
    expect(await b.sweep()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(platform.delivered).toEqual(['r1']);
  });

  it('spaces retries of failures that name no wait: exponential, jittered by the injected randomness, bounded', async () => {
    const store = new MemoryStore();
    const platform = new FakePlatform();
    platform.durationMs = () => 0;
    platform.failures = Array.from({ length: 4 }, () => new DeliveryError('502', 'retry'));
    await pending(store, 1);
    const d = started(delivery(store, platform, 'A', { backoffMs: 1_000, random: () => 0.75 }));
    void d.schedule(key);
    await vi.advanceTimersByTimeAsync(60_000);
    // base 1 s doubling, times 0.5 + 0.75.
    expect(platform.attempts.map((s) => s.at - 1_000_000)).toEqual([0, 1_250, 3_750, 8_750, 18_750]);
    expect(platform.delivered).toEqual(['r1']);
  });

  it('sends the parts of a split reply in order, and a retry resumes at the first unsent part', async () => {
    const store = new MemoryStore();
    const platform = new FakePlatform();
    platform.splitAt = 4;
    await pending(store, 1, ['aaaabbbbcc']);
    const d = started(delivery(store, platform, 'A', { maxAttempts: 1 }));
    // The second part fails once; the round gives up (one attempt), the next round resumes at that part.
    let calls = 0;
    platform.durationMs = (text) => {
      calls++;
      if (text === 'bbbb' && calls === 2) platform.failures.push(new DeliveryError('502', 'retry'));
      return 0;
    };
    void d.schedule(key);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(platform.delivered).toEqual(['aaaa']);
    void d.schedule(key);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(platform.attempts.map((s) => s.text)).toEqual(['aaaa', 'bbbb', 'bbbb', 'cc']);
    expect(platform.delivered).toEqual(['aaaa', 'bbbb', 'cc']);
    expect((await store.getDialog(key))?.delivered).toBe(1);
  });
});
