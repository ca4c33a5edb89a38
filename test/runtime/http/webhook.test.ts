import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pressUpdate, serverFixture, textUpdate, TOKEN, type ServerFixture } from '../../support/server-fixture.js';

let f: ServerFixture;
beforeAll(async () => {
  f = await serverFixture();
});
afterAll(async () => {
  await f.close();
});

const dialogOf = (chat: number) => f.server.store.getDialog({ botId: 'greeter', platform: 'telegram', chatId: String(chat) });

describe('POST /webhooks/telegram/:botId', () => {
  it('runs a conversation: 200 per update, replies through the Bot API with an inline keyboard', async () => {
    expect((await f.post(textUpdate(1, '/start'))).status).toBe(200);
    expect((await f.post(textUpdate(1, 'Ann'))).status).toBe(200);
    await f.api.waitFor((api) => api.texts(1).length === 3);
    expect(f.api.texts(1)).toEqual(['Welcome to our bot!', "What's your name?", 'Nice to meet you, Ann!']);
    expect(f.api.sent(1)[2]!.payload['reply_markup']).toEqual({
      inline_keyboard: [[{ text: 'Tell me more', callback_data: 'more_info' }], [{ text: 'Goodbye', callback_data: 'end' }]],
    });
    expect((await f.post(pressUpdate(1, 'end'))).status).toBe(200);
    await f.api.waitFor((api) => api.texts(1).length === 4);
    expect(f.api.texts(1)[3]).toBe('Goodbye, Ann!');
    expect(await dialogOf(1)).toMatchObject({ rev: 3, status: 'ended' });
  });

  it('answers a redelivered update 200 and changes nothing', async () => {
    const update = textUpdate(2, '/start');
    expect((await f.post(update)).status).toBe(200);
    await f.api.waitFor((api) => api.texts(2).length === 2);
    expect((await f.post(update)).status).toBe(200);
    expect((await f.post(update)).status).toBe(200);
    expect((await dialogOf(2))!.rev).toBe(1);
    // Give a wrongly scheduled duplicate reply the chance to show up: another chat's reply comes after it.
    await f.post(textUpdate(99, '/start'));
    await f.api.waitFor((api) => api.texts(99).length === 2);
    expect(f.api.texts(2)).toHaveLength(2);
  });

  it('re-prompts a text step that gets a sticker, and ignores unsupported update kinds with 200', async () => {
    await f.post(textUpdate(3, '/start'));
    const sticker = { update_id: 555_001, message: { message_id: 9, chat: { id: 3, type: 'private' }, date: 1, sticker: { file_id: 'x', width: 1, height: 1 } } };
    expect((await f.post(sticker)).status).toBe(200);
    await f.api.waitFor((api) => api.texts(3).length === 3);
    expect(f.api.texts(3)[2]).toBe('Please tell me your name.');
    const edited = { update_id: 555_002, edited_message: { message_id: 9, chat: { id: 3, type: 'private' }, date: 1, text: 'Bob' } };
    expect((await f.post(edited)).status).toBe(200);
    expect((await dialogOf(3))!.rev).toBe(2);
  });

  it('refuses a missing or wrong secret with 401, before reading the body', async () => {
    expect((await f.post(textUpdate(4, '/start'), { 'x-telegram-bot-api-secret-token': '' })).status).toBe(401);
    const wrong = await f.post(textUpdate(4, '/start'), { 'x-telegram-bot-api-secret-token': 'test-secret_124' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'missing or wrong X-Telegram-Bot-Api-Secret-Token' } });
    expect(await dialogOf(4)).toBeUndefined();
  });

  it('answers 404 for an unknown bot and for a bot without a Telegram token', async () => {
    const unknown = await f.post(textUpdate(5, '/start'), {}, 'nobody');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'unknown bot "nobody"' } });
    const tokenless = await f.post(textUpdate(5, '/start'), {}, 'no-token');
    expect(tokenless.status).toBe(404);
    expect(await tokenless.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'bot "no-token" has no Telegram token configured here' } });
  });

  it('answers 413 above 1 MB, 400 for malformed JSON and for bodies that are not updates', async () => {
    const big = JSON.stringify(textUpdate(6, 'x'.repeat(1_100_000)));
    expect((await f.post(big)).status).toBe(413);
    const bad = await f.post('{"update_id": 1, "message": ');
    expect(bad.status).toBe(400);
    for (const body of ['[]', '"text"', '{}', '{"update_id":"7"}', '{"update_id":-1}', '{"update_id":1,"message":{"chat":{"id":{}}}}', 'null']) {
      const r = await f.post(body);
      expect(r.status, body).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    }
    const notJson = await f.post('update_id=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(notJson.status).toBe(400);
    expect(await f.server.store.countDialogs('greeter')).toBeGreaterThan(0);
    expect(await dialogOf(6)).toBeUndefined();
  });

  it('answers once the update\'s replies went out', async () => {
    const r = await f.post(textUpdate(11, '/start'));
    expect(r.status).toBe(200);
    expect(f.api.texts(11)).toEqual(['Welcome to our bot!', "What's your name?"]);
  });

  it('answers after WEBHOOK_REPLY_WAIT_MS (2 s) when the Bot API is slow, and the replies still go out', async () => {
    f.api.fail({ method: 'sendMessage', chatId: 7, status: 200, delayMs: 6000, times: 1 });
    const r = await f.post(textUpdate(7, '/start'));
    expect(r.status).toBe(200);
    expect(f.api.texts(7)).toEqual([]); // the reply is still on its way
    expect((await dialogOf(7))!.rev).toBe(1);
    await f.api.waitFor((api) => api.texts(7).length === 2, 15_000);
  });

  it('retries after a 429 with retry_after, and marks a dialog whose user blocked the bot', async () => {
    f.api.fail({ method: 'sendMessage', chatId: 8, status: 429, retryAfter: 1 });
    await f.post(textUpdate(8, '/start'));
    await f.api.waitFor((api) => api.texts(8).length === 2, 10_000);
    expect(f.api.texts(8)).toEqual(['Welcome to our bot!', "What's your name?"]);
    f.api.fail({ method: 'sendMessage', chatId: 9, status: 403, description: 'Forbidden: bot was blocked by the user' });
    await f.post(textUpdate(9, '/start'));
    await expect.poll(async () => (await dialogOf(9))?.blocked, { timeout: 5000 }).toBe(true);
  });

  it('never writes the token into logs, even when the Bot API fails', async () => {
    f.api.fail({ method: 'sendMessage', chatId: 10, status: 400, description: 'Bad Request: chat not found' });
    await f.post(textUpdate(10, '/start'));
    await f.api.waitFor((api) => api.texts(10).length === 1, 10_000);
    const text = JSON.stringify(f.lines);
    expect(f.lines.some((l) => l['msg'] === 'the platform refused a reply: dropped')).toBe(true);
    expect(text).not.toContain(TOKEN.split(':')[1]);
  });
});

describe('health', () => {
  it('GET /healthz and /readyz answer 200 with a working store', async () => {
    expect((await fetch(`${f.server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${f.server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', store: { kind: 'sqlite', status: 'ok' } });
  });
});
