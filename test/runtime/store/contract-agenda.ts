/** The contract of the agenda (due work kept in the dialog record, and its own lease), part of describeStoreContract. */
import { expect, it } from 'vitest';
import type { AgendaEntry, DialogKey, Store } from '../../../runtime/store/index.js';
import { dialogKey, dialogState, write } from './helpers.js';

/** A timer entry due at `due`; a reminder carries its index. */
export const timer = (id: string, due: number, extra: Partial<AgendaEntry> = {}): AgendaEntry => ({ id, kind: 'timer', name: 'timeout', step: 'ask', due, at: 1, ...extra });

/** Writes revision `rev` of a dialog with this agenda. */
const withAgenda = (store: Store, key: DialogKey, rev: number, agenda: AgendaEntry[] | undefined, extra: Parameters<typeof dialogState>[2] = {}) =>
  write(store, dialogState(key, rev, { ...(agenda && { agenda }), ...extra }));

const chats = (keys: DialogKey[]) => keys.map((k) => k.chatId);

export function describeAgenda(current: () => Store): void {
  it('agenda: reads back as written, entries and their order kept; an emptied agenda reads back as none', async () => {
    const store = current();
    const key = dialogKey('c1');
    const agenda = [
      timer('1.0', 5000, { name: 'reminder', index: 0, at: 10 }),
      timer('1.1', 9000, { at: 10 }),
      timer('1.2', 7000, { name: 'expire', step: null, at: 10 }),
    ];
    const state = dialogState(key, 1, { agenda });
    expect(await write(store, state)).toBe(true);
    const read = await store.getDialog(key);
    expect(read).toStrictEqual({ ...state, delivered: 0 });
    expect(read?.agenda?.[1]).not.toHaveProperty('index');
    // A write without an agenda, or with an empty one, leaves none.
    expect(await withAgenda(store, key, 2, [])).toBe(true);
    expect((await store.getDialog(key))?.agenda ?? []).toEqual([]);
    expect(await withAgenda(store, key, 3, agenda)).toBe(true);
    expect((await store.getDialog(key))?.agenda).toStrictEqual(agenda);
    expect(await withAgenda(store, key, 4, undefined)).toBe(true);
    expect(await store.getDialog(key)).toStrictEqual({ ...dialogState(key, 4), delivered: 0 });
  });

  it('agenda: dueAgenda lists the dialogs whose earliest entry is due, earliest first, at most `limit`', async () => {
    const store = current();
    // The earliest entry decides, wherever it is in the list.
    await withAgenda(store, dialogKey('late'), 1, [timer('1.0', 3000)]);
    await withAgenda(store, dialogKey('early'), 1, [timer('1.0', 9000), timer('1.1', 1000)]);
    await withAgenda(store, dialogKey('middle'), 1, [timer('1.0', 2000)]);
    await withAgenda(store, dialogKey('future'), 1, [timer('1.0', 5000)]);
    await withAgenda(store, dialogKey('none'), 1, undefined);
    await withAgenda(store, dialogKey('empty'), 1, []);
    expect(await store.dueAgenda(999, 10)).toEqual([]);
    expect(await store.dueAgenda(1000, 10)).toEqual([dialogKey('early')]);
    expect(chats(await store.dueAgenda(3000, 10))).toEqual(['early', 'middle', 'late']);
    expect(chats(await store.dueAgenda(3000, 2))).toEqual(['early', 'middle']);
    expect(await store.dueAgenda(3000, 0)).toEqual([]);
    expect(chats(await store.dueAgenda(100_000, 10))).toEqual(['early', 'middle', 'late', 'future']);
  });

  it('agenda: a write that empties or postpones the agenda takes the dialog out of dueAgenda; a conflict changes nothing', async () => {
    const store = current();
    const key = dialogKey('c1');
    const agenda = [timer('1.0', 1000)];
    await withAgenda(store, key, 1, agenda);
    await withAgenda(store, dialogKey('c2'), 1, [timer('1.0', 1500)]);
    expect(chats(await store.dueAgenda(2000, 10))).toEqual(['c1', 'c2']);
    // A stale write (expected rev 0 again, or a wrong one) neither replaces nor empties the agenda.
    expect(await store.writeDialog({ expectedRev: 0, state: dialogState(key, 1, { agenda: [timer('9.0', 50_000)] }), history: [] })).toBe(false);
    expect(await withAgenda(store, key, 5, [])).toBe(false);
    expect((await store.getDialog(key))?.agenda).toStrictEqual(agenda);
    expect(chats(await store.dueAgenda(2000, 10))).toEqual(['c1', 'c2']);
    // Postponed: due later, so not yet.
    expect(await withAgenda(store, key, 2, [timer('2.0', 8000)])).toBe(true);
    expect(chats(await store.dueAgenda(2000, 10))).toEqual(['c2']);
    expect(chats(await store.dueAgenda(8000, 10))).toEqual(['c2', 'c1']);
    // Emptied, then a write without an agenda: never due again.
    expect(await withAgenda(store, key, 3, [])).toBe(true);
    expect(await withAgenda(store, dialogKey('c2'), 2, undefined)).toBe(true);
    expect(await store.dueAgenda(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('agenda: dueAgenda leaves out dialogs whose agenda lease another owner holds, until it expires, and skipped bots', async () => {
    const store = current();
    for (const chat of ['free', 'held', 'expired', 'mine']) await withAgenda(store, dialogKey(chat), 1, [timer('1.0', 100)]);
    await withAgenda(store, dialogKey('other', 'b2'), 1, [timer('1.0', 200)]);
    await store.claimAgenda(dialogKey('held'), 'B', 1000, 10_000);
    await store.claimAgenda(dialogKey('expired'), 'B', 1000, 100);
    await store.claimAgenda(dialogKey('mine'), 'A', 1000, 10_000);
    expect(chats(await store.dueAgenda(2000, 10)).sort()).toEqual(['expired', 'free', 'other']);
    // A restarted owner finds what its previous incarnation held.
    expect(chats(await store.dueAgenda(2000, 10, { owner: 'A' })).sort()).toEqual(['expired', 'free', 'mine', 'other']);
    expect(chats(await store.dueAgenda(2000, 10, { owner: 'B' })).sort()).toEqual(['expired', 'free', 'held', 'other']);
    // At 1100 the short lease has not expired yet (expired means until < now).
    expect(chats(await store.dueAgenda(1100, 10)).sort()).toEqual(['free', 'other']);
    expect(chats(await store.dueAgenda(11_001, 10)).sort()).toEqual(['expired', 'free', 'held', 'mine', 'other']);
    expect(await store.dueAgenda(2000, 10, { skip: [{ botId: 'b1', platform: 'telegram' }] })).toEqual([dialogKey('other', 'b2')]);
    expect(chats(await store.dueAgenda(2000, 10, { skip: [{ botId: 'b1', platform: 'web' }, { botId: 'b2', platform: 'telegram' }] })).sort()).toEqual(['expired', 'free']);
  });

  it('agenda: a claim returns the record with a new token; another owner is refused until the lease expires', async () => {
    const store = current();
    const key = dialogKey('c1');
    const agenda = [timer('1.0', 100), timer('1.1', 200, { name: 'reminder', index: 1 })];
    await withAgenda(store, key, 1, agenda, { vars: { name: 'Ann' }, lastSeq: 2 });
    const a = await store.claimAgenda(key, 'A', 1000, 500);
    expect(a?.state).toStrictEqual({ ...dialogState(key, 1, { agenda, vars: { name: 'Ann' }, lastSeq: 2 }), delivered: 0 });
    expect(a?.token).toEqual(expect.any(String));
    expect(await store.claimAgenda(key, 'B', 1200, 500)).toBeUndefined();
    expect(await store.claimAgenda(key, 'B', 1500, 500)).toBeUndefined();
    const b = await store.claimAgenda(key, 'B', 1501, 500);
    expect(b?.token).toEqual(expect.any(String));
    expect(b?.token).not.toBe(a!.token);
    // Fenced: the expired holder can neither renew nor release, and may not claim back while B holds it.
    expect(await store.renewAgenda(key, a!.token, 1502, 500)).toBe(false);
    expect(await store.releaseAgenda(key, a!.token)).toBe(false);
    expect(await store.claimAgenda(key, 'A', 1600, 500)).toBeUndefined();
    expect(await store.renewAgenda(key, b!.token, 1600, 500)).toBe(true);
    expect(await store.claimAgenda(dialogKey('missing'), 'A', 1000, 500)).toBeUndefined();
  });

  it('agenda: a claim by the same owner takes its lease over (a restarted process) and fences the old claim', async () => {
    const store = current();
    const key = dialogKey('c1');
    await withAgenda(store, key, 1, [timer('1.0', 100)]);
    const old = await store.claimAgenda(key, 'A', 1000, 60_000);
    const again = await store.claimAgenda(key, 'A', 1001, 60_000);
    expect(again?.token).toEqual(expect.any(String));
    expect(again!.token).not.toBe(old!.token);
    expect(await store.renewAgenda(key, old!.token, 1002, 500)).toBe(false);
    expect(await store.releaseAgenda(key, old!.token)).toBe(false);
    expect(await store.claimAgenda(key, 'B', 1003, 500)).toBeUndefined();
    expect(await store.releaseAgenda(key, again!.token)).toBe(true);
    expect(await store.claimAgenda(key, 'B', 1004, 500)).toBeDefined();
  });

  it('agenda: renew extends the lease while the token is current, even past its end; release frees it once', async () => {
    const store = current();
    const key = dialogKey('c1');
    await withAgenda(store, key, 1, [timer('1.0', 100)]);
    const a = await store.claimAgenda(key, 'A', 1000, 500);
    expect(await store.renewAgenda(key, a!.token, 1400, 500)).toBe(true);
    expect(await store.claimAgenda(key, 'B', 1800, 500)).toBeUndefined();
    expect(chats(await store.dueAgenda(1800, 10))).toEqual([]);
    // Past its end but nobody claimed it since: still renewable.
    expect(await store.renewAgenda(key, a!.token, 2000, 500)).toBe(true);
    expect(await store.claimAgenda(key, 'B', 2400, 500)).toBeUndefined();
    expect(await store.releaseAgenda(key, a!.token)).toBe(true);
    expect(await store.releaseAgenda(key, a!.token)).toBe(false);
    expect(await store.renewAgenda(key, a!.token, 2500, 500)).toBe(false);
    expect(chats(await store.dueAgenda(2400, 10))).toEqual(['c1']);
    expect(await store.claimAgenda(key, 'B', 2400, 500)).toBeDefined();
    expect(await store.renewAgenda(dialogKey('missing'), a!.token, 2500, 500)).toBe(false);
    expect(await store.releaseAgenda(dialogKey('missing'), a!.token)).toBe(false);
  });

  it('agenda: writes keep the agenda lease, and the lease does not block writes', async () => {
    const store = current();
    const key = dialogKey('c1');
    await withAgenda(store, key, 1, [timer('1.0', 100)]);
    const a = await store.claimAgenda(key, 'A', 1000, 500);
    expect(await withAgenda(store, key, 2, [timer('2.0', 150)])).toBe(true);
    expect(await store.claimAgenda(key, 'B', 1100, 500)).toBeUndefined();
    expect(await store.dueAgenda(1100, 10)).toEqual([]);
    expect(await store.renewAgenda(key, a!.token, 1200, 500)).toBe(true);
    expect((await store.claimAgenda(key, 'A', 1300, 500))?.state.agenda).toStrictEqual([timer('2.0', 150)]);
  });

  it('agenda: its lease and the delivery lease are independent: taking or freeing one never takes, frees or blocks the other', async () => {
    const store = current();
    const key = dialogKey('c1');
    await withAgenda(store, key, 1, [timer('1.0', 100)], { lastSeq: 2 });
    // Delivery held by B: the agenda is still free for A, and due.
    const delivery = await store.claimDelivery(key, 'B', 1000, 60_000);
    expect(delivery).toBeDefined();
    expect(await store.dueAgenda(1000, 10)).toEqual([key]);
    const agenda = await store.claimAgenda(key, 'A', 1000, 60_000);
    expect(agenda).toBeDefined();
    // Agenda held by A: delivery stays B's, and A cannot claim delivery; B cannot claim the agenda.
    expect(await store.claimDelivery(key, 'A', 1100, 500)).toBeUndefined();
    expect(await store.claimAgenda(key, 'B', 1100, 500)).toBeUndefined();
    expect(await store.renewDelivery(key, delivery!.token, 1100, 60_000)).toBeDefined();
    // The tokens of one do nothing to the other.
    expect(await store.releaseAgenda(key, delivery!.token)).toBe(false);
    expect(await store.renewAgenda(key, delivery!.token, 1100, 500)).toBe(false);
    expect(await store.markDelivered(key, 1, agenda!.token)).toBe(false);
    expect(await store.releaseDelivery(key, agenda!.token, true)).toBe(false);
    // Freeing delivery leaves the agenda held; freeing the agenda leaves delivery free for anyone.
    expect(await store.markDelivered(key, 2, delivery!.token, { release: true })).toBe('released');
    expect(await store.claimAgenda(key, 'B', 1200, 500)).toBeUndefined();
    expect(await store.releaseAgenda(key, agenda!.token)).toBe(true);
    expect(await store.renewDelivery(key, delivery!.token, 1300, 500)).toBeUndefined();
    // A write that takes the delivery lease leaves the agenda lease as it is.
    const b = await store.claimAgenda(key, 'B', 1300, 60_000);
    const written = await store.writeDialog({ expectedRev: 1, state: dialogState(key, 2, { lastSeq: 3, agenda: [timer('1.0', 100)] }), history: [], lease: { owner: 'A', now: 1400, leaseMs: 500 } });
    expect(written).toEqual({ delivered: 2, token: expect.any(String) });
    expect(await store.claimAgenda(key, 'A', 1400, 500)).toBeUndefined();
    expect(await store.renewAgenda(key, b!.token, 1400, 500)).toBe(true);
    expect(await store.pendingDeliveries(1400, 10)).toEqual([]);
    expect(await store.dueAgenda(1400, 10, { owner: 'B' })).toEqual([key]);
  });
}
