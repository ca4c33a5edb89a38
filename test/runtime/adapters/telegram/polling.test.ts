import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { setTelegramWebhook, startTelegramPolling, WEBHOOK_IS_SET } from '../../../../runtime/adapters/telegram/index.js';
import { apiRejection, useFakeBotApi } from './fake-api-fixture.js';

const SECRET = 'poll_Secret-1';
const TOKEN = `5150:${SECRET}`;

const fake = useFakeBotApi();
const rejection = (promise: Promise<unknown>) => apiRejection(promise, SECRET);

describe('startTelegramPolling', () => {
  it('passes each raw update to onUpdate once, with one getMe up front', async () => {
    const seen: unknown[] = [];
    const polling = await startTelegramPolling({ token: TOKEN, apiRoot: fake().url, onUpdate: async (u) => void seen.push(u) });
    try {
      expect(polling.botInfo).toMatchObject({ id: 5150, is_bot: true });
      const first = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 9, type: 'private' }, text: 'hi' } };
      fake().pushUpdate(TOKEN, first);
      await fake().waitFor(() => seen.length === 1);
      fake().pushUpdate(TOKEN, { update_id: 2, callback_query: { id: 'q', from: { id: 9 }, data: 'yes', message: { chat: { id: 9 } } } });
      await fake().waitFor(() => seen.length === 2);
      expect(seen[0]).toEqual(first);
      expect(seen[1]).toMatchObject({ update_id: 2, callback_query: { data: 'yes' } });
      expect(fake().count('getMe')).toBe(1);
      // Asks only for the update kinds the runtime handles.
      expect(fake().calls.find((c) => c.method === 'getUpdates')!.payload['allowed_updates']).toEqual(['message', 'callback_query']);
    } finally {
      await polling.stop();
    }
    await expect(polling.done).resolves.toBeUndefined();
    expect(seen).toHaveLength(2);
    // telegraf confirms the handled updates when it stops.
    expect(fake().calls.at(-1)).toMatchObject({ method: 'getUpdates', payload: { offset: 3, limit: 1 } });
  });

  it('reports a failing handler and goes on polling', async () => {
    const errors: [Error, unknown][] = [];
    const handled: number[] = [];
    const polling = await startTelegramPolling({
      token: TOKEN,
      apiRoot: fake().url,
      onUpdate: async (u) => {
        const id = (u as { update_id: number }).update_id;
        if (id === 1) throw new Error(`failed at /bot${TOKEN}/x`);
        handled.push(id);
      },
      onError: (error, update) => errors.push([error, update]),
    });
    try {
      fake().pushUpdate(TOKEN, { update_id: 1, message: { chat: { id: 1 }, text: 'a' } });
      await fake().waitFor(() => errors.length === 1);
      fake().pushUpdate(TOKEN, { update_id: 2, message: { chat: { id: 1 }, text: 'b' } });
      await fake().waitFor(() => handled.length === 1);
    } finally {
      await polling.stop();
    }
    expect(handled).toEqual([2]);
    expect(errors[0]![0].message).toBe('failed at /bot5150:***/x');
    expect(errors[0]![1]).toMatchObject({ update_id: 1 });
  });

  it('uses a given agent', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const polling = await startTelegramPolling({ token: TOKEN, apiRoot: fake().url, agent, onUpdate: async () => undefined });
    await fake().waitFor((a) => a.count('getUpdates') === 1);
    expect(Object.values(agent.sockets).flat()).toHaveLength(1);
    await polling.stop();
    agent.destroy();
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const polling = await startTelegramPolling({ token: TOKEN, apiRoot: fake().url, signal: controller.signal, onUpdate: async () => undefined });
    await fake().waitFor((a) => a.count('getUpdates') === 1);
    controller.abort();
    await expect(polling.done).resolves.toBeUndefined();
    await polling.stop();
  });

  it('fails clearly when a webhook is set', async () => {
    await setTelegramWebhook({ apiRoot: fake().url, token: TOKEN, url: 'https://example.org/hook', secret: 's3cret' });
    const polling = await startTelegramPolling({ token: TOKEN, apiRoot: fake().url, onUpdate: async () => undefined });
    const err = await rejection(polling.done);
    expect(err.code).toBe(409);
    expect(err.message).toContain(WEBHOOK_IS_SET);
    // The webhook is left alone (telegraf's launch() would have deleted it).
    expect(fake().webhookOf(TOKEN)?.url).toBe('https://example.org/hook');
    expect(fake().count('deleteWebhook')).toBe(0);
    await polling.stop();
  });

  it('fails clearly when another process polls', async () => {
    fake().fail({ method: 'getUpdates', status: 409 });
    const polling = await startTelegramPolling({ token: TOKEN, apiRoot: fake().url, onUpdate: async () => undefined });
    const err = await rejection(polling.done);
    expect(err.message).toMatch(/another process is polling/);
  });

  it('rejects a refused token at start', async () => {
    fake().fail({ method: 'getMe', status: 401 });
    const err = await rejection(startTelegramPolling({ token: TOKEN, apiRoot: fake().url, onUpdate: async () => undefined }));
    expect(err.code).toBe(401);
    expect(err.message).toMatch(/rejected the bot token/);
  });

  it('rejects a malformed token without a call', async () => {
    await rejection(startTelegramPolling({ token: 'nonsense', apiRoot: fake().url, onUpdate: async () => undefined }));
    expect(fake().count()).toBe(0);
  });
});
