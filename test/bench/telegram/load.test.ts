import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { retryDelayMs, runLoad, type Pace, type Step } from '../../../bench/telegram/load.js';
import { ReplyTracker, type Expected } from '../../../bench/telegram/replies.js';
import { FakeBotApi } from '../../../runtime/testing/fake-bot-api.js';

const TOKEN = '7000000001:AAtest';
/** The test bot below answers /start with one message, a button press with its callback answer. */
const REPLIES: Record<Step, Expected> = {
  start: { send: 1, ack: 0 },
  name: { send: 1, ack: 0 },
  more_info: { send: 0, ack: 1 },
};
const STEPS: readonly Step[] = ['start', 'more_info'];

type Answer = (update: Record<string, any>) => { status?: number; retryAfter?: string; type?: string; body: string };

/** Every reply rides in the webhook answer, as Telegram allows. */
const carryAll: Answer = (u) => ({
  type: 'application/json',
  body: JSON.stringify(
    u['message']
      ? { method: 'sendMessage', chat_id: u['message'].chat.id, text: 'Welcome' }
      : { method: 'answerCallbackQuery', callback_query_id: u['callback_query'].id },
  ),
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function webhookServer(answer: Answer): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const a = answer(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(a.status ?? 200, { ...(a.type ? { 'content-type': a.type } : {}), ...(a.retryAfter ? { 'retry-after': a.retryAfter } : {}) });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

async function play(answer: Answer, pace: Pace, chats = 6) {
  const url = await webhookServer(answer);
  const api = await FakeBotApi.start({ record: true });
  closers.push(() => api.close());
  const tracker = new ReplyTracker(1000, chats, STEPS, REPLIES);
  api.observe(tracker.observe);
  const load = await runLoad({
    url, secret: 's', chats, connections: 2, pace, tracker, firstChatId: 1000, steps: STEPS,
    carry: (method, payload) => api.deliver(TOKEN, method, payload),
  });
  return { load, tracker, api };
}

describe('runLoad and calls carried in webhook answers', () => {
  it.each(['webhook', 'reply'] as const)('counts each carried call as delivered to its chat (pace %s)', async (pace) => {
    const { load, tracker, api } = await play(carryAll, pace);
    expect(load.errors).toBe(0);
    expect(load.requests).toBe(12);
    expect(load.carried).toEqual({ sendMessage: 6, answerCallbackQuery: 6 });
    expect(tracker.done).toBe(true);
    expect(tracker.latencies()).toHaveLength(12);
    expect(api.texts(1003)).toEqual(['Welcome']);
    expect(api.count('answerCallbackQuery')).toBe(6);
  });

  it('fails an update whose webhook answer is not empty, "ok" or a carried call', async () => {
    const { load, tracker } = await play(() => ({ type: 'application/json', body: '{"ok":true}' }), 'webhook', 2);
    expect(load.errors).toBe(2);
    expect(load.errorSamples[0]).toMatch(/unexpected webhook answer/);
    expect(tracker.completed).toBe(0);
  });

  it('fails an update whose carried call the Bot API refuses', async () => {
    const { load } = await play(() => ({ type: 'application/json', body: '{"method":"sendMessage","chat_id":1,"text":""}' }), 'webhook', 1);
    expect(load.errors).toBe(1);
    expect(load.errorSamples[0]).toMatch(/refused with 400/);
  });

  it('with pace reply, stops a chat whose replies never come once the tracker gives up', async () => {
    const url = await webhookServer(() => ({ body: 'ok' }));
    const tracker = new ReplyTracker(1, 1, STEPS, REPLIES);
    const running = runLoad({ url, secret: 's', chats: 1, connections: 1, pace: 'reply', tracker, firstChatId: 1, steps: STEPS, carry: () => 200 });
    await new Promise<void>((resolve) => {
      const check = () => (tracker.postedAt[0]! > 0 ? resolve() : setImmediate(check));
      check();
    });
    tracker.abort();
    const load = await running;
    expect(load.requests).toBe(1);
    expect(load.errorSamples[0]).toMatch(/replies did not arrive/);
  });
});

describe('runLoad under intake backpressure', () => {
  it('posts an update answered 429 or 503 again, the same update, until it is accepted', async () => {
    const seen = new Map<number, number>();
    const answer: Answer = (u) => {
      const n = (seen.get(u['update_id']) ?? 0) + 1;
      seen.set(u['update_id'], n);
      if (n === 1) return { status: 503, retryAfter: '0', body: '' };
      if (n === 2) return { status: 429, retryAfter: '0.001', body: '' };
      return carryAll(u);
    };
    const { load, tracker } = await play(answer, 'webhook', 3);
    expect(load.errors).toBe(0);
    expect(load.retried).toBe(12);
    expect(load.requests).toBe(6);
    expect([...seen.values()]).toEqual(Array(6).fill(3));
    expect(tracker.done).toBe(true);
  });

  it('waits what Retry-After says, or 100 ms without it', () => {
    expect(retryDelayMs('2')).toBe(2000);
    expect(retryDelayMs('0.25')).toBe(250);
    expect(retryDelayMs(undefined)).toBe(100);
    expect(retryDelayMs('soon')).toBe(100);
    expect(retryDelayMs('')).toBe(100);
  });
});
