import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Telegram } from 'telegraf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../../runtime/adapters/types.js';
import { redactToken, TelegramAdapter } from '../../../../runtime/adapters/telegram/index.js';
import { FakeBotApi } from '../../../../runtime/testing/fake-bot-api.js';
import { closedPort } from '../net-helpers.js';

const SECRET = 'AAH-secret_Part9';
const TOKEN = `424242:${SECRET}`;

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  const d = err as DeliveryError;
  // The token must not leak through the message, the stack or the cause.
  for (const text of [d.message, d.stack ?? '', String(d.cause), (d.cause as Error | undefined)?.stack ?? '']) {
    expect(text).not.toContain(SECRET);
  }
  return d;
}

describe.each(['direct', 'telegraf'] as const)('with the %s sender', (sender) => {
  let api: FakeBotApi;
  let adapter: TelegramAdapter;

  beforeAll(async () => {
    api = await FakeBotApi.start();
    adapter = new TelegramAdapter({ sender, apiRoot: api.url, timeoutMs: 2000 });
    adapter.addBot('b1', TOKEN);
  });
  afterAll(async () => {
    adapter.close();
    await api.close();
  });
  beforeEach(() => api.reset());

  describe('TelegramAdapter.send', () => {
    it('sends plain text without reply_markup', async () => {
      await adapter.send('b1', '100', { text: 'Hello', buttons: [] });
      expect(api.texts(100)).toEqual(['Hello']);
      const call = api.sent(100)[0]!;
      expect(call.token).toBe(TOKEN);
      expect(call.payload).toEqual({ chat_id: '100', text: 'Hello' });
    });

    it('sends a text over 4096 characters as parts in order, the buttons on the last', async () => {
      const text = ['a'.repeat(3000), 'b'.repeat(3000), 'c'.repeat(3000)].join('\n\n') + ' ' + 'd'.repeat(999);
      await adapter.send('b1', '300', { text, buttons: [{ text: 'OK', value: 'ok' }] });
      const parts = api.texts(300);
      expect(parts).toEqual(['a'.repeat(3000), 'b'.repeat(3000), 'c'.repeat(3000) + ' ' + 'd'.repeat(999)]);
      expect(api.sent(300).map((c) => c.payload['reply_markup'] !== undefined)).toEqual([false, false, true]);
    });

    it('sends to the forum topic of an address, and to the chat of a member-scoped one', async () => {
      await adapter.send('b1', '-100500:t42:u7', { text: 'In the topic', buttons: [] });
      await adapter.send('b1', '-100500:u7', { text: 'In the chat', buttons: [] });
      expect(api.sent('-100500').map((c) => c.payload)).toEqual([
        { chat_id: '-100500', text: 'In the topic', message_thread_id: 42 },
        { chat_id: '-100500', text: 'In the chat' },
      ]);
    });

    it('sends buttons as an inline keyboard, one button per row', async () => {
      await adapter.send('b1', '-100200', {
        text: 'Pick one',
        buttons: [
          { text: 'Yes', value: 'yes' },
          { text: 'No', value: 'no' },
        ],
      });
      expect(api.sent('-100200')[0]!.payload['reply_markup']).toEqual({
        inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }], [{ text: 'No', callback_data: 'no' }]],
      });
    });

    it('reuses one keep-alive connection for sequential sends', async () => {
      const local = new TelegramAdapter({ sender, apiRoot: api.url });
      local.addBot('b1', TOKEN);
      try {
        const before = api.connections;
        for (let i = 0; i < 20; i++) await local.send('b1', '1', { text: `m${i}`, buttons: [] });
        expect(api.texts(1)).toHaveLength(20);
        if (sender === 'direct') {
          // undici lets a connection rest one event-loop turn before its next call: two connections take turns.
          expect(api.connections - before).toBeLessThanOrEqual(2);
          expect(local.connected).toBe(api.connections - before);
        } else {
          expect(api.connections - before).toBe(1);
          expect(Object.values(local.agent.freeSockets).flat()).toHaveLength(1);
        }
      } finally {
        await local.close();
      }
    });

    it.runIf(sender === 'telegraf')('uses a given agent (telegraf alone drops it for http:// roots)', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      expect(new Telegram(TOKEN, { apiRoot: api.url, agent }).options.agent).toBeUndefined();
      const local = new TelegramAdapter({ sender, apiRoot: api.url, agent });
      local.addBot('b1', TOKEN);
      try {
        await local.send('b1', '1', { text: 'x', buttons: [] });
        expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
      } finally {
        agent.destroy();
      }
    });

    it('sends for several bots with their own tokens', async () => {
      const other = '777:other_token';
      adapter.addBot('b2', other);
      await adapter.send('b2', '5', { text: 'from b2', buttons: [] });
      await adapter.send('b1', '5', { text: 'from b1', buttons: [] });
      expect(api.sent(5).map((c) => c.token)).toEqual([other, TOKEN]);
      expect(adapter.removeBot('b2')).toBe(true);
      expect(adapter.hasBot('b2')).toBe(false);
      // Another process may hold the token: the reply is not dropped, and the runtime does not claim it.
      expect(adapter.canSend('b2')).toBe(false);
      expect(adapter.canSend('b1')).toBe(true);
      expect((await failure(adapter.send('b2', '5', { text: 'x', buttons: [] }))).kind).toBe('retry');
    });

    it('refuses a malformed token without echoing it', () => {
      expect(() => adapter.addBot('bad', 'secret-without-id')).toThrow(/not a Telegram bot token/);
      expect(() => adapter.addBot('bad', 'secret-without-id')).not.toThrow(/secret-without-id/);
    });
  });

  describe('TelegramAdapter error classification', () => {
    it('429 with retry_after → retry after that many seconds', async () => {
      api.fail({ method: 'sendMessage', status: 429, retryAfter: 7 });
      const e = await failure(adapter.send('b1', '1', { text: 'x', buttons: [] }));
      expect(e.kind).toBe('retry');
      expect(e.retryAfterMs).toBe(7000);
      expect(e.message).toMatch(/429/);
    });

    it('403 → blocked', async () => {
      api.fail({ chatId: '1', status: 403 });
      const e = await failure(adapter.send('b1', '1', { text: 'x', buttons: [] }));
      expect(e.kind).toBe('blocked');
      expect(e.retryAfterMs).toBeUndefined();
    });

    it('5xx → retry with no wait named, so the runtime backs off exponentially', async () => {
      api.fail({ status: 500 });
      const e = await failure(adapter.send('b1', '1', { text: 'x', buttons: [] }));
      expect(e.kind).toBe('retry');
      expect(e.retryAfterMs).toBeUndefined();
      api.fail({ status: 502 });
      const local = new TelegramAdapter({ sender, apiRoot: api.url, retryDelayMs: 250 });
      local.addBot('b1', TOKEN);
      const again = await failure(local.send('b1', '1', { text: 'x', buttons: [] }));
      expect(again.kind).toBe('retry');
      expect(again.retryAfterMs).toBeUndefined();
      local.close();
    });

    it('other 4xx → permanent', async () => {
      api.fail({ status: 400, description: 'Bad Request: chat not found' });
      const e = await failure(adapter.send('b1', '1', { text: 'x', buttons: [] }));
      expect(e.kind).toBe('permanent');
      expect(e.message).toMatch(/chat not found/);
      // A real refusal of the fake, not an injected one.
      expect((await failure(adapter.send('b1', '1', { text: ' ', buttons: [] }))).kind).toBe('permanent');
    });

    it('connection refused → retry, without the token', async () => {
      const local = new TelegramAdapter({ sender, apiRoot: `http://127.0.0.1:${await closedPort()}` });
      local.addBot('b1', TOKEN);
      const e = await failure(local.send('b1', '1', { text: 'x', buttons: [] }));
      expect(e.kind).toBe('retry');
      expect(e.retryAfterMs).toBeUndefined();
      expect(e.message).toMatch(/ECONNREFUSED/);
      expect((e.cause as { code?: unknown }).code).toBe('ECONNREFUSED');
      local.close();
    });

    it('a timeout → retry', async () => {
      api.fail({ method: 'sendMessage', status: 200, delayMs: 1000 });
      const local = new TelegramAdapter({ sender, apiRoot: api.url, timeoutMs: 20 });
      local.addBot('b1', TOKEN);
      expect((await failure(local.send('b1', '1', { text: 'x', buttons: [] }))).kind).toBe('retry');
      local.close();
    });

    it('an answer that is not JSON → retry, with the token redacted', async () => {
      const html = http.createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>no</h1>'));
      await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
      const local = new TelegramAdapter({ sender, apiRoot: `http://127.0.0.1:${(html.address() as AddressInfo).port}` });
      local.addBot('b1', TOKEN);
      try {
        const e = await failure(local.send('b1', '1', { text: 'x', buttons: [] }));
        expect(e.kind).toBe('retry');
        // telegraf's client puts the URL (with the token) in the message; the direct sender never does.
        expect(e.message).toContain(sender === 'telegraf' ? 'bot424242:***' : 'without JSON');
      } finally {
        local.close();
        html.closeAllConnections();
        await new Promise<void>((resolve) => html.close(() => resolve()));
      }
    });
  });

  describe('TelegramAdapter.acknowledge and parseUpdate', () => {
    it('answers the callback query', async () => {
      await adapter.acknowledge('b1', 'cbq-1');
      expect(api.calls.map((c) => [c.method, c.payload])).toEqual([['answerCallbackQuery', { callback_query_id: 'cbq-1' }]]);
    });

    it('throws a classified DeliveryError when the answer fails', async () => {
      api.fail({ method: 'answerCallbackQuery', status: 400, description: 'Bad Request: query is too old' });
      expect((await failure(adapter.acknowledge('b1', 'cbq-1'))).kind).toBe('permanent');
    });

    it('parses updates with the settings of the bot', () => {
      expect(adapter.platform).toBe('telegram');
      expect(adapter.parseUpdate({ update_id: 1, message: { chat: { id: 1 }, text: 'hi' } }, 'b1')).toMatchObject({ kind: 'message', chatId: '1' });
      const group = { update_id: 2, message: { chat: { id: -5, type: 'group' }, from: { id: 9 }, text: 'hi' } };
      expect(adapter.parseUpdate(group, 'b1')).toMatchObject({ chatId: '-5:u9' });
      const shared = new TelegramAdapter({ sender, apiRoot: api.url });
      shared.addBot('quiz', TOKEN, { groupDialogs: 'chat' });
      try {
        expect(shared.parseUpdate(group, 'quiz')).toMatchObject({ chatId: '-5' });
      } finally {
        shared.close();
      }
    });

    it('splits only what exceeds the limit', () => {
      const short = { text: 'x'.repeat(4096), buttons: [{ text: 'OK', value: 'ok' }] };
      expect(adapter.split(short)).toEqual([short]);
      const parts = adapter.split({ text: 'x'.repeat(4096) + ' y', buttons: [{ text: 'OK', value: 'ok' }] });
      expect(parts).toEqual([
        { text: 'x'.repeat(4096), buttons: [] },
        { text: 'y', buttons: [{ text: 'OK', value: 'ok' }] },
      ]);
    });

    it('writes more buttons than an inline keyboard holds as a numbered menu', () => {
      const buttons = Array.from({ length: 101 }, (_, i) => ({ text: `B${i + 1}`, value: `b${i + 1}` }));
      const [only] = adapter.split({ text: 'Pick', buttons });
      expect(only!.buttons).toEqual([]);
      expect(only!.text.startsWith('Pick\n\n1. B1\n2. B2\n')).toBe(true);
      expect(only!.text.endsWith('\n101. B101')).toBe(true);
      expect(adapter.split({ text: 'Pick', buttons: buttons.slice(0, 100) })[0]!.buttons).toHaveLength(100);
    });
  });
});

