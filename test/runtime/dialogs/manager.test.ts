import { describe, expect, it } from 'vitest';
import { DialogManager, UnknownBotError } from '../../../runtime/dialogs/index.js';
import { MemoryStore, StoreUnavailableError, type DialogWrite } from '../../../runtime/store/index.js';
import { captureLogger } from '../../support/capture-logger.js';
import { RecordingAdapter } from '../../support/recording-adapter.js';
import { compileText, harness, key, SPEC } from './harness.js';

describe('dialog manager: a conversation', () => {
  it('runs the spec example, stores every transition and delivers replies in order', async () => {
    const h = harness();
    expect(await h.send({ id: 1, chat: 'c1', text: '/start' })).toMatchObject({ status: 'applied', rev: 1 });
    await h.send({ id: 2, chat: 'c1', text: 'Ann' });
    const last = await h.send({ id: 3, chat: 'c1', press: 'more_info' });
    expect(last).toMatchObject({ status: 'applied', rev: 3 });
    await h.settle();
    expect(h.adapter.texts('c1')).toEqual([
      'Welcome to our bot!',
      "What's your name?",
      'Nice to meet you, Ann!',
      'This bot was built with Scenarist: a JSON scenario compiled into a state machine.',
      'Goodbye, Ann!',
    ]);
    expect(h.adapter.sent[2]!.buttons).toEqual([
      { text: 'Tell me more', value: 'more_info' },
      { text: 'Goodbye', value: 'end' },
    ]);
    expect(h.adapter.acks).toEqual(['ack-3']);
    const state = await h.store.getDialog(key('c1'));
    expect(state).toMatchObject({ rev: 3, status: 'ended', step: null, lastSeq: 5, delivered: 5, recentUpdates: ['1', '2', '3'] });
    expect(state!.vars).toEqual({ name: 'Ann', choice: 'more_info' });
    const history = await h.store.history(key('c1'));
    expect(history.map((e) => `${e.direction}:${e.text ?? e.press}`)).toEqual([
      'in:/start',
      'out:Welcome to our bot!',
      "out:What's your name?",
      'in:Ann',
      'out:Nice to meet you, Ann!',
      'in:more_info',
      'out:This bot was built with Scenarist: a JSON scenario compiled into a state machine.',
      'out:Goodbye, Ann!',
    ]);
  });

  it('answers a redelivered update as a duplicate and changes nothing', async () => {
    const h = harness();
    await h.send({ id: 10, chat: 'c', text: '/start' });
    await h.send({ id: 11, chat: 'c', text: 'Bo' });
    await h.settle();
    const before = await h.store.getDialog(key('c'));
    expect(await h.send({ id: 10, chat: 'c', text: '/start' })).toEqual({ status: 'duplicate', key: key('c') });
    expect(await h.send({ id: 11, chat: 'c', text: 'Bo' })).toMatchObject({ status: 'duplicate' });
    await h.settle();
    expect(await h.store.getDialog(key('c'))).toEqual(before);
    expect(h.adapter.texts('c')).toHaveLength(3);
  });

  it('keeps one dialog per chat, and runs one event per dialog at a time in arrival order', async () => {
    const h = harness();
    const results = await Promise.all([
      h.send({ id: 1, chat: 'a', text: '/start' }),
      h.send({ id: 2, chat: 'b', text: '/start' }),
      h.send({ id: 3, chat: 'a', text: 'Ann' }),
      h.send({ id: 4, chat: 'b', text: 'Bob' }),
      h.send({ id: 5, chat: 'a', press: 'end' }),
    ]);
    expect(results.map((r) => (r.status === 'applied' ? r.rev : r.status))).toEqual([1, 1, 2, 2, 3]);
    await h.settle();
    expect(h.adapter.texts('a').at(-1)).toBe('Goodbye, Ann!');
    expect(h.adapter.texts('b').at(-1)).toBe('Nice to meet you, Bob!');
  });

  it('sorts out invalid and ignored updates and unknown bots', async () => {
    const h = harness();
    expect(await h.send({ id: 1, chat: 'c' })).toEqual({ status: 'ignored', reason: 'nothing to say' });
    expect(await h.manager.processIncomingMessage({ botId: 'bot', platform: 'test', update: { nope: true } })).toMatchObject({ status: 'invalid' });
    expect(await h.manager.processIncomingMessage({ botId: 'bot', platform: 'test', chatId: 'x', update: { id: 2, chat: 'y', text: 'hi' } })).toMatchObject({
      status: 'invalid',
    });
    await expect(h.manager.processIncomingMessage({ botId: 'nobody', platform: 'test', update: { id: 3, chat: 'c', text: 'hi' } })).rejects.toThrow(UnknownBotError);
    expect(await h.store.countDialogs()).toBe(0);
  });

  it('handles /cancel and /help without a scenario definition', async () => {
    const h = harness();
    await h.send({ id: 1, chat: 'c', text: '/start' });
    const help = await h.send({ id: 2, chat: 'c', text: '/help' });
    expect(help).toMatchObject({ status: 'applied' });
    expect((await h.store.getDialog(key('c')))!.step).toBe('ask_name');
    await h.send({ id: 3, chat: 'c', text: '/cancel' });
    await h.settle();
    expect(h.adapter.texts('c').slice(2)).toEqual(['I ask your name and say hello. Send /start to begin again.', "What's your name?", 'Cancelled. Send /start to begin again.']);
    expect(await h.store.getDialog(key('c'))).toMatchObject({ status: 'ended', step: null });
  });

  it('sends proactive messages through the outbox, after the dialog’s own replies', async () => {
    const h = harness();
    await h.send({ id: 1, chat: 'c', text: '/start' });
    expect(await h.manager.sendMessage({ botId: 'bot', platform: 'test', chatId: 'c', text: 'A notice', buttons: [{ text: 'OK', value: 'ok' }] })).toEqual({ rev: 2 });
    await h.manager.sendMessage({ botId: 'bot', platform: 'test', chatId: 'new-chat', text: 'Hello first' });
    await h.settle();
    expect(h.adapter.texts('c')).toEqual(['Welcome to our bot!', "What's your name?", 'A notice']);
    expect(h.adapter.texts('new-chat')).toEqual(['Hello first']);
    // The dialog is untouched: it still waits for the name.
    await h.send({ id: 2, chat: 'c', text: 'Cy' });
    await h.settle();
    expect(h.adapter.texts('c').at(-1)).toBe('Nice to meet you, Cy!');
  });

  it('restores dialogs from the store when the registry is small', async () => {
    const h = harness({ registry: { maxSize: 1 } });
    for (const chat of ['a', 'b', 'c']) await h.send({ id: chat.charCodeAt(0), chat, text: '/start' });
    for (const chat of ['a', 'b', 'c']) await h.send({ id: chat.charCodeAt(0) + 100, chat, text: chat.toUpperCase() });
    await h.settle();
    for (const chat of ['a', 'b', 'c']) expect(h.adapter.texts(chat).at(-1)).toBe(`Nice to meet you, ${chat.toUpperCase()}!`);
    expect(h.manager.stats.liveDialogs).toBe(1);
  });
});

