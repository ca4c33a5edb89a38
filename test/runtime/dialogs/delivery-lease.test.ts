import { describe, expect, it } from 'vitest';
import { LeaseHolder } from '../../../runtime/dialogs/delivery-lease.js';
import { MemoryStore, type DeliveryLease, type DialogKey } from '../../../runtime/store/index.js';
import { dialogState, write } from '../store/helpers.js';

const key: DialogKey = { botId: 'bot', platform: 'test', chatId: 'c1' };
const reply = (seq: number) => ({ seq, text: `r${seq}`, buttons: [], at: seq });

/** A store whose renewal answers with the view it read before the marks that follow it were stored. */
class EarlyReadStore extends MemoryStore {
  stale: DeliveryLease | undefined;
  override async renewDelivery(...args: Parameters<MemoryStore['renewDelivery']>): ReturnType<MemoryStore['renewDelivery']> {
    const fresh = await super.renewDelivery(...args);
    return fresh && this.stale ? { ...fresh, delivered: this.stale.delivered } : fresh;
  }
}

describe('LeaseHolder', () => {
  it('keeps the delivered of its own marks when a renewal read before them answers after them', async () => {
    const store = new EarlyReadStore();
    await write(store, dialogState(key, 1, { outbox: [reply(1), reply(2), reply(3)], lastSeq: 3 }));
    const claimed = await store.claimDelivery(key, 'A', 1000, 10_000);
    const lease = new LeaseHolder(store, key, claimed!, 10_000, () => 1000);
    store.stale = claimed;
    expect(await store.markDelivered(key, 2, lease.token)).toBe(true);
    lease.noteDelivered(2);
    expect(await lease.confirm(true)).toBe(true);
    expect(lease.state).toMatchObject({ delivered: 2, lastSeq: 3 });
  });
});
