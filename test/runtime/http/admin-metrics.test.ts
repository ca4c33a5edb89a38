import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, valueOf } from '../metrics/exposition.js';
import { appFixture, session, type AppFixture } from './app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await appFixture();
});
afterAll(async () => {
  await f.close();
});

const scrape = async () => {
  const r = await f.admin('/metrics');
  expect([r.status, r.headers.get('content-type')]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8']);
  return parseExposition(await r.text());
};

describe('GET /metrics', () => {
  it('counts web chat updates by result, messages, steps, ended dialogs and requests by route', async () => {
    const s = session('metrics');
    await f.post('greeter', { session: s, id: 'a', text: '/start' });
    await f.post('greeter', { session: s, id: 'a', text: '/start' });
    await f.say('greeter', s, 'Ann');
    await f.press('greeter', s, 'end');
    // Unknown fields reach the adapter, which refuses them: an invalid update.
    expect((await f.post('greeter', { session: s, id: 'b', text: 'x', extra: 1 })).status).toBe(400);
    expect((await f.post('nobody', { session: s, id: 'c', text: 'x' })).status).toBe(404);
    expect((await f.admin(`/api/bots/greeter/dialogs/webchat/${s}/reset`, { method: 'POST' })).status).toBe(200);

    const labels = { bot: 'greeter', platform: 'webchat' };
    // Replies are delivered after the answer: 2 + 1 + 1 of them.
    await expect.poll(async () => valueOf(await scrape(), 'scenarist_messages_sent_total', labels)).toBe(4);
    const m = await scrape();
    expect(['applied', 'duplicate', 'invalid', 'ignored', 'failed'].map((result) => valueOf(m, 'scenarist_updates_total', { ...labels, result }))).toEqual([3, 1, 1, undefined, undefined]);
    expect(valueOf(m, 'scenarist_messages_received_total', labels)).toBe(3);
    expect(['ask_name', 'greet_with_name', 'goodbye'].map((step) => valueOf(m, 'scenarist_step_entries_total', { bot: 'greeter', step }))).toEqual([1, 1, undefined]);
    expect(valueOf(m, 'scenarist_dialogs_ended_total', { bot: 'greeter' })).toBe(1);
    expect(valueOf(m, 'scenarist_dialog_resets_total', { bot: 'greeter' })).toBe(1);
    const route = '/chat/api/bots/:botId/messages';
    expect(['200', '400', '404'].map((status) => valueOf(m, 'scenarist_http_requests_total', { method: 'POST', route, status }))).toEqual([4, 1, 1]);
    expect(valueOf(m, 'scenarist_turn_duration_seconds_count', labels)).toBe(3);
  });
});
