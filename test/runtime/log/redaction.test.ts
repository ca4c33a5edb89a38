// The redaction sweep: conversations carry a bot token, e-mails, phone numbers and a sensitive answer through every
// path that logs (incoming text, variables at DEBUG, replies, Bot API failures whose errors quote /bot<token>/,
// thrown errors, webhook refusals); then every sink is scanned: console lines, the rotating log files, the history.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformAdapter } from '../../../runtime/adapters/types.js';
import { TelegramAdapter } from '../../../runtime/adapters/telegram/index.js';
import { createTelegramClient } from '../../../runtime/adapters/telegram/client.js';
import { DialogManager } from '../../../runtime/dialogs/index.js';
import { loggerOptions, readLogSettings } from '../../../runtime/log/index.js';
import { startServer, type RunningServer } from '../../../runtime/server/index.js';
import { openStore, type HistoryEntry, type Store } from '../../../runtime/store/index.js';
import { FakeBotApi } from '../../../runtime/testing/fake-bot-api.js';
import { pressUpdate, textUpdate } from '../../support/server-fixture.js';
import { closedPort } from '../adapters/net-helpers.js';
import { capture, compile, fileLines, SIGNUP, TOKEN, TOKEN_SECRET, waitUntil, type Capture } from './helpers.js';

const SECRET = 'sweep-secret_42';
const EMAIL = 'ann.lee@example.org';
const PHONE = '+1 555 867 5309';
const PASSWORD = 'Sw0rdfish-hunter2';
const NAME = `Ann, mail me at ${EMAIL} or call ${PHONE}; my bot token is ${TOKEN}`;

/** What must never appear in a log line: the token (whole, or its secret part), the e-mail, the phone in any form, the password. */
const FORBIDDEN = [TOKEN, TOKEN_SECRET, EMAIL, 'ann.lee@', PHONE, '5558675309', '555 867 5309', '867 5309', PASSWORD];

const WEBHOOK_CHAT = 4242;

let dir: string;
let logDir: string;
let log: Capture;
let api: FakeBotApi;
let server: RunningServer;
let managerStore: Store;
const rawClientErrors: string[] = [];

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/webhooks/telegram/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** The server, in webhook mode, with replies sent through telegraf's client to the fake Bot API. */
async function serverPart(): Promise<void> {
  const scenario = join(dir, 'signup.json');
  writeFileSync(scenario, JSON.stringify(SIGNUP));
  writeFileSync(join(dir, 'scenarist.config.json'), JSON.stringify({ bots: [{ id: 'signup', scenario }] }));
  api = await FakeBotApi.start();
  server = await startServer({
    logger: log.logger,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: join(dir, 'server.sqlite'),
      DATA_DIR: join(dir, 'data'),
      SCENARIST_CONFIG: join(dir, 'scenarist.config.json'),
      TELEGRAM_API_ROOT: api.url,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_SENDER: 'telegraf',
      // answerCallbackQuery as a Bot API call of its own, so its failure is logged.
      TELEGRAM_WEBHOOK_ANSWER: 'off',
      ENCRYPTION_KEY: 'd'.repeat(64),
      TELEGRAM_TOKEN_SIGNUP: TOKEN,
      TELEGRAM_WEBHOOK_SECRET_SIGNUP: SECRET,
    },
  });

  // A whole conversation: free text carrying the e-mail, phone and token; the e-mail; the phone; the password; a button.
  for (const text of ['/start', NAME, EMAIL, PHONE, PASSWORD]) expect((await post(textUpdate(WEBHOOK_CHAT, text))).status).toBe(200);
  expect((await post(pressUpdate(WEBHOOK_CHAT, 'ok'))).status).toBe(200);
  await api.waitFor((a) => a.texts(WEBHOOK_CHAT).length === 6, 10_000);

  // The Bot API refuses a reply (its description quotes the URL with the token, and an e-mail) and a callback answer.
  api.fail({ method: 'sendMessage', chatId: 4343, status: 400, description: `Bad Request: chat not found (POST /bot${TOKEN}/sendMessage for ${EMAIL})` });
  expect((await post(textUpdate(4343, `/start ${PHONE}`))).status).toBe(200);
  await api.waitFor((a) => a.count('sendMessage') >= 7, 10_000);
  api.fail({ method: 'answerCallbackQuery', status: 400, description: `Bad Request: query is too old for ${PHONE} at /bot${TOKEN}/answerCallbackQuery` });
  expect((await post(pressUpdate(4444, 'ok'))).status).toBe(200);
  await api.waitFor((a) => a.count('answerCallbackQuery') >= 2, 10_000);

  // Refusals: a wrong secret, a malformed body (both carrying secrets).
  expect((await post(textUpdate(4545, PASSWORD), { 'x-telegram-bot-api-secret-token': 'wrong' })).status).toBe(401);
  expect((await post(`{"update_id": 1, x "message": {"text": "${EMAIL} ${TOKEN} ${PHONE}"}}`)).status).toBe(400);

  // A thrown error: the store fails with a message quoting the token, an e-mail and a phone.
  const store = server.store;
  const write = store.writeDialog;
  store.writeDialog = async () => {
    throw new Error(`SQLITE_IOERR writing ${EMAIL} / ${PHONE} for https://api.telegram.org/bot${TOKEN}/sendMessage`);
  };
  try {
    expect((await post(textUpdate(4646, '/start'))).status).toBe(500);
  } finally {
    store.writeDialog = write;
  }
  await waitUntil(() => server.manager.stats.deliveries === 0, 10_000, 'server deliveries');
}

