import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DialogEvent } from '../../../runtime/dialogs/index.js';
import { openSqliteStore, type Store } from '../../../runtime/store/index.js';
import { compileText, harness, key, type Harness } from './harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A compiled scenario with every kind of timer: reminders and a timeout on an input step, a wait step, an idle expiry. */
const TIMED = compileText({
  name: 'Orders',
  version: '1',
  start_step: 'ask_order',
  expire_after: '7d',
  on_expire: 'closed',
  steps: {
    ask_order: {
      message: { text: 'What would you like?' },
      expected_input: { type: 'text', variable: 'order' },
      reminders: [
        { after: '1h', message: 'Still there?' },
        { after: '5h', message: 'Your order is waiting.' },
      ],
      timeout: { after: '10h', next: 'closed' },
      next_step: 'checking',
    },
    checking: { message: { text: 'Checking {{order}}...' }, wait: '10m', next_step: 'done' },
    done: { message: { text: 'Your {{order}} is on its way.' }, next_step: 'ask_order' },
    closed: { message: { text: 'Closed. Send anything to start again.' } },
  },
});

/** Notes taken forever: no step timers, a dialog idle for a day ends. */
const EXPIRING = compileText({
  name: 'Notes',
  version: '1',
  start_step: 'note',
  expire_after: '1d',
  steps: { note: { message: { text: 'Noted. Next?' }, expected_input: { type: 'text', variable: 'n' }, next_step: 'note' } },
});

/** Timers and the clock are fake; setImmediate stays real: the SQLite store's write queue runs on it. */
const fakeTime = (): void => void vi.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });

/** Lets the store's real I/O and what it wakes run to the end, without moving the fake clock. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Moves the fake clock, then lets the work it started finish. */
async function pass(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await flush();
}

describe('timers end to end: a compiled scenario, SQLite on disk, two processes', () => {
  let dir: string | undefined;
  const stores: Store[] = [];

  afterEach(async () => {
    vi.useRealTimers();
    for (const s of stores.splice(0)) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function twoProcesses(config = TIMED): [Harness, Harness] {
    dir = mkdtempSync(join(tmpdir(), 'scenarist-timers-'));
    const file = join(dir, 'bots.db');
    const clock = (): number => Date.now();
    const open = (): Store => {
      const store = openSqliteStore({ file });
      stores.push(store);
      return store;
    };
    const one = harness({ config, clock, owner: 'p1', store: open(), agenda: { sweepMs: MIN } });
    const two = harness({ config, clock, owner: 'p2', store: open(), agenda: { sweepMs: MIN } });
    return [one, two];
  }

  /** What the dialog said, in order, from the store's history; each reply must also have been sent exactly once. */
  async function said(hs: readonly Harness[], chat: string): Promise<string[]> {
    const history = await hs[0]!.store.history(key(chat), { limit: 1000 });
    const texts = history.filter((h) => h.direction === 'out').map((h) => h.text ?? '');
    const sent = hs.flatMap((h) => h.adapter.sent.filter((m) => m.chatId === chat)).map((m) => m.text);
    expect([...sent].sort()).toEqual([...texts].sort());
    return texts;
  }

  it('reminders, a timeout and a wait fire once each, in order, whichever process runs them', async () => {
    fakeTime();
    const [one, two] = twoProcesses();
    const applied: string[] = [];
    for (const h of [one, two]) h.manager.observe((e: DialogEvent) => void (e.type === 'timer' && e.outcome === 'applied' && applied.push(e.name)));
    one.manager.start();
    two.manager.start();
    await one.send({ id: 1, chat: 'a', text: 'hi' });
    await two.send({ id: 1, chat: 'b', text: 'hi' });
    await pass(HOUR + MIN);
    expect(await said([one, two], 'a')).toEqual(['What would you like?', 'Still there?']);
    // Chat b answers after the first reminder: its other timers are cancelled; its wait step runs.
    await two.send({ id: 2, chat: 'b', text: 'pizza' });
    await pass(10.5 * HOUR);
    expect(await said([one, two], 'a')).toEqual(['What would you like?', 'Still there?', 'Your order is waiting.', 'Closed. Send anything to start again.']);
    expect(await said([one, two], 'b')).toEqual(['What would you like?', 'Still there?', 'Checking pizza...', 'Your pizza is on its way.', 'What would you like?', 'Still there?', 'Your order is waiting.', 'Closed. Send anything to start again.']);
    const a = (await one.store.getDialog(key('a')))!;
    expect(a).toMatchObject({ status: 'ended', step: null });
    expect(a.agenda ?? []).toEqual([]);
    expect(applied.sort()).toEqual(['reminder', 'reminder', 'reminder', 'reminder', 'reminder', 'timeout', 'timeout', 'wait'].sort());
    await one.manager.stop();
    await two.manager.stop();
  });

  it('an idle dialog expires after expire_after; a user message starts the period again', async () => {
    fakeTime();
    const [one, two] = twoProcesses(EXPIRING);
    const ended: DialogEvent[] = [];
    one.manager.observe((e) => void (e.type === 'timer' && ended.push(e)));
    two.manager.observe((e) => void (e.type === 'timer' && ended.push(e)));
    one.manager.start();
    two.manager.start();
    await one.send({ id: 1, chat: 'c', text: 'hi' });
    for (let i = 0; i < 5; i++) {
      await pass(20 * HOUR);
      await two.send({ id: 2 + i, chat: 'c', text: `note ${i}` });
    }
    const lastMessageAt = Date.now();
    expect(ended).toEqual([]);
    expect((await one.store.getDialog(key('c')))!.agenda).toMatchObject([{ name: 'expire', step: null, due: lastMessageAt + 24 * HOUR }]);
    await pass(24 * HOUR - 1000);
    expect((await one.store.getDialog(key('c')))!.status).toBe('active');
    await pass(2000);
    const stored = (await one.store.getDialog(key('c')))!;
    expect(stored).toMatchObject({ status: 'ended', step: null });
    expect(stored.agenda ?? []).toEqual([]);
    expect(ended.map((e) => e.type === 'timer' && `${e.name}:${e.outcome}`)).toEqual(['expire:applied']);
    await one.manager.stop();
    await two.manager.stop();
  });

  it('a timer written before a restart fires after it, from the file', async () => {
    fakeTime();
    const [one] = twoProcesses();
    await one.send({ id: 1, chat: 'd', text: 'hi' });
    await one.manager.stop();
    await pass(2 * HOUR);
    const restarted = harness({ config: TIMED, clock: () => Date.now(), owner: 'p3', store: openSqliteStore({ file: join(dir!, 'bots.db') }), agenda: { sweepMs: MIN } });
    stores.push(restarted.store);
    restarted.manager.start();
    await pass(MIN + 1000);
    expect(restarted.adapter.texts('d')).toEqual(['Still there?']);
    await restarted.manager.stop();
  });
});
