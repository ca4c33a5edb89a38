import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MachineConfig } from '../../../runtime/engine/index.js';
import type { DialogEvent } from '../../../runtime/dialogs/index.js';
import type { AgendaEntry, DialogKey, Store } from '../../../runtime/store/index.js';
import { harness, key, SPEC } from './harness.js';

const text = (t: string) => ({ parts: [{ kind: 'text', text: t }] });

/** SPEC, and at ask_name: timer.reminder says "Still there?" (stays), timer.timeout goes to goodbye (as the engine will). */
function withTimers(expireAfterMs?: number): MachineConfig {
  const askName = SPEC.states['ask_name']!;
  const on = {
    ...askName.on,
    'timer.reminder': [{ actions: ['beginTurn', { type: 'say', params: { step: 'ask_name', text: text('Still there?'), buttons: [] } }] }],
    'timer.timeout': [{ actions: ['beginTurn'], target: 'goodbye' }],
  };
  // Machines are cached by version: a version of its own.
  return { ...SPEC, version: `${SPEC.version}-timers`, ...(expireAfterMs === undefined ? {} : { expireAfterMs }), states: { ...SPEC.states, ask_name: { ...askName, on } } } as unknown as MachineConfig;
}

const timer = (id: string, name: string, step: string | null, due: number, index?: number): AgendaEntry => ({ id, kind: 'timer', name, step, due, at: 0, ...(index === undefined ? {} : { index }) });

/** Writes `agenda` into a dialog's stored record (as a scheduling turn of the engine would have). */
async function putAgenda(store: Store, k: DialogKey, agenda: AgendaEntry[]): Promise<void> {
  const state = (await store.getDialog(k))!;
  expect(await store.writeDialog({ expectedRev: state.rev, state: { ...state, rev: state.rev + 1, agenda }, history: [] })).toBeTruthy();
}

