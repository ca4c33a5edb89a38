/**
 * What delivery costs the store per update: the lease is taken in the transition's own write, replies go out from
 * the record that write committed, and the round's last mark frees the lease.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, openSqliteStore, type Store } from '../../../runtime/store/index.js';
import { harness, key } from './harness.js';

/** Store calls by method name, and the options of each markDelivered. */
function counted(store: Store): { store: Store; calls: Map<string, number>; marks: unknown[][] } {
  const calls = new Map<string, number>();
  const marks: unknown[][] = [];
  const proxy = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        if (name === 'markDelivered') marks.push(args.slice(1));
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, calls, marks };
}

describe.each([
  { name: 'memory', open: (): Store => new MemoryStore() },
  { name: 'sqlite', open: (): Store => openSqliteStore({ file: ':memory:' }) },
])('delivery from the committed record ($name)', ({ open }) => {
  it('sends an update’s replies without a claim or a read-back: one write, then one mark per reply, the last freeing the lease', async () => {
    const { store, calls, marks } = counted(open());
    const h = harness({ store });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await h.settle();
    expect(h.adapter.texts('c')).toEqual(['Welcome to our bot!', "What's your name?"]);
    calls.clear();
    marks.length = 0;
    // A live dialog: the update costs its write and the marks of its reply, nothing else.
    await h.send({ id: 2, chat: 'c', text: 'Ann' });
    await h.settle();
    expect(h.adapter.texts('c').at(-1)).toBe('Nice to meet you, Ann!');
    expect(Object.fromEntries(calls)).toEqual({ writeDialog: 1, markDelivered: 1 });
    expect(marks).toEqual([[3, expect.any(String), { release: true }]]);
    expect(await store.pendingDeliveries(Date.now(), 10)).toEqual([]);
    // The lease is free again: another process could claim at once.
    expect(await store.claimDelivery(key('c'), 'other', Date.now(), 1000)).toBeDefined();
  });

  it('marks each of several replies as it goes, and frees the lease with the last mark', async () => {
    const { store, marks } = counted(open());
    const h = harness({ store });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await h.settle();
    expect(marks.map(([seq, , options]) => [seq, options])).toEqual([
      [1, undefined],
      [2, { release: true }],
    ]);
    expect(await store.getDialog(key('c'))).toMatchObject({ lastSeq: 2, delivered: 2 });
  });

  it('falls back to a claim when another process holds the lease, and leaves the replies to it', async () => {
    const { store, calls } = counted(open());
    const h = harness({ store });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await h.settle();
    const other = await store.claimDelivery(key('c'), 'other-process', Date.now(), 60_000);
    calls.clear();
    await h.send({ id: 2, chat: 'c', text: 'Ann' });
    await h.settle();
    expect(calls.get('claimDelivery')).toBe(1);
    expect(h.adapter.texts('c')).toHaveLength(2);
    expect(await store.getDialog(key('c'))).toMatchObject({ lastSeq: 3, delivered: 2 });
    // Once the other process lets go, the next delivery sends it.
    await store.releaseDelivery(key('c'), other!.token, true);
    await h.manager.deliverPending(key('c'));
    expect(h.adapter.texts('c').at(-1)).toBe('Nice to meet you, Ann!');
  });
});
