import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgendaRunner, type FireOutcome } from '../../../runtime/agenda/index.js';
import { MemoryStore, type AgendaEntry, type DialogKey, type DialogState } from '../../../runtime/store/index.js';
import { captureLogger } from '../../support/capture-logger.js';

const key = (chatId: string): DialogKey => ({ botId: 'bot', platform: 'test', chatId });
const entry = (id: string, due: number, name = 'timeout'): AgendaEntry => ({ id, kind: 'timer', name, step: 'ask', due, at: 0 });

function record(k: DialogKey, agenda: AgendaEntry[]): DialogState {
  return { key: k, rev: 1, scenarioVersion: 'v', step: 'ask', status: 'active', vars: {}, snapshot: {}, outbox: [], lastSeq: 0, delivered: 0, recentUpdates: [], blocked: false, createdAt: 0, updatedAt: 0, agenda };
}

async function storeWith(...dialogs: [DialogKey, AgendaEntry[]][]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const [k, agenda] of dialogs) await store.writeDialog({ expectedRev: 0, state: record(k, agenda), history: [] });
  return store;
}

interface Fired {
  readonly chat: string;
  readonly id: string;
  readonly at: number;
}

function runnerOn(store: MemoryStore, options: { sweepMs?: number; leaseMs?: number; fire?: (k: DialogKey, e: AgendaEntry) => Promise<FireOutcome> } = {}) {
  const fired: Fired[] = [];
  const observed: { id: string; outcome: FireOutcome; latenessMs: number }[] = [];
  const runner = new AgendaRunner({
    store,
    owner: 'me',
    logger: captureLogger().logger,
    clock: () => Date.now(),
    sweepMs: options.sweepMs ?? 1000,
    leaseMs: options.leaseMs ?? 30_000,
    fire: async (k, e) => {
      fired.push({ chat: k.chatId, id: e.id, at: Date.now() });
      return options.fire ? options.fire(k, e) : 'applied';
    },
    observer: { fired: (_k, e, outcome, latenessMs) => observed.push({ id: e.id, outcome, latenessMs }) },
  });
  return { runner, fired, observed };
}

