import { describe, expect, it } from 'vitest';
import { IntakeGate } from '../../../runtime/http/index.js';

/** A gate on an injected clock and backlog; its own timer is slowed down so check() runs only when the test says. */
function gate(maxBacklog: number, maxWaitMs: number) {
  const t = { now: 0, backlog: 0 };
  const g = new IntakeGate({ maxBacklog, maxWaitMs, backlog: () => t.backlog, clock: () => t.now, pollMs: 3_600_000 });
  return Object.assign(t, { g });
}

const settled = async <T>(p: Promise<T>): Promise<T | 'pending'> => Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);

describe('IntakeGate', () => {
  it('admits at once under the bound, counting updates in process as backlog', () => {
    const t = gate(3, 1000);
    t.backlog = 1;
    expect(t.g.tryEnter()).toBe(true);
    expect(t.g.tryEnter()).toBe(true);
    expect(t.g.tryEnter()).toBe(false);
    t.g.leave();
    expect(t.g.tryEnter()).toBe(true);
  });

  it('admits waiters first come first served once the backlog falls; a newcomer does not pass them', async () => {
    const t = gate(1, 1000);
    t.backlog = 1;
    const first = t.g.enter();
    const second = t.g.enter();
    expect(await settled(first)).toBe('pending');
    t.backlog = 0;
    expect(t.g.tryEnter()).toBe(false); // waiters go first
    t.g.check();
    expect(await first).toBe(true);
    expect(await settled(second)).toBe('pending');
    expect(t.g.waiting).toBe(1);
    t.g.leave();
    expect(await second).toBe(true);
    expect(t.g.inProcess).toBe(1);
  });

  it('refuses a waiter after its longest wait; Infinity waits on', async () => {
    const t = gate(1, 1000);
    t.backlog = 5;
    const bounded = t.g.enter();
    const unbounded = t.g.enter(Infinity);
    t.now = 999;
    t.g.check();
    expect(await settled(bounded)).toBe('pending');
    t.now = 1000;
    t.g.check();
    expect(await bounded).toBe(false);
    t.now = 1e9;
    t.g.check();
    expect(await settled(unbounded)).toBe('pending');
    t.backlog = 0;
    t.g.check();
    expect(await unbounded).toBe(true);
  });

  it('refuses every waiter and every later wait once closed', async () => {
    const t = gate(1, 1000);
    t.backlog = 1;
    const waiting = t.g.enter();
    t.g.close();
    expect(await waiting).toBe(false);
    expect(await t.g.enter()).toBe(false);
  });
});