describe("the direct sender's connection pool", () => {
  let api: FakeBotApi;
  beforeAll(async () => {
    api = await FakeBotApi.start();
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(() => api.reset());

  it('opens no more connections than configured, and sends every call', async () => {
    const local = new TelegramAdapter({ apiRoot: api.url, connections: 2 });
    local.addBot('b1', TOKEN);
    try {
      api.fail({ method: 'sendMessage', status: 200, delayMs: 50, times: 6 });
      await Promise.all([1, 2, 3, 4, 5, 6].map((chat) => local.send('b1', String(chat), { text: `to ${chat}`, buttons: [] })));
      expect(api.connections).toBe(2);
      expect([1, 2, 3, 4, 5, 6].map((chat) => api.texts(chat))).toEqual([1, 2, 3, 4, 5, 6].map((chat) => [`to ${chat}`]));
    } finally {
      await local.close();
    }
  });

  it("never pipelines: a slow call does not hold up another chat's call", async () => {
    const local = new TelegramAdapter({ apiRoot: api.url, connections: 2 });
    local.addBot('b1', TOKEN);
    try {
      // Both connections open and idle first: a connection still connecting takes no second call anyway.
      await Promise.all(['3', '4'].map((chat) => local.send('b1', chat, { text: 'warm up', buttons: [] })));
      await new Promise((resolve) => setImmediate(resolve));
      expect(local.connected).toBe(2);
      api.fail({ chatId: '1', status: 200, delayMs: 1000 });
      const done: string[] = [];
      const slow = local.send('b1', '1', { text: 'slow', buttons: [] }).then(() => done.push('slow'));
      await local.send('b1', '2', { text: 'fast', buttons: [] }).then(() => done.push('fast'));
      await slow;
      expect(done).toEqual(['fast', 'slow']);
    } finally {
      await local.close();
    }
  });

  it('never sends a call whose time ran out while it waited for a connection', async () => {
    const local = new TelegramAdapter({ apiRoot: api.url, connections: 1, timeoutMs: 100 });
    local.addBot('b1', TOKEN);
    try {
      api.fail({ chatId: '1', status: 200, delayMs: 1000 });
      const held = local.send('b1', '1', { text: 'holds the connection', buttons: [] });
      const queued = local.send('b1', '2', { text: 'waits for it', buttons: [] });
      expect((await failure(held)).kind).toBe('retry');
      expect((await failure(queued)).kind).toBe('retry');
      // The pool sends in call order: had the timed-out call gone out, it would have gone before this one.
      await local.send('b1', '3', { text: 'after', buttons: [] });
      expect(api.texts(3)).toEqual(['after']);
      expect(api.texts(2)).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it('speaks TLS to an https:// apiRoot', async () => {
    const firstBytes: number[] = [];
    const tcp = net.createServer((socket) => socket.once('data', (chunk: Buffer) => (firstBytes.push(chunk[0]!), socket.destroy())));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const local = new TelegramAdapter({ apiRoot: `https://127.0.0.1:${(tcp.address() as AddressInfo).port}` });
    local.addBot('b1', TOKEN);
    try {
      expect((await failure(local.send('b1', '1', { text: 'x', buttons: [] }))).kind).toBe('retry');
      expect(firstBytes).toEqual([0x16]); // a TLS handshake record, not "POST"
    } finally {
      await local.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });

  it('fails calls made after close as retryable', async () => {
    const local = new TelegramAdapter({ apiRoot: api.url });
    local.addBot('b1', TOKEN);
    await local.send('b1', '1', { text: 'x', buttons: [] });
    await local.close();
    expect(local.connected).toBe(0);
    expect((await failure(local.send('b1', '1', { text: 'y', buttons: [] }))).kind).toBe('retry');
  });
});

describe('redactToken', () => {
  it('redacts tokens in URLs and bare tokens', () => {
    expect(redactToken(`request to http://h/bot${TOKEN}/sendMessage failed`)).toBe('request to http://h/bot424242:***/sendMessage failed');
    expect(redactToken(`token ${TOKEN} and /bot1:a-b_c/x`, TOKEN)).toBe('token 424242:*** and /bot1:***/x');
  });
});
