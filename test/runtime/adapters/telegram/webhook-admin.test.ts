import { describe, expect, it } from 'vitest';
import { deleteTelegramWebhook, getTelegramWebhookInfo, setTelegramWebhook } from '../../../../runtime/adapters/telegram/index.js';
import { apiRejection, useFakeBotApi } from './fake-api-fixture.js';
import { closedPort } from '../net-helpers.js';

const SECRET = 'admin_Secret-7';
const TOKEN = `31337:${SECRET}`;

const fake = useFakeBotApi();
const rejection = (promise: Promise<unknown>) => apiRejection(promise, SECRET);

describe('webhook admin', () => {
  it('sets a webhook with its secret, for messages and button presses only', async () => {
    fake().pushUpdate(TOKEN, { message: { chat: { id: 1 }, text: 'old' } });
    await setTelegramWebhook({ apiRoot: fake().url, token: TOKEN, url: 'https://bots.example.org/tg/b1', secret: 'Abc_123-x', dropPendingUpdates: true });
    expect(fake().webhookOf(TOKEN)).toMatchObject({ url: 'https://bots.example.org/tg/b1', secretToken: 'Abc_123-x', allowedUpdates: ['message', 'callback_query'] });
    expect(fake().calls[0]!.payload['drop_pending_updates']).toBe(true);
    const info = await getTelegramWebhookInfo({ apiRoot: fake().url, token: TOKEN });
    expect(info).toMatchObject({ url: 'https://bots.example.org/tg/b1', pending_update_count: 0, allowed_updates: ['message', 'callback_query'] });
  });

  it('deletes the webhook', async () => {
    await setTelegramWebhook({ apiRoot: fake().url, token: TOKEN, url: 'https://x.example/h', secret: 's' });
    await deleteTelegramWebhook({ apiRoot: fake().url, token: TOKEN });
    expect(fake().webhookOf(TOKEN)).toBeUndefined();
    expect((await getTelegramWebhookInfo({ apiRoot: fake().url, token: TOKEN })).url).toBe('');
  });

  it('checks the secret and the url before calling Telegram', async () => {
    for (const secret of ['', 'has space', 'ü', 'x'.repeat(257)]) {
      await rejection(setTelegramWebhook({ apiRoot: fake().url, token: TOKEN, url: 'https://x.example/h', secret }));
    }
    await rejection(setTelegramWebhook({ apiRoot: fake().url, token: TOKEN, url: 'not a url', secret: 'ok' }));
    await rejection(getTelegramWebhookInfo({ apiRoot: fake().url, token: 'bad' }));
    expect(fake().count()).toBe(0);
  });

  it('reports Bot API refusals with their code and without the token', async () => {
    fake().fail({ method: 'setWebhook', status: 400, description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' });
    const err = await rejection(setTelegramWebhook({ apiRoot: fake().url, token: TOKEN, url: 'http://x.example/h', secret: 'ok' }));
    expect(err.code).toBe(400);
    expect(err.message).toMatch(/HTTPS URL must be provided/);
    fake().fail({ method: 'deleteWebhook', status: 401 });
    expect((await rejection(deleteTelegramWebhook({ apiRoot: fake().url, token: TOKEN }))).code).toBe(401);
  });

  it('reports network errors without the token', async () => {
    const err = await rejection(getTelegramWebhookInfo({ apiRoot: `http://127.0.0.1:${await closedPort()}`, token: TOKEN }));
    expect(err.code).toBe('ECONNREFUSED');
  });
});