/** A store whose writes fail on demand, as a database that goes away. */
class FlakyStore extends MemoryStore {
  failWrites = 0;
  override async writeDialog(write: DialogWrite): ReturnType<MemoryStore['writeDialog']> {
    if (this.failWrites > 0) {
      this.failWrites--;
      throw new StoreUnavailableError('injected: the database is unavailable');
    }
    return super.writeDialog(write);
  }
}

describe('dialog manager: faults', () => {
  it('never sends a reply for a transition that was not saved, and does not keep the actor ahead of the store', async () => {
    const store = new FlakyStore();
    const h = harness({ store });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await h.settle();
    store.failWrites = 1;
    await expect(h.send({ id: 2, chat: 'c', text: 'Ann' })).rejects.toThrow(StoreUnavailableError);
    await h.settle();
    expect(h.adapter.texts('c')).toHaveLength(2);
    expect((await store.getDialog(key('c')))!.rev).toBe(1);
    // The platform redelivers; the transition applies exactly once.
    expect(await h.send({ id: 2, chat: 'c', text: 'Ann' })).toMatchObject({ status: 'applied', rev: 2 });
    await h.settle();
    expect(h.adapter.texts('c')).toEqual(['Welcome to our bot!', "What's your name?", 'Nice to meet you, Ann!']);
  });

  it('two managers on one store (two processes) neither lose nor double-apply a transition', async () => {
    const store = new MemoryStore();
    const a = harness({ store });
    const b = harness({ store });
    const updates = [
      { id: 1, chat: 'c', text: '/start' },
      { id: 2, chat: 'c', text: 'Ann' },
      { id: 3, chat: 'c', press: 'more_info' },
    ];
    for (const u of updates) {
      // Each update reaches both processes, as a redelivery might; one applies it, the other sees a duplicate.
      const [ra, rb] = await Promise.all([a.send(u), b.send(u)]);
      expect([ra.status, rb.status].sort()).toEqual(['applied', 'duplicate']);
    }
    await Promise.all([a.settle(), b.settle()]);
    expect((await store.getDialog(key('c')))!.rev).toBe(3);
    const texts = [...a.adapter.sent, ...b.adapter.sent].map((s) => s.text);
    expect(texts.sort()).toEqual(
      ['Welcome to our bot!', "What's your name?", 'Nice to meet you, Ann!', 'This bot was built with Scenarist: a JSON scenario compiled into a state machine.', 'Goodbye, Ann!'].sort(),
    );
  });

  it('a stale live actor in one process is dropped on conflict and the event re-applied on the stored state', async () => {
    const store = new MemoryStore();
    const a = harness({ store });
    const b = harness({ store });
    await a.send({ id: 1, chat: 'c', text: '/start' }); // a keeps a live actor at rev 1
    await b.send({ id: 2, chat: 'c', text: 'Ann' }); // b moves the dialog to rev 2
    const r = await a.send({ id: 3, chat: 'c', press: 'end' }); // a's actor is stale: conflict, re-read, apply
    expect(r).toMatchObject({ status: 'applied', rev: 3 });
    await Promise.all([a.settle(), b.settle()]);
    expect(await store.getDialog(key('c'))).toMatchObject({ status: 'ended', vars: { name: 'Ann', choice: 'end' } });
  });

  it('restarts a dialog whose snapshot no longer fits the scenario, with a warning, and never crashes', async () => {
    const store = new MemoryStore();
    const old = harness({ store });
    await old.send({ id: 1, chat: 'c', text: '/start' });
    await old.settle();
    const changed = compileText({ name: 'Changed', version: '2', start_step: 'hello', steps: { hello: { type: 'message', message: { text: 'Hello again' }, expected_input: { type: 'text', variable: 'x' }, next_step: 'hello' } } });
    const h = harness({ store, config: changed });
    const r = await h.send({ id: 2, chat: 'c', text: 'Ann' });
    expect(r).toMatchObject({ status: 'applied', rev: 2, restarted: true });
    await h.settle();
    expect(h.adapter.texts('c')).toEqual(['Hello again']);
    expect(await store.getDialog(key('c'))).toMatchObject({ step: 'hello', scenarioVersion: changed.version });
    const warning = h.lines.find((l) => l['msg'] === 'the stored dialog does not fit the current scenario: it restarts at start_step');
    expect(warning).toMatchObject({ level: 'WARNING', event_type: 'PROCESSING', from: SPEC.version, to: changed.version, step: 'ask_name', platform_chat_id: 'c' });
  });

  it('restarts on a damaged snapshot too', async () => {
    const store = new MemoryStore();
    const h = harness({ store });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    const state = (await store.getDialog(key('c')))!;
    await store.writeDialog({ expectedRev: 1, state: { ...state, rev: 2, snapshot: { value: 42 } }, history: [] });
    const fresh = harness({ store });
    expect(await fresh.send({ id: 2, chat: 'c', text: 'hi' })).toMatchObject({ status: 'applied', restarted: true });
  });
});

