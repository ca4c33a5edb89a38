/** The contract of the store's read queries (history cursor, dashboard), part of describeStoreContract. */
import { expect, it } from 'vitest';
import type { DialogKey, DialogState, HistoryEntry, Store } from '../../../runtime/store/index.js';
import { dialogKey, dialogState, historyEntry, scenarioOf, write } from './helpers.js';

/** A history entry at a given step and time. */
const entry = (key: DialogKey, rev: number, direction: 'in' | 'out', step: string | null, at: number): HistoryEntry => ({ key, rev, direction, step, text: `${direction}@${at}`, at });

const webKey = (chatId: string, botId = 'b1'): DialogKey => ({ botId, platform: 'web', chatId });

/** Writes revisions 1..n of a dialog, each with its history; the last state gets `final`. */
async function dialogWith(store: Store, key: DialogKey, revisions: HistoryEntry[][], final: Partial<DialogState> = {}): Promise<void> {
  for (let i = 0; i < revisions.length; i++) {
    const rev = i + 1;
    const last = rev === revisions.length;
    expect(await write(store, dialogState(key, rev, last ? final : {}), revisions[i]!)).toBe(true);
  }
}

const texts = (entries: HistoryEntry[]) => entries.map((h) => `${h.rev}:${h.text}`);

export function describeReadQueries(current: () => Store): void {
  it('history afterRev: the oldest `limit` entries after the cursor, oldest first, of that dialog only', async () => {
    const store = current();
    const key = dialogKey('c1');
    const revs = [1, 2, 3, 4].map((rev) => [historyEntry(key, rev, 'in', `q${rev}`), historyEntry(key, rev, 'out', `a${rev}`)]);
    await dialogWith(store, key, revs);
    await dialogWith(store, dialogKey('c2'), [[historyEntry(dialogKey('c2'), 1, 'in', 'other chat')]]);
    await dialogWith(store, dialogKey('c1', 'b2'), [[historyEntry(dialogKey('c1', 'b2'), 1, 'in', 'other bot')], [historyEntry(dialogKey('c1', 'b2'), 2, 'in', 'other bot')]]);

    const all = ['1:q1', '1:a1', '2:q2', '2:a2', '3:q3', '3:a3', '4:q4', '4:a4'];
    expect(texts(await store.history(key, { afterRev: 0 }))).toEqual(all);
    expect(texts(await store.history(key, { afterRev: 2 }))).toEqual(['3:q3', '3:a3', '4:q4', '4:a4']);
    expect(texts(await store.history(key, { afterRev: 1, limit: 3 }))).toEqual(['2:q2', '2:a2', '3:q3']);
    expect(texts(await store.history(key, { afterRev: 0, limit: 1 }))).toEqual(['1:q1']);
    expect(await store.history(key, { afterRev: 4 })).toEqual([]);
    expect(await store.history(key, { afterRev: 99 })).toEqual([]);
    expect(await store.history(key, { afterRev: 0, limit: 0 })).toEqual([]);
    expect(await store.history(dialogKey('none'), { afterRev: 0 })).toEqual([]);
    expect((await store.history(key, { afterRev: 3 }))[1]).toStrictEqual(historyEntry(key, 4, 'out', 'a4'));
    // Without a cursor the newest entries come back, as before.
    expect(texts(await store.history(key, { limit: 3 }))).toEqual(['3:a3', '4:q4', '4:a4']);
  });

  it('history rejects a malformed afterRev with RangeError', async () => {
    const store = current();
    for (const afterRev of [-1, 1.5, Number.NaN, Infinity]) {
      await expect(store.history(dialogKey('c1'), { afterRev })).rejects.toThrow(RangeError);
    }
    await expect(store.history(dialogKey('c1'), { afterRev: 1, limit: -1 })).rejects.toThrow(RangeError);
  });

  it('lists the dialogs of a bot, most recently updated first, ties by platform and chat', async () => {
    const store = current();
    await write(store, dialogState(dialogKey('old'), 1, { updatedAt: 5 }));
    await write(store, dialogState(webKey('a'), 1, { updatedAt: 9 }));
    await write(store, dialogState(dialogKey('c3'), 1, { updatedAt: 9 }));
    await write(store, dialogState(dialogKey('c2'), 1, { updatedAt: 9, outbox: [{ seq: 1, text: 'Hi', buttons: [], at: 9 }], lastSeq: 1 }));
    await write(store, dialogState(dialogKey('new', 'b2'), 1, { updatedAt: 100 }));
    await store.setBlocked(dialogKey('old'), true);

    const listed = await store.listDialogs('b1');
    expect(listed.map((d) => `${d.key.platform}/${d.key.chatId}`)).toEqual(['telegram/c2', 'telegram/c3', 'web/a', 'telegram/old']);
    expect(listed[0]).toStrictEqual({
      key: dialogKey('c2'),
      rev: 1,
      scenarioVersion: 'v1',
      step: 'ask',
      status: 'active',
      blocked: false,
      createdAt: 1,
      updatedAt: 9,
      lastSeq: 1,
    });
    expect(listed[3]?.blocked).toBe(true);
    expect((await store.listDialogs('b1', { limit: 2 })).map((d) => d.key.chatId)).toEqual(['c2', 'c3']);
    expect((await store.listDialogs('b1', { platform: 'web' })).map((d) => d.key)).toEqual([webKey('a')]);
    expect((await store.listDialogs('b1', { platform: 'telegram', limit: 1 })).map((d) => d.key.chatId)).toEqual(['c2']);
    expect(await store.listDialogs('b1', { platform: 'none' })).toEqual([]);
    expect(await store.listDialogs('b1', { limit: 0 })).toEqual([]);
    expect((await store.listDialogs('b2')).map((d) => d.key.chatId)).toEqual(['new']);
    expect(await store.listDialogs('b3')).toEqual([]);
  });

  it('lists 50 dialogs by default, and rejects a limit outside 0..1000 with RangeError', async () => {
    const store = current();
    for (let i = 0; i < 52; i++) await write(store, dialogState(dialogKey(`c${i}`), 1, { updatedAt: i }));
    const listed = await store.listDialogs('b1');
    expect(listed).toHaveLength(50);
    expect([listed[0]?.key.chatId, listed[49]?.key.chatId]).toEqual(['c51', 'c2']);
    expect(await store.listDialogs('b1', { limit: 1000 })).toHaveLength(52);
    for (const limit of [-1, 1.5, 1001, Number.NaN]) await expect(store.listDialogs('b1', { limit })).rejects.toThrow(RangeError);
  });

  it('counts active dialogs per step, since a time when given', async () => {
    const store = current();
    expect(await store.activeByStep('b1')).toEqual({});
    await write(store, dialogState(dialogKey('c1'), 1, { step: 'ask', updatedAt: 10 }));
    await write(store, dialogState(webKey('c2'), 1, { step: 'ask', updatedAt: 20 }));
    await write(store, dialogState(dialogKey('c3'), 1, { step: 'name', updatedAt: 30 }));
    await write(store, dialogState(dialogKey('c4'), 1, { step: null, status: 'ended', updatedAt: 40 }));
    await write(store, dialogState(dialogKey('c5'), 1, { step: null, updatedAt: 50 }));
    await write(store, dialogState(dialogKey('c6'), 1, { step: 'ask', status: 'ended', updatedAt: 60 }));
    await write(store, dialogState(dialogKey('c1', 'b2'), 1, { step: 'ask', updatedAt: 70 }));

    expect(await store.activeByStep('b1')).toEqual({ ask: 2, name: 1 });
    expect(await store.activeByStep('b1', 20)).toEqual({ ask: 1, name: 1 });
    expect(await store.activeByStep('b1', 21)).toEqual({ name: 1 });
    expect(await store.activeByStep('b1', 31)).toEqual({});
    expect(await store.activeByStep('b2', 0)).toEqual({ ask: 1 });
    expect(await store.activeByStep('b3')).toEqual({});
  });

  it('counts the funnel of the dialogs with history since a time', async () => {
    const store = current();
    const [c1, c2, c3, c4, c5] = ['c1', 'c2', 'c3', 'c4', 'c5'].map((c) => dialogKey(c));
    await dialogWith(store, c1!, [[entry(c1!, 1, 'in', null, 10), entry(c1!, 1, 'out', 'welcome', 10)], [entry(c1!, 2, 'in', 'welcome', 15), entry(c1!, 2, 'out', 'ask', 20)]], { step: 'ask' });
    await dialogWith(store, c2!, [[entry(c2!, 1, 'out', 'welcome', 5)], [entry(c2!, 2, 'out', 'ask', 25)], [entry(c2!, 3, 'out', 'done', 30)]], { step: null, status: 'ended' });
    await dialogWith(store, c3!, [[entry(c3!, 1, 'out', 'welcome', 3)]], { step: 'welcome' });
    await dialogWith(store, c4!, [[entry(c4!, 1, 'in', null, 40)]], { step: null });
    // Ended long ago: no history in the window, so not counted although ended.
    await dialogWith(store, c5!, [[entry(c5!, 1, 'out', 'done', 2)]], { step: null, status: 'ended' });
    const other = dialogKey('c1', 'b2');
    await dialogWith(store, other, [[entry(other, 1, 'out', 'ask', 50)]], { step: 'ask' });

    expect(await store.funnel('b1', 10)).toEqual({ dialogs: 3, reached: { welcome: 1, ask: 2, done: 1 }, ended: 1, current: { ask: 1 } });
    expect(await store.funnel('b1', 11)).toEqual({ dialogs: 3, reached: { welcome: 1, ask: 2, done: 1 }, ended: 1, current: { ask: 1 } });
    expect(await store.funnel('b1', 16)).toEqual({ dialogs: 3, reached: { ask: 2, done: 1 }, ended: 1, current: { ask: 1 } });
    expect(await store.funnel('b1', 0)).toEqual({ dialogs: 5, reached: { welcome: 3, ask: 2, done: 2 }, ended: 2, current: { ask: 1, welcome: 1 } });
    expect(await store.funnel('b1', 31)).toEqual({ dialogs: 1, reached: {}, ended: 0, current: {} });
    expect(await store.funnel('b1', 41)).toEqual({ dialogs: 0, reached: {}, ended: 0, current: {} });
    expect(await store.funnel('b2', 0)).toEqual({ dialogs: 1, reached: { ask: 1 }, ended: 0, current: { ask: 1 } });
    expect(await store.funnel('b3', 0)).toEqual({ dialogs: 0, reached: {}, ended: 0, current: {} });
  });

  it('counts conversations in the funnel: a start after an end, or a jump back to the start step, begins another', async () => {
    const store = current();
    const [a, b, c] = ['finished-then-again', 'left-by-start', 're-asked-at-start'].map((id) => dialogKey(id));
    const opening = (k: DialogKey, at: number) => [entry(k, 1, 'in', null, at), entry(k, 1, 'out', 'welcome', at), entry(k, 1, 'out', 'ask', at)];
    // Finished, then "Start over": the second start's message finds no dialog running.
    await dialogWith(store, a!, [opening(a!, 10), [entry(a!, 2, 'in', 'ask', 11), entry(a!, 2, 'out', 'done', 11)], [entry(a!, 3, 'in', null, 12), entry(a!, 3, 'out', 'welcome', 12), entry(a!, 3, 'out', 'ask', 12)]], { step: 'ask' });
    // /start at `ask`: back to the start step, the first conversation left at `ask`; the second one finishes.
    await dialogWith(store, b!, [opening(b!, 10), [entry(b!, 2, 'in', 'ask', 11), entry(b!, 2, 'out', 'welcome', 11), entry(b!, 2, 'out', 'ask', 11)], [entry(b!, 3, 'in', 'ask', 12), entry(b!, 3, 'out', 'done', 12)]], { step: null, status: 'ended' });
    // A wrong answer at the start step is re-asked there: the same conversation.
    await dialogWith(store, c!, [[entry(c!, 1, 'in', null, 10), entry(c!, 1, 'out', 'welcome', 10)], [entry(c!, 2, 'in', 'welcome', 11), entry(c!, 2, 'out', 'welcome', 11)]], { step: 'welcome' });

    expect(await store.funnel('b1', 0, 'welcome')).toEqual({ dialogs: 5, reached: { ask: 4, done: 2, welcome: 5 }, ended: 2, current: { ask: 2, welcome: 1 } });
    // Without the start step, only starts from an ended or new dialog are seen.
    expect(await store.funnel('b1', 0)).toEqual({ dialogs: 4, reached: { ask: 3, done: 2, welcome: 4 }, ended: 2, current: { ask: 1, welcome: 1 } });

    // The window opens in the middle of a conversation: its part in the window counts, and its end is the next start.
    const d = dialogKey('d', 'b2');
    await dialogWith(store, d, [opening(d, 5), [entry(d, 2, 'in', 'ask', 20), entry(d, 2, 'out', 'done', 20)], [entry(d, 3, 'in', null, 25), entry(d, 3, 'out', 'welcome', 25), entry(d, 3, 'out', 'ask', 25)]], { step: 'ask' });
    expect(await store.funnel('b2', 15, 'welcome')).toEqual({ dialogs: 2, reached: { ask: 2, done: 1, welcome: 1 }, ended: 1, current: { ask: 1 } });
    expect(await store.funnel('b2', 25, 'welcome')).toEqual({ dialogs: 1, reached: { ask: 1, welcome: 1 }, ended: 0, current: { ask: 1 } });
  });

  it('counts messages per time bucket and direction, only non-empty buckets, ascending', async () => {
    const store = current();
    const minute = 60_000;
    // A real epoch time on a minute boundary, so the bucket arithmetic meets large numbers.
    const t = 28_333_333 * minute;
    const [c1, c2] = [dialogKey('c1'), webKey('c2')];
    await dialogWith(store, c1, [[entry(c1, 1, 'in', 'ask', t + 2 * minute + 500)], [entry(c1, 2, 'in', null, t - 1), entry(c1, 2, 'out', 'ask', t)]]);
    await dialogWith(store, c2, [[entry(c2, 1, 'in', 'ask', t), entry(c2, 1, 'out', 'ask', t + 1), entry(c2, 1, 'out', 'ask', t + minute - 1)]]);
    const other = dialogKey('c1', 'b2');
    await dialogWith(store, other, [[entry(other, 1, 'in', 'ask', t + 5)]]);

    expect(await store.messageRate('b1', 0, minute)).toEqual([
      { at: t - minute, in: 1, out: 0 },
      { at: t, in: 1, out: 3 },
      { at: t + 2 * minute, in: 1, out: 0 },
    ]);
    expect(await store.messageRate('b1', t + 1, minute)).toEqual([
      { at: t, in: 0, out: 2 },
      { at: t + 2 * minute, in: 1, out: 0 },
    ]);
    expect(await store.messageRate('b1', t, 1000)).toEqual([
      { at: t, in: 1, out: 2 },
      { at: t + minute - 1000, in: 0, out: 1 },
      { at: t + 2 * minute, in: 1, out: 0 },
    ]);
    expect(await store.messageRate('b1', t + 3 * minute, minute)).toEqual([]);
    expect(await store.messageRate('b2', 0, minute)).toEqual([{ at: t, in: 1, out: 0 }]);
    expect(await store.messageRate('b3', 0, minute)).toEqual([]);
    for (const bucketMs of [999, 0, -60_000, 1500.5, Number.NaN]) await expect(store.messageRate('b1', 0, bucketMs)).rejects.toThrow(RangeError);
  });

  it('lists the scenario versions of a bot, newest first, without source and machine', async () => {
    const store = current();
    expect(await store.listScenarios('b1')).toEqual([]);
    await store.putScenario(scenarioOf('b1', 'h-a', 1));
    await store.putScenario(scenarioOf('b1', 'h-b', 2));
    await store.putScenario(scenarioOf('b1', 'h-a', 3));
    await store.putScenario(scenarioOf('b2', 'h-c', 4));
    const listed = await store.listScenarios('b1');
    expect(listed).toStrictEqual([
      { botId: 'b1', version: 2, hash: 'h-b', format: 'json', createdAt: 2, activatedAt: 2 },
      { botId: 'b1', version: 1, hash: 'h-a', format: 'json', createdAt: 1, activatedAt: 1 },
    ]);
    expect((await store.listScenarios('b2')).map((s) => s.hash)).toEqual(['h-c']);
    expect(await store.listScenarios('b3')).toEqual([]);
  });
}
