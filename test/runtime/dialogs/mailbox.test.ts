import { describe, expect, it } from 'vitest';
import { Mailboxes } from '../../../runtime/dialogs/mailbox.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Mailboxes', () => {
  it('runs one key’s tasks one at a time, in arrival order, and other keys meanwhile', async () => {
    const boxes = new Mailboxes();
    const order: string[] = [];
    const first = deferred();
    const a1 = boxes.run('a', async () => {
      order.push('a1 start');
      await first.promise;
      order.push('a1 end');
    });
    const a2 = boxes.run('a', async () => void order.push('a2'));
    const b1 = boxes.run('b', async () => void order.push('b1'));
    await b1;
    expect(order).toEqual(['a1 start', 'b1']);
    first.resolve();
    await Promise.all([a1, a2]);
    expect(order).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('a failed task rejects its caller only; the next task of the key still runs', async () => {
    const boxes = new Mailboxes();
    const failed = boxes.run('a', async () => {
      throw new Error('boom');
    });
    const next = boxes.run('a', async () => 42);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe(42);
  });

  it('forgets a key once its last task settled, and not before', async () => {
    const boxes = new Mailboxes();
    const gate = deferred();
    const a1 = boxes.run('a', () => gate.promise);
    const a2 = boxes.run('a', async () => undefined);
    expect(boxes.size).toBe(1);
    gate.resolve();
    await a1;
    await Promise.resolve();
    expect(boxes.size).toBe(1);
    await a2;
    await boxes.idle();
    expect(boxes.size).toBe(0);
    await boxes.run('b', async () => undefined);
    await boxes.idle();
    expect(boxes.size).toBe(0);
  });

  it('idle() waits for every task queued so far', async () => {
    const boxes = new Mailboxes();
    const gate = deferred();
    let done = false;
    void boxes.run('a', async () => {
      await gate.promise;
      done = true;
    });
    const idle = boxes.idle();
    gate.resolve();
    await idle;
    expect(done).toBe(true);
    expect(boxes.size).toBe(0);
  });
});
