import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../runtime/store/index.js';
import { describeStoreContract } from './contract.js';
import { dialogKey, dialogState, write } from './helpers.js';

describeStoreContract('memory', async () => new MemoryStore());

describe('MemoryStore', () => {
  it('copies what it stores: changing a written record afterwards changes nothing', async () => {
    const store = new MemoryStore();
    const key = dialogKey('c1');
    const outbox = [{ seq: 1, text: 'Hi', buttons: [{ text: 'A', value: 'a' }], at: 1 }];
    await write(store, dialogState(key, 1, { outbox, lastSeq: 1 }));
    outbox[0]!.buttons[0]!.text = 'changed';
    expect((await store.getDialog(key))?.outbox[0]?.buttons[0]?.text).toBe('A');
    expect(store.kind).toBe('memory');
  });
});