describe('dialog manager: delivery', () => {
  it('honours retry-after, then delivers in order', async () => {
    const waits: number[] = [];
    const h = harness({ sleep: async (ms) => void waits.push(ms) });
    h.adapter.fail('retry', 2, 3000);
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await h.settle();
    expect(waits).toEqual([3000, 3000]);
    expect(h.adapter.texts('c')).toEqual(['Welcome to our bot!', "What's your name?"]);
    expect((await h.store.getDialog(key('c')))!.delivered).toBe(2);
  });

  it('marks a dialog blocked on 403, drops its pending replies, and clears the mark when the user writes again', async () => {
    const h = harness();
    h.adapter.fail('blocked');
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await h.settle();
    expect(h.adapter.texts('c')).toEqual([]);
    expect(await h.store.getDialog(key('c'))).toMatchObject({ blocked: true, delivered: 2, lastSeq: 2 });
    await h.send({ id: 2, chat: 'c', text: 'Ann' });
    await h.settle();
    expect(h.adapter.texts('c')).toEqual(['Nice to meet you, Ann!']);
    expect((await h.store.getDialog(key('c')))!.blocked).toBe(false);
  });

  it('drops a message the platform refuses for good and goes on with the next', async () => {
    const h = harness();
    h.adapter.fail('permanent');
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await h.settle();
    expect(h.adapter.texts('c')).toEqual(["What's your name?"]);
    expect(h.lines.some((l) => l['msg'] === 'the platform refused a reply: dropped')).toBe(true);
  });

  it('delivers replies committed before a crash when another process starts (after the lease expires)', async () => {
    const store = new MemoryStore();
    let now = 1_000_000;
    const crashed = harness({ store, clock: () => now });
    crashed.adapter.gate = new Promise(() => undefined); // the process dies before any send completes
    await crashed.send({ id: 1, chat: 'c', text: '/start' });
    expect((await store.getDialog(key('c')))!.delivered).toBe(0);
    const { logger } = captureLogger();
    const adapter = new RecordingAdapter();
    const next = new DialogManager({ store, logger, clock: () => now });
    next.registerPlatformAdapter('test', adapter);
    next.registerBot('bot', SPEC);
    next.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(adapter.sent).toHaveLength(0); // the dead process still holds the lease
    now += 31_000;
    await next.deliverPending(key('c'));
    expect(adapter.texts('c')).toEqual(['Welcome to our bot!', "What's your name?"]);
    await next.stop();
  });

  it('a delivery in progress picks up replies committed meanwhile, so nothing is stranded', async () => {
    const h = harness();
    let release!: () => void;
    h.adapter.gate = new Promise((r) => (release = r));
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await h.send({ id: 2, chat: 'c', text: 'Ann' });
    release();
    h.adapter.gate = undefined;
    await h.settle();
    expect(h.adapter.texts('c')).toEqual(['Welcome to our bot!', "What's your name?", 'Nice to meet you, Ann!']);
    expect((await h.store.getDialog(key('c')))!.delivered).toBe(3);
  });
});