/** The dialog manager on SQLite, with Bot API calls that fail in the telegraf client and adapters that throw raw errors. */
async function managerPart(): Promise<void> {
  const unreachable = `http://127.0.0.1:${await closedPort()}`;
  // Raw telegraf errors, logged as they are: a Bot API error whose description quotes the URL with the token (the
  // error object holds it in its message, description and response), and a network error (telegraf writes
  // [REDACTED] in the URL of those itself).
  api.fail({ method: 'getMe', status: 401, description: `Unauthorized: POST /bot${TOKEN}/getMe by ${EMAIL}` });
  for (const apiRoot of [api.url, unreachable]) {
    try {
      await createTelegramClient(TOKEN, { apiRoot }).getMe();
      throw new Error('getMe should have failed');
    } catch (err) {
      rawClientErrors.push(JSON.stringify({ ...(err as object), message: (err as Error).message, stack: (err as Error).stack }));
      log.logger.error({ event_type: 'ADAPTER', err }, 'a raw telegraf error, logged as it is');
      log.logger.error(err);
      log.logger.warn({ event_type: 'ADAPTER', error: err }, `as a message: ${(err as Error).message}`);
    }
  }

  managerStore = await openStore(join(dir, 'manager.sqlite'));
  const telegram = new TelegramAdapter({ apiRoot: unreachable, sender: 'telegraf', retryDelayMs: 1, timeoutMs: 2000 });
  telegram.addBot('signup', TOKEN);
  const raw = (what: string) =>
    Object.assign(new Error(`request to https://api.telegram.org/bot${TOKEN}/${what} failed: ${EMAIL}`), {
      url: `https://api.telegram.org/bot${TOKEN}/${what}`,
      payload: { text: `call ${PHONE}` },
      cause: new Error(`socket to ${EMAIL} (bot${TOKEN}) reset`),
    });
  // Chat 5151 goes through the telegraf client to a port nobody listens on; chat 5252's sends throw raw errors.
  const adapter: PlatformAdapter = {
    platform: 'telegram',
    methods: telegram.methods,
    parseUpdate: (u, botId) => telegram.parseUpdate(u, botId),
    send: (botId, chatId, message) => (chatId === '5252' ? Promise.reject(raw('sendMessage')) : telegram.send(botId, chatId, message)),
    acknowledge: () => Promise.reject(raw('answerCallbackQuery')),
  };
  const manager = new DialogManager({ store: managerStore, logger: log.logger, delivery: { maxAttempts: 2, backoffMs: 1 }, sleep: async () => undefined });
  manager.registerPlatformAdapter('telegram', adapter);
  manager.registerBot('signup', compile(SIGNUP));
  const send = (update: unknown) => manager.processIncomingMessage({ botId: 'signup', platform: 'telegram', update });
  for (const chat of [5151, 5252]) {
    for (const text of ['/start', NAME, EMAIL, PHONE, PASSWORD]) expect(await send(textUpdate(chat, text))).toMatchObject({ status: 'applied' });
    expect(await send(pressUpdate(chat, 'ok'))).toMatchObject({ status: 'applied' });
  }
  await waitUntil(() => manager.stats.deliveries === 0, 10_000, 'manager deliveries');
  await manager.stop();
  telegram.close();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scenarist-redaction-'));
  logDir = join(dir, 'logs');
  // The logger the server would build from these settings, with its console lines captured.
  const settings = readLogSettings({ BOT_LOG_LEVEL: 'DEBUG', BOT_FILE_LOGGING: 'true', BOT_LOG_DIR: logDir, BOT_LOG_MAX_SIZE: '64k', BOT_LOG_MAX_FILES: '1000' });
  expect(settings.maskPii).toBe(true);
  log = capture(loggerOptions(settings));
  await serverPart();
  await managerPart();
  // Every console line also went to the files (through pino-roll's worker): wait for the last of them.
  await waitUntil(() => fileLines(logDir).length >= log.lines.length, 10_000, 'the log files');
});

