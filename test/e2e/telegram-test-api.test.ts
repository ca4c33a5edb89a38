/**
 * End to end through telegraf against telegram-test-api, a third-party Bot API emulator: `startServer` (SQLite,
 * long polling, since the emulator sends no secret header) runs the spec example for a user of the emulator.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../runtime/server/index.js';
import { captureLogger } from '../support/capture-logger.js';

const TOKEN = '777000:e2eServerToken_abcdefghijkl';
let emulator: TelegramServer;
let server: RunningServer;

beforeAll(async () => {
  emulator = new TelegramServer({ host: '127.0.0.1' });
  emulator.config.port = 0;
  await emulator.start();
  const { port } = (emulator as unknown as { server: http.Server }).server.address() as AddressInfo;
  emulator.config.apiURL = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-e2e-'));
  writeFileSync(join(dir, 'bots.json'), JSON.stringify({ bots: [{ id: 'greeter', scenario: resolve('examples/spec-example.json') }] }));
  server = await startServer({
    logger: captureLogger('warn').logger,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      SCENARIST_CONFIG: join(dir, 'bots.json'),
      DATABASE_URL: join(dir, 'db.sqlite'),
      DATA_DIR: join(dir, 'data'),
      TELEGRAM_API_ROOT: emulator.config.apiURL,
      TELEGRAM_TOKEN_GREETER: TOKEN,
    },
  });
});

afterAll(async () => {
  await server.close();
  await emulator.stop();
});

type BotMessage = { text: string; reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } };

describe('a user of the Telegram emulator talks to the spec example', () => {
  it('goes through the whole conversation, with buttons', async () => {
    const client = emulator.getClient(TOKEN, { timeout: 10_000, firstName: 'Ann', chatId: 31, userId: 31 });
    const replies: BotMessage[] = [];
    const until = async (n: number): Promise<void> => {
      while (replies.length < n) {
        const r = await client.getUpdates();
        replies.push(...r.result.map((u) => u.message as BotMessage));
      }
    };
    await client.sendMessage(client.makeMessage('/start'));
    await until(2);
    await client.sendMessage(client.makeMessage('Ann'));
    await until(3);
    expect(replies[2]!.reply_markup!.inline_keyboard.flat().map((b) => b.callback_data)).toEqual(['more_info', 'end']);
    await client.sendCallback(client.makeCallbackQuery('more_info'));
    await until(5);
    expect(replies.map((m) => m.text)).toEqual([
      'Welcome to our bot!',
      "What's your name?",
      'Nice to meet you, Ann!',
      'This bot was built with Scenarist: a JSON scenario compiled into a state machine.',
      'Goodbye, Ann!',
    ]);
    const state = await server.store.getDialog({ botId: 'greeter', platform: 'telegram', chatId: '31' });
    expect(state).toMatchObject({ rev: 3, status: 'ended', vars: { name: 'Ann', choice: 'more_info' } });
  });
});
