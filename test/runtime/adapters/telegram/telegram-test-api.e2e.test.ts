import type http from 'node:http';
import type { AddressInfo } from 'node:net';
// The package's default export is typed as a namespace under NodeNext; the named class is the same one.
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedUpdate } from '../../../../runtime/adapters/types.js';
import { startTelegramPolling, TelegramAdapter, type TelegramPolling } from '../../../../runtime/adapters/telegram/index.js';

// telegram-test-api has no retries, no media and no secret header, and a failing webhook crashes it: poll it.
const TOKEN = '999000:e2e_Token-x';

let server: TelegramServer;
let apiRoot: string;
let adapter: TelegramAdapter;
let polling: TelegramPolling;
const parsed: ParsedUpdate[] = [];
const handlerErrors: Error[] = [];

beforeAll(async () => {
  server = new TelegramServer({ host: '127.0.0.1' });
  // Its config turns port 0 into 9000; listen on an ephemeral port and fix the URL it hands to clients.
  server.config.port = 0;
  await server.start();
  const { port } = (server as unknown as { server: http.Server }).server.address() as AddressInfo;
  apiRoot = `http://127.0.0.1:${port}`;
  server.config.apiURL = apiRoot;

  adapter = new TelegramAdapter({ apiRoot });
  adapter.addBot('e2e', TOKEN);
  polling = await startTelegramPolling({
    token: TOKEN,
    apiRoot,
    onError: (error) => handlerErrors.push(error),
    onUpdate: async (update) => {
      const p = adapter.parseUpdate(update, 'e2e');
      parsed.push(p);
      if (p.kind !== 'message') return;
      if (p.ackId !== undefined) await adapter.acknowledge('e2e', p.ackId);
      const text = p.message.press !== undefined ? `pressed ${p.message.press}` : `echo ${p.message.text ?? ''} ${p.message.user?.first_name ?? ''}`;
      await adapter.send('e2e', p.chatId, {
        text,
        buttons: [
          { text: 'Yes', value: 'yes' },
          { text: 'No', value: 'no' },
        ],
      });
    },
  });
});

afterAll(async () => {
  await polling.stop();
  adapter.close();
  await server.stop();
});

describe('against telegram-test-api', () => {
  it('delivers a reply with an inline keyboard to a polled message, then a button press', async () => {
    const client = server.getClient(TOKEN, { timeout: 10_000, firstName: 'Ann', chatId: 55, userId: 55 });
    await client.sendMessage(client.makeMessage('hi'));
    const first = await client.getUpdates();
    expect(first.result).toHaveLength(1);
    const reply = first.result[0]!.message as { chat_id: unknown; text: string; reply_markup: unknown };
    expect(reply.text).toBe('echo hi Ann');
    expect(String(reply.chat_id)).toBe('55');
    expect(reply.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }], [{ text: 'No', callback_data: 'no' }]] });

    await client.sendCallback(client.makeCallbackQuery('yes'));
    const second = await client.getUpdates();
    expect((second.result[0]!.message as { text: string }).text).toBe('pressed yes');

    const messages = parsed.filter((p) => p.kind === 'message');
    expect(messages.map((p) => p.message)).toEqual([
      { text: 'hi', user: expect.objectContaining({ id: 55, first_name: 'Ann' }) },
      { press: 'yes', user: expect.objectContaining({ id: 55 }) },
    ]);
    expect(messages[1]).toMatchObject({ chatId: '55', ackId: expect.any(String) });
    expect(handlerErrors).toEqual([]);
  });
});
