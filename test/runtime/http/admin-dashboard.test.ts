import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, appFixture, session, T0, type AppFixture } from './app-fixture.js';
import { SseClient } from './sse-client.js';

let f: AppFixture;
beforeAll(async () => {
  f = await appFixture();
});
afterAll(async () => {
  await f.close();
});

const MINUTE = 60_000;
const dashboard = async (query = '') => {
  const r = await f.admin(`/api/bots/greeter/dashboard${query}`);
  expect(r.status).toBe(200);
  return (await r.json()) as Record<string, unknown>;
};
const edgesOf = (svg: string) => [...new Set([...svg.matchAll(/data-from="([^"]*)" data-to="([^"]*)"/g)].map((m) => `${m[1]}>${m[2]}`))].sort();
const V2 = 'scenario "Greeter 2" version "2.0"\nstart hello\n\nstep hello\n  say "Hello from version 2!"\n  ask text -> name\n  go bye\n\nstep bye\n  say "Bye, {{name}}."\n';

describe('GET /api/bots/:botId/dashboard', () => {
  it('counts live dialogs per step, the funnel, messages per minute and recent dialogs', async () => {
    // a ends; b waits for a name; c waits for a button; d starts two minutes later.
    const [a, b, c, d] = ['dash-a', 'dash-b', 'dash-c', 'dash-d'].map(session) as [string, string, string, string];
    for (const text of ['hello', 'Ann']) await f.say('greeter', a, text);
    await f.press('greeter', a, 'end');
    await f.say('greeter', b, 'hello');
    for (const text of ['hello', 'Cy']) await f.say('greeter', c, text);
    f.now = T0 + 2 * MINUTE;
    await f.say('greeter', d, 'hello');
    f.now = T0 + 3 * MINUTE;

    const body = await dashboard();
    expect(body['bot']).toEqual({ id: 'greeter', name: 'Greeter', scenario: { version: 1, hash: f.manager.configOf('greeter')!.version, name: 'Bot Name' } });
    expect(body['at']).toBe(T0 + 3 * MINUTE);
    expect(body['live']).toEqual({ minutes: 60, total: 3, byStep: { ask_name: 2, greet_with_name: 1 } });
    expect(body['funnel']).toEqual({
      hours: 24,
      at: T0 + 3 * MINUTE,
      refreshAt: T0 + 3 * MINUTE + 2_000,
      dialogs: 4,
      ended: 1,
      steps: [
        { step: 'welcome', inScenario: true, reached: 4, stopped: 0 },
        { step: 'ask_name', inScenario: true, reached: 4, stopped: 2 },
        { step: 'greet_with_name', inScenario: true, reached: 2, stopped: 1 },
        { step: 'provide_info', inScenario: true, reached: 0, stopped: 0 },
        { step: 'goodbye', inScenario: true, reached: 1, stopped: 0 },
        { step: 'help', inScenario: true, reached: 0, stopped: 0 },
      ],
    });
    // At T0: 6 messages in, 9 replies out; two minutes later 1 in, 2 out, which is the last full minute.
    expect(body['rate']).toEqual({
      bucketSeconds: 60,
      since: T0 + 3 * MINUTE - 60 * MINUTE,
      buckets: [
        { at: T0, in: 6, out: 9 },
        { at: T0 + 2 * MINUTE, in: 1, out: 2 },
      ],
      lastMinute: 3,
    });
    expect(body['recent']).toEqual([
      { platform: 'webchat', chatId: d, step: 'ask_name', status: 'active', rev: 1, updatedAt: T0 + 2 * MINUTE },
      { platform: 'webchat', chatId: a, step: null, status: 'ended', rev: 3, updatedAt: T0 },
      { platform: 'webchat', chatId: b, step: 'ask_name', status: 'active', rev: 1, updatedAt: T0 },
      { platform: 'webchat', chatId: c, step: 'greet_with_name', status: 'active', rev: 2, updatedAt: T0 },
    ]);

    // Only the dialog that moved in the last minute is live with ?live=1; an hour's funnel window still has all.
    expect((await dashboard('?live=1'))['live']).toEqual({ minutes: 1, total: 1, byStep: { ask_name: 1 } });
    f.now = T0 + 2 * MINUTE + 60 * MINUTE;
    expect(((await dashboard('?window=1'))['funnel'] as { dialogs: number }).dialogs).toBe(1);
    f.now = T0 + 3 * MINUTE;
  });

  it('refuses bounds outside their range and an unknown bot', async () => {
    for (const [query, message] of [
      ['?live=0', 'live must be an integer from 1 to 10080'],
      ['?live=abc', 'live must be an integer from 1 to 10080'],
      ['?window=8761', 'window must be an integer from 1 to 8760'],
    ]) {
      const r = await f.admin(`/api/bots/greeter/dashboard${query}`);
      expect([r.status, await r.json()], query).toEqual([400, { error: { code: 'BAD_REQUEST', message } }]);
    }
    expect((await f.admin('/api/bots/nobody/dashboard')).status).toBe(404);
    expect((await f.admin('/api/bots/nobody/graph.svg')).status).toBe(404);
  });

  it('serves the graph of the running scenario, and lists steps of an older version after the new ones', async () => {
    const before = await f.admin('/api/bots/greeter/graph.svg');
    expect([before.status, before.headers.get('content-type'), before.headers.get('cache-control')]).toEqual([200, 'image/svg+xml', 'private, max-age=60']);
    const svg = await before.text();
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(edgesOf(svg)).toContain('greet_with_name>goodbye');

    const upload = await f.admin('/api/bots/greeter/scenarios', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: V2 });
    expect(upload.status).toBe(201);
    expect(edgesOf(await (await f.admin('/api/bots/greeter/graph.svg')).text())).toEqual(['$start>hello', 'hello>bye']);
    const body = await dashboard();
    expect((body['bot'] as { scenario: unknown }).scenario).toEqual({ version: 2, hash: f.manager.configOf('greeter')!.version, name: 'Greeter 2' });
    expect((body['funnel'] as { steps: unknown }).steps).toEqual([
      { step: 'hello', inScenario: true, reached: 0, stopped: 0 },
      { step: 'bye', inScenario: true, reached: 0, stopped: 0 },
      { step: 'ask_name', inScenario: false, reached: 4, stopped: 2 },
      { step: 'goodbye', inScenario: false, reached: 1, stopped: 0 },
      { step: 'greet_with_name', inScenario: false, reached: 2, stopped: 1 },
      { step: 'welcome', inScenario: false, reached: 4, stopped: 0 },
    ]);
  });
});

