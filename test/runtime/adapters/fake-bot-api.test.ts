import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../../runtime/testing/fake-bot-api.js';

const TOKEN = '123456:AAbb_cc-DD';

let api: FakeBotApi;

interface Reply {
  status: number;
  body: { ok: boolean; result?: any; error_code?: number; description?: string; parameters?: { retry_after?: number } };
}

async function call(method: string, payload?: unknown, token = TOKEN): Promise<Reply> {
  const res = await fetch(`${api.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

beforeAll(async () => {
  api = await FakeBotApi.start();
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => api.reset());

describe('FakeBotApi basics', () => {
  it('listens on an ephemeral port of 127.0.0.1', () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.url).not.toMatch(/:0$/);
  });

  it('answers getMe with a bot whose id is the token prefix', async () => {
    const r = await call('getMe');
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    expect(r.body.result).toMatchObject({ id: 123456, is_bot: true });
  });

  it('answers 401 to a malformed token and 404 to unknown methods and paths', async () => {
    const bad = await call('getMe', undefined, 'not-a-token');
    expect(bad).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    const unknown = await call('sendDice', { chat_id: 1 });
    expect(unknown).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found: method not found' } });
    const res = await fetch(`${api.url}/elsewhere`);
    expect(res.status).toBe(404);
    expect(api.count()).toBe(2);
  });

  it('sends messages with increasing ids and echoes reply_markup', async () => {
    const markup = { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] };
    const a = await call('sendMessage', { chat_id: 42, text: 'one', reply_markup: markup });
    const b = await call('sendMessage', { chat_id: '42', text: 'two' });
    await call('sendMessage', { chat_id: 7, text: 'other chat' });
    expect(a.body.result).toMatchObject({ message_id: 1, chat: { id: 42 }, text: 'one', reply_markup: markup });
    expect(typeof a.body.result.date).toBe('number');
    expect(b.body.result).toMatchObject({ message_id: 2, chat: { id: 42 }, text: 'two' });
    expect(b.body.result.reply_markup).toBeUndefined();
    expect(api.texts(42)).toEqual(['one', 'two']);
    expect(api.texts('7')).toEqual(['other chat']);
    expect(api.sent()).toHaveLength(3);
    expect(api.count('sendMessage')).toBe(3);
    expect(api.calls.map((c) => c.method)).toEqual(['sendMessage', 'sendMessage', 'sendMessage']);
    expect(api.calls[0]).toMatchObject({ token: TOKEN, payload: { chat_id: 42, text: 'one' }, status: 200 });
  });

  it('refuses what Telegram refuses: empty or too long text, oversized callback data', async () => {
    expect((await call('sendMessage', { chat_id: 1, text: '' })).status).toBe(400);
    expect((await call('sendMessage', { chat_id: 1, text: 'x'.repeat(4097) })).body.description).toBe('Bad Request: message is too long');
    const markup = { inline_keyboard: [[{ text: 'a', callback_data: 'd'.repeat(65) }]] };
    expect((await call('sendMessage', { chat_id: 1, text: 'hi', reply_markup: markup })).body.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    expect(api.sent()).toEqual([]);
    expect(api.count('sendMessage')).toBe(3);
  });

  it('accepts urlencoded, query-string and multipart payloads', async () => {
    const form = new URLSearchParams({ chat_id: '5', text: 'form', reply_markup: JSON.stringify({ inline_keyboard: [] }) });
    const r1 = await fetch(`${api.url}/bot${TOKEN}/sendMessage`, { method: 'POST', body: form });
    expect(r1.status).toBe(200);
    const r2 = await fetch(`${api.url}/bot${TOKEN}/sendMessage?chat_id=5&text=query`);
    expect(r2.status).toBe(200);
    const multipart = new FormData();
    multipart.set('chat_id', '5');
    multipart.set('text', 'multi\r\npart ü');
    multipart.set('document', new Blob([Buffer.from('file body')]), 'a.txt');
    const r3 = await fetch(`${api.url}/bot${TOKEN}/sendMessage`, { method: 'POST', body: multipart });
    expect(r3.status).toBe(200);
    expect(api.texts(5)).toEqual(['form', 'query', 'multi\r\npart ü']);
    expect(api.calls[0]!.payload['reply_markup']).toEqual({ inline_keyboard: [] });
    expect(api.calls[2]!.payload['document']).toMatchObject({ filename: 'a.txt', size: 9, bytes: Buffer.from('file body') });
  });

  it('answers 400 to a body it cannot parse', async () => {
    const res = await fetch(`${api.url}/bot${TOKEN}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
  });

  it('keeps a __proto__ key as plain data', async () => {
    const res = await fetch(`${api.url}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"chat_id":1,"text":"x","__proto__":{"polluted":true}}',
    });
    expect(res.status).toBe(200);
    const payload = api.calls[0]!.payload;
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect((payload as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    const form = await fetch(`${api.url}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'chat_id=1&text=y&__proto__=z',
    });
    expect(form.status).toBe(200);
    const formPayload = api.calls[1]!.payload;
    expect(Object.getPrototypeOf(formPayload)).toBe(Object.prototype);
    expect(Object.hasOwn(formPayload, '__proto__')).toBe(true);
  });
});

