import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DialogKey } from '../../../runtime/store/index.js';
import { appFixture, session, type AppFixture } from './app-fixture.js';
import { FlakyStore } from './flaky-store.js';

const flaky = new FlakyStore();
let f: AppFixture;
beforeAll(async () => {
  f = await appFixture({ wrapStore: (s) => flaky.wrap(s), pollMs: 100 });
});
afterEach(() => flaky.heal());
afterAll(async () => {
  await f.close();
});

const UNAVAILABLE = { error: { code: 'UNAVAILABLE', message: 'temporarily unavailable, retry later' } };
const answer = async (r: Response) => [r.status, r.headers.get('retry-after'), await r.json()];

describe('when the store fails', () => {
  it('answers a web chat message 503 and applies nothing of it; the retried message applies once', async () => {
    const s = session('write-fails');
    await f.say('greeter', s, '/start');
    const c = await f.events('greeter', s);
    await c.waitFor((e) => e.event === 'ready');
    const before = await f.store.history(f.key('greeter', s));

    flaky.fail('writeDialog');
    const message = { session: s, id: 'name-1', text: 'Ann' };
    expect(await answer(await f.post('greeter', message))).toEqual([503, '5', UNAVAILABLE]);
    expect(flaky.refused).toEqual(['writeDialog']);
    flaky.heal();

    const dialog = await f.store.getDialog(f.key('greeter', s));
    expect([dialog?.rev, dialog?.step, dialog?.vars, dialog?.lastSeq]).toEqual([1, 'ask_name', {}, 2]);
    expect(await f.store.history(f.key('greeter', s))).toEqual(before);

    const retried = await f.post('greeter', message);
    expect([retried.status, await retried.json()]).toEqual([200, { status: 'applied', rev: 2 }]);
    await c.waitFor((e) => e.event === 'state' && (e.data as { rev: number }).rev === 2);
    const texts = c.of('messages').flatMap((e) => (e.data as { entries: { text?: string }[] }).entries.map((x) => x.text));
    expect(texts).toEqual(['/start', 'Welcome to our bot!', "What's your name?", 'Ann', 'Nice to meet you, Ann!']);
  });

  it('answers 503 when the dialog cannot be read', async () => {
    const s = session('read-fails');
    flaky.fail('getDialog');
    expect(await answer(await f.post('greeter', { session: s, id: 'r1', text: '/start' }))).toEqual([503, '5', UNAVAILABLE]);
    flaky.heal();
    expect(await f.store.getDialog(f.key('greeter', s))).toBeUndefined();
    expect(await f.say('greeter', s, '/start')).toEqual({ status: 'applied', rev: 1 });
  });

  it('tells an open stream about the problem, then catches up by itself', async () => {
    const s = session('stream-fails');
    await f.say('greeter', s, '/start');
    flaky.fail('history');
    const c = await f.events('greeter', s);
    await c.waitFor((e) => e.event === 'problem');
    expect(c.events[0]).toEqual({ event: 'problem', id: undefined, data: { message: 'the server cannot read this conversation right now; retrying' } });
    expect(c.of('messages')).toEqual([]);
    flaky.heal();
    await c.waitFor((e) => e.event === 'ready');
    expect(c.of('messages').map((e) => e.id)).toEqual(['1']);
  });

  it('does not send a revision twice when the store fails between two pages of a long transcript', async () => {
    const s = session('page-fails');
    await f.say('greeter', s, '/start');
    // 3 entries a turn: the replay takes two pages of 200.
    for (let i = 0; i < 80; i++) await f.say('greeter', s, '/help');
    let reads = 0;
    flaky.failIf('history', (args) => (args[0] as DialogKey).chatId === s && ++reads === 2);
    const c = await f.events('greeter', s);
    await c.waitFor((e) => e.event === 'ready');
    expect(c.of('problem')).toHaveLength(1);
    expect(c.of('messages').map((e) => Number(e.id))).toEqual(Array.from({ length: 81 }, (_, i) => i + 1));
  });

  it('answers the admin API 503 and resets nothing', async () => {
    const s = session('admin-fails');
    await f.say('greeter', s, '/start');
    await f.say('greeter', s, 'Cy');
    flaky.fail('listDialogs', 'writeDialog', 'getDialog', 'history');
    expect(await answer(await f.admin('/api/bots/greeter/dialogs'))).toEqual([503, '5', UNAVAILABLE]);
    expect(await answer(await f.admin(`/api/bots/greeter/dialogs/webchat/${s}`))).toEqual([503, '5', UNAVAILABLE]);
    expect(await answer(await f.admin(`/api/bots/greeter/dialogs/webchat/${s}/history`))).toEqual([503, '5', UNAVAILABLE]);
    expect(await answer(await f.admin(`/api/bots/greeter/dialogs/webchat/${s}/reset`, { method: 'POST' }))).toEqual([503, '5', UNAVAILABLE]);
    flaky.heal();
    const dialog = await f.store.getDialog(f.key('greeter', s));
    expect([dialog?.rev, dialog?.step, dialog?.vars]).toEqual([2, 'greet_with_name', { name: 'Cy' }]);
  });

  it('answers a scenario upload 503 and keeps running the old version', async () => {
    const before = f.manager.configOf('greeter')!.version;
    flaky.fail('putScenario');
    const upload = await f.admin('/api/bots/greeter/scenarios', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'scenario "Other" version "2"\nstart a\n\nstep a\n  say "Other"\n' });
    expect(await answer(upload)).toEqual([503, '5', UNAVAILABLE]);
    flaky.heal();
    expect(f.manager.configOf('greeter')!.version).toBe(before);
    expect((await f.store.listScenarios('greeter')).map((v) => v.version)).toEqual([1]);
  });

  it('reports not ready while the store does not answer, and stays alive', async () => {
    flaky.fail('ping');
    const ready = await fetch(`${f.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'not ready', store: { kind: 'sqlite', status: 'unavailable' }, started: true }]);
    expect((await fetch(`${f.url}/healthz`)).status).toBe(200);
    flaky.heal();
    expect((await fetch(`${f.url}/readyz`)).status).toBe(200);
  });
});
