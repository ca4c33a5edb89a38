import { describe, expect, it } from 'vitest';
import { MemoryStore, type DialogWrite } from '../../../runtime/store/index.js';
import { compileText, harness, key } from './harness.js';

/** A step that answers every message and waits for the next: a conversation as long as the test wants. */
const ECHO = compileText({
  name: 'Echo',
  version: '1',
  start_step: 'echo',
  steps: { echo: { type: 'message', message: { text: 'You said {{x}}' }, expected_input: { type: 'text', variable: 'x' }, next_step: 'echo' } },
});

function recordingWrites(store: MemoryStore): DialogWrite[] {
  const writes: DialogWrite[] = [];
  const write = store.writeDialog.bind(store);
  store.writeDialog = (w) => {
    writes.push(w);
    return write(w);
  };
  return writes;
}

describe('a long conversation costs what a short one does', () => {
  it('prunes replies this process delivered from the next write', async () => {
    const store = new MemoryStore();
    const writes = recordingWrites(store);
    const h = harness({ store, config: ECHO });
    for (let i = 1; i <= 60; i++) {
      expect(await h.send({ id: i, chat: 'c', text: `m${i}` })).toMatchObject({ status: 'applied' });
      await h.settle();
    }
    expect(h.adapter.texts('c')).toHaveLength(60);
    expect(Math.max(...writes.slice(1).map((w) => w.state.outbox.length))).toBeLessThanOrEqual(2);
    expect((await store.getDialog(key('c')))!.delivered).toBe(60);
  });

  it('keeps the outbox bounded when another process delivers the replies', async () => {
    const store = new MemoryStore();
    const writes = recordingWrites(store);
    const h = harness({ store, config: ECHO, delivery: { sweepMs: 3_600_000 } });
    // No adapter sends here: the platform is unknown to this process's delivery, another process marks replies.
    h.adapter.gate = new Promise(() => {});
    for (let i = 1; i <= 60; i++) {
      await h.send({ id: i, chat: 'c', text: `m${i}` });
      const state = (await store.getDialog(key('c')))!;
      await store.markDelivered(key('c'), state.lastSeq);
    }
    expect(Math.max(...writes.map((w) => w.state.outbox.length))).toBeLessThanOrEqual(20);
  });
});