describe('FakeBotApi faults', () => {
  it('answers a 429 with retry_after once, then succeeds', async () => {
    api.fail({ method: 'sendMessage', status: 429, retryAfter: 3 });
    const first = await call('sendMessage', { chat_id: 1, text: 'a' });
    expect(first).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } },
    });
    const second = await call('sendMessage', { chat_id: 1, text: 'a' });
    expect(second.status).toBe(200);
    expect(api.texts(1)).toEqual(['a']);
    expect(api.count('sendMessage')).toBe(2);
    expect(api.calls.map((c) => c.status)).toEqual([429, 200]);
  });

  it('matches rules by method and chat, consumes them in order and honours times', async () => {
    api.fail({ chatId: 2, status: 403, times: 2 });
    api.fail({ method: 'sendMessage', status: 500, description: 'boom' });
    expect((await call('sendMessage', { chat_id: 1, text: 'x' })).body).toMatchObject({ error_code: 500, description: 'boom' });
    expect((await call('sendMessage', { chat_id: 1, text: 'x' })).status).toBe(200);
    expect((await call('sendMessage', { chat_id: 2, text: 'x' })).body).toMatchObject({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    expect((await call('getMe')).status).toBe(200);
    expect((await call('sendMessage', { chat_id: 2, text: 'x' })).status).toBe(403);
    expect((await call('sendMessage', { chat_id: 2, text: 'x' })).status).toBe(200);
  });

  it('supports rules that never run out', async () => {
    api.fail({ method: 'getMe', status: 502, times: Infinity });
    for (let i = 0; i < 5; i++) expect((await call('getMe')).status).toBe(502);
    api.reset();
    expect((await call('getMe')).status).toBe(200);
  });

  it('slows an answer down without failing it when status is 200', async () => {
    api.fail({ method: 'sendMessage', status: 200, delayMs: 30 });
    const pending = call('sendMessage', { chat_id: 9, text: 'slow' });
    await api.waitFor((a) => a.count('sendMessage') === 1);
    expect(api.sent(9)).toEqual([]);
    expect((await pending).status).toBe(200);
    expect(api.texts(9)).toEqual(['slow']);
  });

  it('rejects invalid rules', () => {
    expect(() => api.fail({ status: 500, times: 0 })).toThrow(/times/);
  });
});

describe('FakeBotApi webhooks and getUpdates', () => {
  it('stores a webhook, validates its secret and reports it', async () => {
    const bad = await call('setWebhook', { url: 'https://example.org/hook', secret_token: 'no spaces!' });
    expect(bad.status).toBe(400);
    const good = await call('setWebhook', { url: 'https://example.org/hook', secret_token: 'abc_DEF-1', allowed_updates: ['message'] });
    expect(good.body).toMatchObject({ ok: true, result: true });
    expect(api.webhookOf(TOKEN)).toEqual({ url: 'https://example.org/hook', secretToken: 'abc_DEF-1', allowedUpdates: ['message'], maxConnections: undefined });
    const info = await call('getWebhookInfo');
    expect(info.body.result).toMatchObject({ url: 'https://example.org/hook', pending_update_count: 0 });
    expect((await call('getUpdates')).body).toMatchObject({ ok: false, error_code: 409 });
    await call('deleteWebhook');
    expect(api.webhookOf(TOKEN)).toBeUndefined();
    expect((await call('getWebhookInfo')).body.result.url).toBe('');
    expect((await call('getUpdates')).status).toBe(200);
  });

  it('returns pushed updates from the offset on and drops confirmed ones', async () => {
    api.pushUpdate(TOKEN, { message: { text: 'a' } });
    api.pushUpdate(TOKEN, { message: { text: 'b' } });
    api.pushUpdate(TOKEN, { update_id: 10, message: { text: 'c' } });
    expect((await call('getUpdates')).body.result.map((u: { update_id: number }) => u.update_id)).toEqual([1, 2, 10]);
    expect((await call('getUpdates', { offset: 2, limit: 1 })).body.result.map((u: { update_id: number }) => u.update_id)).toEqual([2]);
    expect((await call('getUpdates', { offset: -1 })).body.result.map((u: { update_id: number }) => u.update_id)).toEqual([10]);
    expect((await call('getWebhookInfo')).body.result.pending_update_count).toBe(2);
    expect((await call('getUpdates', { offset: 11 })).body.result).toEqual([]);
    expect((await call('getWebhookInfo')).body.result.pending_update_count).toBe(0);
    // Updates of other bots are separate.
    expect((await call('getUpdates', {}, '999:zzz')).body.result).toEqual([]);
  });

  it('holds a long poll until an update is pushed', async () => {
    const pending = call('getUpdates', { timeout: 30 });
    await api.waitFor((a) => a.count('getUpdates') === 1);
    api.pushUpdate(TOKEN, { message: { text: 'late' } });
    const r = await pending;
    expect(r.body.result).toEqual([{ update_id: 1, message: { text: 'late' } }]);
    expect(api.calls[0]!.status).toBe(200);
  });

  it('answers an empty list when the long poll times out', async () => {
    const r = await call('getUpdates', { timeout: 1 });
    expect(r.body).toEqual({ ok: true, result: [] });
  });

  it('ends a held poll with 409 when another poll or a webhook comes', async () => {
    const first = call('getUpdates', { timeout: 30 });
    await api.waitFor((a) => a.count('getUpdates') === 1);
    const second = call('getUpdates', { timeout: 30 });
    expect((await first).body).toMatchObject({ ok: false, error_code: 409, description: expect.stringMatching(/other getUpdates/) });
    await api.waitFor((a) => a.count('getUpdates') === 2);
    await call('setWebhook', { url: 'https://example.org/hook' });
    expect((await second).body).toMatchObject({ ok: false, error_code: 409, description: expect.stringMatching(/webhook is active/) });
  });
});