describe('dialog manager: the agenda', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the idle expiry with a user turn, renews it with the next, keeps it with sendMessage, clears it on reset', async () => {
    let now = 1000;
    const h = harness({ config: withTimers(60_000), clock: () => now });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    expect((await h.store.getDialog(key('c')))!.agenda).toEqual([timer('1.1', 'expire', null, 61_000)].map((e) => ({ ...e, at: 1000 })));
    now = 5000;
    await h.send({ id: 2, chat: 'c', text: 'Ann' });
    expect((await h.store.getDialog(key('c')))!.agenda).toEqual([{ ...timer('2.1', 'expire', null, 65_000), at: 5000 }]);
    now = 6000;
    await h.manager.sendMessage({ botId: 'bot', platform: 'test', chatId: 'c', text: 'news' });
    expect((await h.store.getDialog(key('c')))!.agenda).toEqual([{ ...timer('2.1', 'expire', null, 65_000), at: 5000 }]);
    await h.manager.resetDialog(key('c'));
    expect((await h.store.getDialog(key('c')))!.agenda ?? []).toEqual([]);
  });

  it('fires an entry of the record as a turn: its replies go out, the entry leaves, a second firing is a duplicate', async () => {
    const now = 10_000;
    const h = harness({ config: withTimers(), clock: () => now });
    const events: DialogEvent[] = [];
    h.manager.observe((e) => events.push(e));
    await h.send({ id: 1, chat: 'c', text: '/start' });
    const reminder = timer('9.1', 'reminder', 'ask_name', 9000, 0);
    const timeout = timer('9.2', 'timeout', 'ask_name', 20_000);
    await putAgenda(h.store, key('c'), [reminder, timeout]);
    expect(await h.manager.fireTimer(key('c'), reminder)).toBe('applied');
    await h.settle();
    expect(h.adapter.texts('c')).toEqual(['Welcome to our bot!', "What's your name?", 'Still there?']);
    const stored = (await h.store.getDialog(key('c')))!;
    expect(stored).toMatchObject({ rev: 3, step: 'ask_name', agenda: [timeout] });
    expect(stored.recentUpdates).toEqual(['1', 'agenda:9.1']);
    expect(await h.manager.fireTimer(key('c'), reminder)).toBe('duplicate');
    expect(events.filter((e) => e.type === 'timer').map((e) => e.type === 'timer' && [e.name, e.outcome, e.latenessMs])).toEqual([
      ['reminder', 'applied', 1000],
      ['reminder', 'duplicate', 1000],
    ]);
    expect(h.lines.some((l) => l['event_type'] === 'TIMER' && l['timer'] === 'reminder')).toBe(true);
  });

  it('drops an entry no longer in the record, and one whose step the dialog has left (removing it)', async () => {
    const h = harness({ config: withTimers(), clock: () => 30_000 });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    expect(await h.manager.fireTimer(key('c'), timer('7.1', 'timeout', 'ask_name', 0))).toBe('dropped');
    const stale = timer('7.2', 'timeout', 'greet_with_name', 0);
    await putAgenda(h.store, key('c'), [stale]);
    expect(await h.manager.fireTimer(key('c'), stale)).toBe('dropped');
    expect((await h.store.getDialog(key('c')))!).toMatchObject({ step: 'ask_name', rev: 3 });
    expect((await h.store.getDialog(key('c')))!.agenda ?? []).toEqual([]);
  });

  it('a timer that leaves the step cancels the step\'s other entries', async () => {
    const h = harness({ config: withTimers(), clock: () => 30_000 });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    const timeout = timer('9.1', 'timeout', 'ask_name', 20_000);
    await putAgenda(h.store, key('c'), [timeout, timer('9.2', 'reminder', 'ask_name', 40_000, 1)]);
    expect(await h.manager.fireTimer(key('c'), timeout)).toBe('applied');
    expect((await h.store.getDialog(key('c')))!).toMatchObject({ step: null, status: 'ended' });
    expect((await h.store.getDialog(key('c')))!.agenda ?? []).toEqual([]);
  });

  it('fires from the record it keeps in the registry: the kept record holds the agenda', async () => {
    let now = 0;
    const h = harness({ config: withTimers(60_000), clock: () => now });
    const reads = vi.spyOn(h.store, 'getDialog');
    await h.send({ id: 1, chat: 'c', text: '/start' });
    const [expiry] = (await h.store.getDialog(key('c')))!.agenda!;
    reads.mockClear();
    now = 61_000;
    expect(await h.manager.fireTimer(key('c'), expiry!)).toBe('applied');
    expect(reads).not.toHaveBeenCalled();
  });

  it('the runner wakes when the expiry written by a turn comes due, and fires it once', async () => {
    vi.useFakeTimers({ now: 0 });
    const h = harness({ config: withTimers(60_000), clock: () => Date.now(), agenda: { sweepMs: 3_600_000 } });
    const fired: string[] = [];
    h.manager.observe((e) => {
      if (e.type === 'timer') fired.push(`${e.name}:${e.outcome}`);
    });
    h.manager.start();
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual(['expire:applied']);
    await h.manager.stop();
  });

  it('leaves the timers of a bot it does not run to the processes that do', async () => {
    const h = harness({ config: withTimers(), clock: () => 30_000 });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    const other: DialogKey = { botId: 'elsewhere', platform: 'test', chatId: 'x' };
    const state = (await h.store.getDialog(key('c')))!;
    await h.store.writeDialog({ expectedRev: 0, state: { ...state, key: other, rev: 1, agenda: [timer('1.1', 'timeout', 'ask_name', 0)] }, history: [] });
    const due = vi.spyOn(h.store, 'dueAgenda');
    await expect(h.manager.fireTimer(other, timer('1.1', 'timeout', 'ask_name', 0))).rejects.toThrow(/unknown bot/);
    h.manager.start();
    await vi.waitFor(() => expect(due).toHaveBeenCalled());
    expect(due.mock.calls[0]![2]).toMatchObject({ skip: [{ botId: 'elsewhere', platform: 'test' }] });
    await h.manager.stop();
  });

  it('two processes on one store apply a timer once: the other finds it applied', async () => {
    const one = harness({ config: withTimers(), clock: () => 30_000, owner: 'p1' });
    const two = harness({ config: withTimers(), clock: () => 30_000, owner: 'p2', store: one.store });
    await one.send({ id: 1, chat: 'c', text: '/start' });
    const reminder = timer('9.1', 'reminder', 'ask_name', 0, 0);
    await putAgenda(one.store, key('c'), [reminder, timer('9.2', 'timeout', 'ask_name', 99_000)]);
    const outcomes = await Promise.all([one.manager.fireTimer(key('c'), reminder), two.manager.fireTimer(key('c'), reminder)]);
    expect(outcomes.sort()).toEqual(['applied', 'duplicate']);
    await one.settle();
    await two.settle();
    const said = [...one.adapter.texts('c'), ...two.adapter.texts('c')].filter((t) => t === 'Still there?');
    expect(said).toEqual(['Still there?']);
    expect((await one.store.getDialog(key('c')))!.rev).toBe(3);
  });

  it('two processes running their agenda on one store fire each due timer once', async () => {
    vi.useFakeTimers({ now: 0 });
    const clock = () => Date.now();
    const one = harness({ config: withTimers(), clock, owner: 'p1', agenda: { sweepMs: 1000 } });
    const two = harness({ config: withTimers(), clock, owner: 'p2', agenda: { sweepMs: 1000 }, store: one.store });
    const applied: string[] = [];
    for (const [name, h] of [['p1', one], ['p2', two]] as const) {
      h.manager.observe((e) => {
        if (e.type === 'timer' && e.outcome === 'applied') applied.push(`${name}:${e.name}`);
      });
    }
    for (const chat of ['a', 'b', 'c', 'd']) {
      await one.send({ id: 1, chat, text: '/start' });
      await putAgenda(one.store, key(chat), [timer('9.1', 'reminder', 'ask_name', 5000, 0), timer('9.2', 'reminder', 'ask_name', 5000, 1)]);
    }
    one.manager.start();
    two.manager.start();
    await vi.advanceTimersByTimeAsync(7000);
    await one.manager.stop();
    await two.manager.stop();
    expect(applied).toHaveLength(8);
    for (const chat of ['a', 'b', 'c', 'd']) expect((await one.store.getDialog(key(chat)))!).toMatchObject({ rev: 4, agenda: undefined });
    const reminders = [...one.adapter.sent, ...two.adapter.sent].filter((m) => m.text === 'Still there?');
    expect(reminders).toHaveLength(8);
  });
});
