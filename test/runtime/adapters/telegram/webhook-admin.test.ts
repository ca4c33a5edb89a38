import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deleteTelegramWebhook, getTelegramWebhookInfo, setTelegramWebhook, TelegramApiError } from '../../../../runtime/adapters/telegram/index.js';
import { FakeBotApi } from '../../../../runtime/testing/fake-bot-api.js';
import { closedPort } from '../net-helpers.js';

const SECRET = 'admin_Secret-7';
const TOKEN = `31337:${SECRET}`;

let api: FakeBotApi;

beforeAll(async () => {
  api = await FakeBotApi.start();
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => api.reset());

async function rejection(promise: Promise<unknown>): Promise<TelegramApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TelegramApiError);
  expect((err as Error).message).not.toContain(SECRET);
  return err as TelegramApiError;
}

describe('webhook admin', () => {
  it('sets a webhook with its secret, for messages and button presses only', async () => {
    api.pushUpdate(TOKEN, { message: { chat: { id: 1 }, text: 'old' } });
    await setTelegramWebhook({ apiRoot: api.url, token: TOKEN, url: 'https://bots.example.org/tg/b1', secret: 'Abc_123-x', dropPendingUpdates: true });
    expect(api.webhookOf(TOKEN)).toMatchObject({ url: 'https://bots.example.org/tg/b1', secretToken: 'Abc_123-x', allowedUpdates: ['message', 'callback_query'] });
    expect(api.calls[0]!.payload['drop_pending_updates']).toBe(true);
    const info = await getTelegramWebhookInfo({ apiRoot: api.url, token: TOKEN });
    expect(info).toMatchObject({ url: 'https://bots.example.org/tg/b1', pending_update_count: 0, allowed_updates: ['message', 'callback_query'] });
  });

  it('deletes the webhook', async () => {
    await setTelegramWebhook({ apiRoot: api.url, token: TOKEN, url: 'https://x.example/h', secret: 's' });
    await deleteTelegramWebhook({ apiRoot: api.url, token: TOKEN });
    expect(api.webhookOf(TOKEN)).toBeUndefined();
    expect((await getTelegramWebhookInfo({ apiRoot: api.url, token: TOKEN })).url).toBe('');
  });

  it('checks the secret and the url before calling Telegram', async () => {
    for (const secret of ['', 'has space', 'ü', 'x'.repeat(257)]) {
      await rejection(setTelegramWebhook({ apiRoot: api.url, token: TOKEN, url: 'https://x.example/h', secret }));
    }
    await rejection(setTelegramWebhook({ apiRoot: api.url, token: TOKEN, url: 'not a url', secret: 'ok' }));
    await rejection(getTelegramWebhookInfo({ apiRoot: api.url, token: 'bad' }));
    expect(api.count()).toBe(0);
  });

  it('reports Bot API refusals with their code and without the token', async () => {
    api.fail({ method: 'setWebhook', status: 400, description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' });
    const err = await rejection(setTelegramWebhook({ apiRoot: api.url, token: TOKEN, url: 'http://x.example/h', secret: 'ok' }));
    expect(err.code).toBe(400);
    expect(err.message).toMatch(/HTTPS URL must be provided/);
    api.fail({ method: 'deleteWebhook', status: 401 });
    expect((await rejection(deleteTelegramWebhook({ apiRoot: api.url, token: TOKEN }))).code).toBe(401);
  });

  it('reports network errors without the token', async () => {
    const err = await rejection(getTelegramWebhookInfo({ apiRoot: `http://127.0.0.1:${await closedPort()}`, token: TOKEN }));
    expect(err.code).toBe('ECONNREFUSED');
  });
});