afterAll(async () => {
  await server?.close();
  await api?.close();
  await managerStore?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const allLines = () => log.lines;
const find = (pred: (l: Record<string, unknown>) => boolean) => allLines().filter(pred);

describe('redaction sweep', () => {
  it('the secrets really went through the runtime (the sweep is not vacuous)', () => {
    expect(rawClientErrors[0]).toContain(`/bot${TOKEN}/getMe by ${EMAIL}`);
    expect(rawClientErrors[1]).toContain('/bot7012345678:[REDACTED]/getMe');
    const replies = api.texts(WEBHOOK_CHAT);
    expect(replies.join('\n')).toContain(EMAIL);
    expect(replies.join('\n')).toContain(TOKEN);
    expect(replies.at(-2)).toBe(`Thanks ${NAME}! We will write to ${EMAIL} and call +15558675309.`);
  });

  it('no console line holds the token, an e-mail, a phone number or the password', () => {
    const text = log.raw();
    expect(log.lines.length).toBeGreaterThan(100);
    for (const secret of FORBIDDEN) expect(text, secret).not.toContain(secret);
  });

  it('no log file holds them either, and the files hold every console line', () => {
    const lines = fileLines(logDir);
    expect(lines.length).toBe(log.lines.length);
    const text = lines.join('\n');
    for (const secret of FORBIDDEN) expect(text, secret).not.toContain(secret);
    expect(lines.map((l) => JSON.parse(l) as unknown).sort(byJson)).toEqual([...log.lines].sort(byJson));
  });

  it('the history masks the sensitive answer, and the live variables keep it', async () => {
    for (const [store, chat] of [
      [server.store, String(WEBHOOK_CHAT)],
      [managerStore, '5151'],
    ] as const) {
      const key = { botId: 'signup', platform: 'telegram', chatId: chat };
      const history: HistoryEntry[] = await store.history(key);
      const answer = history.find((e) => e.direction === 'in' && e.step === 'ask_password');
      expect(answer).toMatchObject({ text: '***' });
      expect(JSON.stringify(history)).not.toContain(PASSWORD);
      // The other answers are the conversation's record: kept as they were sent.
      expect(history.find((e) => e.direction === 'in' && e.step === 'ask_email')).toMatchObject({ text: EMAIL });
      const state = await store.getDialog(key);
      expect(state!.vars).toMatchObject({ password: PASSWORD, secret_copy: PASSWORD, choice: 'ok' });
    }
  });

  it('the lines that carried secrets are there, masked', () => {
    const at = (chat: number | string) => (l: Record<string, unknown>) => l['platform_chat_id'] === String(chat);
    const webhook = allLines().filter(at(WEBHOOK_CHAT));
    const incoming = webhook.filter((l) => l['event_type'] === 'INCOMING').map((l) => l['text']);
    expect(incoming).toEqual(['/start', 'Ann, mail me at [email] or call [phone]; my bot token is 7012345678:***', '[email]', '[phone]', '***', 'ok']);
    const variables = Object.fromEntries(webhook.filter((l) => l['event_type'] === 'VARIABLE').map((l) => [l['variable'], l['value']]));
    expect(variables).toEqual({
      name: 'Ann, mail me at [email] or call [phone]; my bot token is 7012345678:***',
      email: '[email]',
      phone: '[phone]',
      password: '***',
      secret_copy: '***',
      greeting: 'hello',
      choice: 'ok',
    });
    expect(webhook.find((l) => l['event_type'] === 'CONDITION' && l['step'] === 'check')).toMatchObject({ expression: 'password == "***"', result: false });
    const outgoing = webhook.filter((l) => l['event_type'] === 'OUTGOING');
    expect(outgoing.map((l) => l['seq'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(outgoing[4]).toMatchObject({ level: 'INFO', text: 'Thanks Ann, mail me at [email] or call [phone]; my bot token is 7012345678:***! We will write to [email] and call [phone].' });
    expect(webhook.filter((l) => l['event_type'] === 'STATE_CHANGE').map((l) => `${l['from']}>${l['to']}`)).toEqual([
      'null>ask_name',
      'ask_name>ask_email',
      'ask_email>ask_phone',
      'ask_phone>ask_password',
      'ask_password>confirm',
      'confirm>null',
    ]);
    expect(find((l) => l['event_type'] === 'WEBHOOK' && l['level'] === 'DEBUG' && l['platform_chat_id'] === String(WEBHOOK_CHAT))).toHaveLength(6);
  });

  it('Bot API failures are ADAPTER lines with the token masked in their errors', () => {
    const refused = find((l) => l['event_type'] === 'ADAPTER' && l['msg'] === 'the platform refused a reply: dropped' && l['platform_chat_id'] === '4343');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: 'ERROR', method: 'sendMessage', seq: 1 });
    expect(JSON.stringify(refused[0]!['err'])).toContain('/bot7012345678:***/sendMessage for [email]');
    const ack = find((l) => l['event_type'] === 'ADAPTER' && l['msg'] === 'answerCallbackQuery failed' && l['platform_chat_id'] === '4444');
    expect(ack).toMatchObject([{ level: 'WARNING' }]);
    // The telegraf client's own error (request to http://…/bot<token>/sendMessage failed) on a port nobody serves.
    const network = find((l) => l['event_type'] === 'ADAPTER' && l['platform_chat_id'] === '5151' && String(l['msg']).startsWith('delivery failed'));
    expect(network.length).toBeGreaterThan(0);
    expect(JSON.stringify(network[0]!['err'])).toMatch(/request to http:\/\/127\.0\.0\.1:\d+\/bot7012345678:\[REDACTED\]\/sendMessage failed/);
    // Raw errors thrown by an adapter: message, cause, URL field and payload all masked.
    const rawSend = find((l) => l['event_type'] === 'ADAPTER' && l['platform_chat_id'] === '5252' && l['level'] === 'WARNING');
    expect(JSON.stringify(rawSend)).toContain('bot7012345678:***');
    const rawClient = find((l) => l['msg'] === 'a raw telegraf error, logged as it is');
    expect(rawClient).toHaveLength(2);
    expect(JSON.stringify(rawClient[0])).toContain('/bot7012345678:***/getMe by [email]');
  });

  it('refused and failed webhooks are WEBHOOK lines; the failure is also an ERROR line with its context', () => {
    const webhook = find((l) => l['event_type'] === 'WEBHOOK' && l['level'] !== 'DEBUG');
    expect(webhook.map((l) => [l['level'], l['status']])).toEqual([
      ['WARNING', 401],
      ['WARNING', 400],
      ['ERROR', 500],
    ]);
    const failed = find((l) => l['event_type'] === 'ERROR' && l['msg'] === 'the update could not be processed');
    expect(failed).toMatchObject([{ level: 'ERROR', bot_id: 'signup', platform: 'telegram', platform_chat_id: '4646', dialog_id: 'signup:telegram:4646' }]);
    expect((failed[0]!['err'] as { message: string }).message).toBe('SQLITE_IOERR writing [email] / [phone] for https://api.telegram.org/bot7012345678:***/sendMessage');
  });
});

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
