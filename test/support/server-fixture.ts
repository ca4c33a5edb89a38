import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer } from '../../runtime/server/index.js';
import { FakeBotApi } from '../../runtime/testing/fake-bot-api.js';
import { captureLogger } from './capture-logger.js';

export const TOKEN = '123456:AAHfakeTokenForTests_abcdefghijklmnop';
export const SECRET = 'test-secret_123';

export interface ServerFixture {
  readonly server: RunningServer;
  readonly api: FakeBotApi;
  readonly lines: Record<string, unknown>[];
  readonly dir: string;
  post(body: unknown, headers?: Record<string, string>, bot?: string): Promise<Response>;
  close(): Promise<void>;
}

/** A real server (SQLite in a temp dir, webhook mode) talking to a fake Bot API. */
export async function serverFixture(extraEnv: Record<string, string> = {}, greeter: Record<string, unknown> = {}): Promise<ServerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-http-'));
  const config = join(dir, 'scenarist.config.json');
  // `greeter` adds fields to (or replaces the scenario of) the greeter bot's entry.
  const bots = [{ id: 'greeter', scenario: resolve('examples/spec-example.json'), ...greeter }, { id: 'no-token', scenario: resolve('examples/menu-loop.scn') }];
  writeFileSync(config, JSON.stringify({ bots }));
  const api = await FakeBotApi.start();
  const { logger, lines } = captureLogger('debug');
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: join(dir, 'db.sqlite'),
    DATA_DIR: join(dir, 'data'),
    SCENARIST_CONFIG: config,
    TELEGRAM_API_ROOT: api.url,
    TELEGRAM_MODE: 'webhook',
    ENCRYPTION_KEY: 'c'.repeat(64),
    TELEGRAM_TOKEN_GREETER: TOKEN,
    TELEGRAM_WEBHOOK_SECRET_GREETER: SECRET,
    ...extraEnv,
  };
  const server = await startServer({ env, logger });
  const post = (body: unknown, headers: Record<string, string> = {}, bot = 'greeter') =>
    fetch(`${server.url}/webhooks/telegram/${bot}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    server,
    api,
    lines,
    dir,
    post,
    async close() {
      await server.close();
      await api.close();
    },
  };
}

let nextUpdate = 1000;
const from = (chat: number) => ({ id: chat, is_bot: false, first_name: `User${chat}`, username: `user${chat}` });

export function textUpdate(chat: number, text: string, updateId = nextUpdate++): Record<string, unknown> {
  return { update_id: updateId, message: { message_id: updateId, from: from(chat), chat: { id: chat, type: 'private' }, date: 1_700_000_000, text } };
}

export function pressUpdate(chat: number, data: string, updateId = nextUpdate++): Record<string, unknown> {
  return {
    update_id: updateId,
    callback_query: { id: `cb${updateId}`, from: from(chat), chat_instance: '1', data, message: { message_id: 1, chat: { id: chat, type: 'private' }, date: 1_700_000_000, text: 'x' } },
  };
}