describe('AgendaRunner', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires the due entries of due dialogs in due order, leaves the others, and releases the lease', async () => {
    const store = await storeWith([key('a'), [entry('1.2', 200), entry('1.1', 100), entry('1.3', 5000)]], [key('b'), [entry('1.1', 9000)]]);
    vi.setSystemTime(300);
    const { runner, fired } = runnerOn(store);
    await runner.sweep();
    expect(fired.map((f) => `${f.chat}:${f.id}`)).toEqual(['a:1.1', 'a:1.2']);
    expect(await store.claimAgenda(key('a'), 'other', 300, 1000)).toBeDefined();
  });

  it('goes on round after round while the store finds full batches, with no sweep in between', async () => {
    const dialogs = Array.from({ length: 300 }, (_, i): [DialogKey, AgendaEntry[]] => [key(`c${i}`), [entry('1.1', 100)]]);
    const store = await storeWith(...dialogs);
    vi.setSystemTime(200);
    // Each firing takes a moment and removes its entry, as a written turn does.
    const fire = async (k: DialogKey): Promise<FireOutcome> => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const state = (await store.getDialog(k))!;
      await store.writeDialog({ expectedRev: state.rev, state: { ...state, rev: state.rev + 1, agenda: [] }, history: [] });
      return 'applied';
    };
    const { runner, fired } = runnerOn(store, { sweepMs: 3_600_000, fire });
    runner.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(new Set(fired.map((f) => f.chat)).size).toBe(300);
    await runner.stop();
  });

  it('sweeps every sweepMs and reports lateness', async () => {
    const store = await storeWith([key('a'), [entry('1.1', 1500)]]);
    const { runner, fired, observed } = runnerOn(store, { sweepMs: 1000 });
    runner.start();
    await vi.advanceTimersByTimeAsync(1999);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([{ chat: 'a', id: '1.1', at: 2000 }]);
    expect(observed).toEqual([{ id: '1.1', outcome: 'applied', latenessMs: 500 }]);
    await runner.stop();
  });

  it('wakes at the earliest due time learned from writes, with no sweep in between', async () => {
    const store = await storeWith([key('a'), [entry('1.1', 7000)]], [key('b'), [entry('1.1', 4000)]]);
    const { runner, fired } = runnerOn(store, { sweepMs: 3_600_000 });
    runner.start();
    await vi.advanceTimersByTimeAsync(0);
    runner.learn(7000);
    runner.learn(4000);
    runner.learn(9000);
    expect(vi.getTimerCount()).toBe(2); // the sweep interval and one wake-up
    await vi.advanceTimersByTimeAsync(4000);
    expect(fired).toEqual([{ chat: 'b', id: '1.1', at: 4000 }]);
    // After that wake, the next learned time is armed: the later timer fires on time, not at the next sweep.
    await vi.advanceTimersByTimeAsync(3000);
    expect(fired.filter((f) => f.chat === 'a')).toEqual([{ chat: 'a', id: '1.1', at: 7000 }]);
    expect(vi.getTimerCount()).toBe(2);
    await runner.stop();
  });

  it('leaves a dialog whose agenda lease another process holds', async () => {
    const store = await storeWith([key('a'), [entry('1.1', 100)]]);
    vi.setSystemTime(200);
    await store.claimAgenda(key('a'), 'other', 200, 10_000);
    const { runner, fired } = runnerOn(store);
    await runner.sweep();
    expect(fired).toEqual([]);
  });

  it('renews the lease while a firing takes long', async () => {
    const store = await storeWith([key('a'), [entry('1.1', 0)]]);
    let finish!: () => void;
    const { runner } = runnerOn(store, { leaseMs: 3000, fire: () => new Promise<FireOutcome>((r) => (finish = () => r('applied'))) });
    const round = runner.sweep();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await store.claimAgenda(key('a'), 'other', Date.now(), 1000)).toBeUndefined();
    finish();
    await round;
    expect(await store.claimAgenda(key('a'), 'other', Date.now(), 1000)).toBeDefined();
  });

  it('stops after the entry in progress and releases the lease', async () => {
    const store = await storeWith([key('a'), [entry('1.1', 0), entry('1.2', 0)]]);
    let finish!: () => void;
    const { runner, fired } = runnerOn(store, { fire: () => new Promise<FireOutcome>((r) => (finish = () => r('applied'))) });
    runner.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fired).toHaveLength(1);
    const stopped = runner.stop();
    finish();
    await stopped;
    expect(fired).toHaveLength(1);
    expect(await store.claimAgenda(key('a'), 'other', Date.now(), 1000)).toBeDefined();
  });

  it('goes on with the next dialogs when a firing throws, and leaves the entry for a later round', async () => {
    const store = await storeWith([key('a'), [entry('1.1', 0)]], [key('b'), [entry('1.1', 10)]]);
    vi.setSystemTime(20);
    const { runner, fired } = runnerOn(store, { fire: async (k) => (k.chatId === 'a' ? Promise.reject(new Error('store down')) : 'applied') });
    await runner.sweep();
    expect(fired.map((f) => f.chat)).toEqual(['a', 'b']);
    await runner.sweep();
    expect(fired.map((f) => f.chat)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('fires other dialogs, and later rounds, while one dialog\'s firing takes long (a slow call)', async () => {
    const store = await storeWith([key('slow'), [entry('1.1', 0)]], [key('b'), [entry('1.1', 10)]]);
    vi.setSystemTime(20);
    let finish!: () => void;
    const { runner, fired } = runnerOn(store, { fire: (k) => (k.chatId === 'slow' ? new Promise<FireOutcome>((r) => (finish = () => r('applied'))) : Promise.resolve('applied')) });
    runner.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fired.map((f) => f.chat)).toEqual(['slow', 'b']);
    // A dialog that comes due while the slow one is still being fired: the next sweep fires it.
    await store.writeDialog({ expectedRev: 0, state: record(key('c'), [entry('1.1', 500)]), history: [] });
    await vi.advanceTimersByTimeAsync(1000);
    // (This fake firing leaves b's entry in the store: the sweep fires it again.)
    expect(fired.map((f) => f.chat)).toContain('c');
    expect(fired.filter((f) => f.chat === 'slow')).toHaveLength(1);
    finish();
    await runner.stop();
  });

  it('leaves a due time beyond setTimeout\'s range to the sweeps', async () => {
    const store = await storeWith();
    const { runner } = runnerOn(store, { sweepMs: 3_600_000 });
    runner.start();
    runner.learn(30 * 86_400_000);
    expect(vi.getTimerCount()).toBe(1); // the sweep interval only
    await runner.stop();
  });
});