describe('FakeBotApi helpers', () => {
  it('waitFor rejects with a message on timeout', async () => {
    await expect(api.waitFor(() => false, 30)).rejects.toThrow(/not met within 30 ms/);
  });

  it('reset forgets calls, faults and updates', async () => {
    await call('getMe');
    api.fail({ status: 500, times: Infinity });
    api.pushUpdate(TOKEN, { message: {} });
    api.reset();
    expect(api.calls).toEqual([]);
    expect(api.count()).toBe(0);
    expect((await call('getUpdates')).body).toEqual({ ok: true, result: [] });
  });

  it('only counts with record: false', async () => {
    const quiet = await FakeBotApi.start({ record: false });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${quiet.url}/bot${TOKEN}/sendMessage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ chat_id: 1, text: 't' }),
        });
        expect(res.status).toBe(200);
      }
      expect(quiet.count()).toBe(3);
      expect(quiet.count('sendMessage')).toBe(3);
      expect(quiet.calls).toEqual([]);
      expect(() => quiet.sent()).toThrow(/record: true/);
    } finally {
      await quiet.close();
    }
  });

  it('closes while a long poll is held', async () => {
    const other = await FakeBotApi.start();
    const pending = fetch(`${other.url}/bot${TOKEN}/getUpdates?timeout=30`).then(
      () => 'answered',
      () => 'dropped',
    );
    await other.waitFor((a) => a.count('getUpdates') === 1);
    await other.close();
    expect(await pending).toBe('dropped');
  });
});

describe('FakeBotApi listener and calls carried in a webhook answer', () => {
  it('tells the listener of every answered call with its status, until removed', async () => {
    const seen: [string, unknown, number][] = [];
    api.observe((method, payload, status) => seen.push([method, payload['chat_id'], status]));
    await call('sendMessage', { chat_id: 5, text: 'hi' });
    await call('sendMessage', { chat_id: 5, text: '' });
    api.fail({ method: 'sendMessage', status: 429 });
    await call('sendMessage', { chat_id: 6, text: 'later' });
    api.observe(undefined);
    await call('sendMessage', { chat_id: 7, text: 'unseen' });
    expect(seen).toEqual([
      ['sendMessage', 5, 200],
      ['sendMessage', 5, 400],
      ['sendMessage', 6, 429],
    ]);
  });

  it('carries out a webhook-answer call: counted, recorded, validated and told to the listener', () => {
    const seen: string[] = [];
    api.observe((method, _payload, status) => seen.push(`${method} ${status}`));
    expect(api.deliver(TOKEN, 'sendMessage', { chat_id: 8, text: 'carried' })).toBe(200);
    expect(api.deliver(TOKEN, 'answerCallbackQuery', { callback_query_id: 'q1' })).toBe(200);
    expect(api.deliver(TOKEN, 'answerCallbackQuery', {})).toBe(400);
    expect(api.deliver('not-a-token', 'sendMessage', { chat_id: 8, text: 'x' })).toBe(401);
    expect(api.texts(8)).toEqual(['carried']);
    expect(api.count('answerCallbackQuery')).toBe(2);
    expect(api.count()).toBe(4);
    expect(seen).toEqual(['sendMessage 200', 'answerCallbackQuery 200', 'answerCallbackQuery 400', 'sendMessage 401']);
  });

  it('counts carried calls without recording them when record is false', async () => {
    const quiet = await FakeBotApi.start({ record: false });
    try {
      let told = 0;
      quiet.observe(() => told++);
      expect(quiet.deliver(TOKEN, 'answerCallbackQuery', { callback_query_id: 'q' })).toBe(200);
      expect(quiet.count('answerCallbackQuery')).toBe(1);
      expect(quiet.calls).toEqual([]);
      expect(told).toBe(1);
    } finally {
      await quiet.close();
    }
  });
});