describe('GET /api/events', () => {
  it('greets with the bots, then says which bot changed after a message', async () => {
    const events = await SseClient.open(`${f.url}/api/events`, { authorization: `Bearer ${ADMIN_TOKEN}` });
    try {
      await events.waitFor((e) => e.event === 'hello');
      await f.say('vault', session('events'), 'hi');
      await events.waitFor((e) => e.event === 'changed');
      expect(events.events.map((e) => [e.event, e.data])).toEqual([
        ['hello', { bots: ['greeter', 'signup', 'vault'] }],
        ['changed', { bots: ['vault'] }],
      ]);
    } finally {
      await events.close();
    }
    await expect.poll(() => f.streams.size).toBe(0);
  });
});

// Last: it adds a dialog, which the exact counts above must not see.
describe('the funnel cache', () => {
  it('keeps a funnel for a few seconds (it reads the whole window), and counts again once it is due', async () => {
    f.now = T0 + 10 * MINUTE;
    const first = (await dashboard('?window=48'))['funnel'] as { at: number; refreshAt: number; dialogs: number };
    expect(first.refreshAt - first.at).toBe(48 * 80);
    await f.say('greeter', session('dash-cache'), 'hello');
    f.now += 1_000;
    const cached = (await dashboard('?window=48'))['funnel'] as { at: number; dialogs: number };
    expect(cached).toMatchObject({ at: first.at, dialogs: first.dialogs });
    f.now = first.refreshAt;
    const fresh = (await dashboard('?window=48'))['funnel'] as { at: number; dialogs: number };
    expect(fresh).toMatchObject({ at: first.refreshAt, dialogs: first.dialogs + 1 });
    f.now = T0 + 3 * MINUTE;
  });
});

describe('the funnel counts conversations', () => {
  it('counts a finished conversation and the one after "Start over", and a conversation left by /start at its step', async () => {
    const g = await appFixture();
    try {
      const [finished, left] = ['funnel-finished', 'funnel-left'].map(session) as [string, string];
      await g.say('greeter', finished, 'hello');
      await g.say('greeter', finished, 'Ann');
      await g.press('greeter', finished, 'end');
      await g.say('greeter', finished, '/start');
      await g.say('greeter', left, 'hello');
      await g.say('greeter', left, 'Bob');
      await g.say('greeter', left, '/start');
      const r = await g.admin('/api/bots/greeter/dashboard');
      const { funnel } = (await r.json()) as { funnel: { dialogs: number; ended: number; steps: { step: string; reached: number; stopped: number }[] } };
      expect([funnel.dialogs, funnel.ended]).toEqual([4, 1]);
      expect(Object.fromEntries(funnel.steps.filter((s) => s.reached > 0).map((s) => [s.step, [s.reached, s.stopped]]))).toEqual({
        welcome: [4, 0],
        ask_name: [4, 2],
        greet_with_name: [2, 1],
        goodbye: [1, 0],
      });
    } finally {
      await g.close();
    }
  });
});
