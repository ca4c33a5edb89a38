import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  clearLogContext,
  configureLogging,
  conversationLoggers,
  createLogger,
  currentLogContext,
  getLogger,
  readLogSettings,
  redactRecord,
  redactText,
  setLogContext,
  textLine,
  withLogContext,
} from '../../../runtime/log/index.js';

const TOKEN = '123456789:AAHfakeTokenValue_abcdefghijklmnopqrstu';

function capture(level = 'debug', pii = true) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level, destination, pii }), lines };
}

describe('redaction', () => {
  it('masks bot tokens anywhere, keeping the bot id', () => {
    expect(redactText(`GET https://api.telegram.org/bot${TOKEN}/sendMessage failed`, { pii: false })).toBe(
      'GET https://api.telegram.org/bot123456789:***/sendMessage failed',
    );
  });

  it('masks e-mails and phone numbers unless told not to', () => {
    const text = 'mail ann.lee+bot@example.co.uk or call +1 (555) 123-4567, order 42';
    expect(redactText(text, { pii: true })).toBe('mail [email] or call [phone], order 42');
    expect(redactText(text, { pii: false })).toBe(text);
    expect(redactText('hash c0a0f1234567, id 12345678901234567890', { pii: true })).toBe('hash c0a0f1234567, id 12345678901234567890');
  });

  it('censors secret fields and leaves identifiers alone', () => {
    const record = { platform_chat_id: '5551234567', update_id: '123456789', headers: { 'x-telegram-bot-api-secret-token': 's3cret' }, nested: { token: TOKEN, note: `t=${TOKEN}` } };
    expect(redactRecord(record, { pii: true })).toEqual({
      platform_chat_id: '5551234567',
      update_id: '123456789',
      headers: { 'x-telegram-bot-api-secret-token': '[redacted]' },
      nested: { token: '[redacted]', note: 't=123456789:***' },
    });
  });
});

describe('context', () => {
  it('follows one asynchronous flow and never another', async () => {
    const seen: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((chat, i) =>
        withLogContext({ platform_chat_id: chat }, async () => {
          await sleep(5 * (3 - i));
          setLogContext({ update_id: `u-${chat}` });
          await sleep(1);
          seen.push(`${currentLogContext()?.platform_chat_id}/${currentLogContext()?.update_id}`);
        }),
      ),
    );
    expect(seen.sort()).toEqual(['a/u-a', 'b/u-b', 'c/u-c']);
    expect(currentLogContext()).toBeUndefined();
  });

  it('nests, and clears one field or all', () => {
    withLogContext({ bot_id: 'b' }, () => {
      withLogContext({ platform_chat_id: '1' }, () => {
        expect(currentLogContext()).toEqual({ bot_id: 'b', platform_chat_id: '1' });
        clearLogContext('bot_id');
        expect(currentLogContext()).toEqual({ platform_chat_id: '1' });
        clearLogContext();
        expect(currentLogContext()).toEqual({});
      });
      expect(currentLogContext()).toEqual({ bot_id: 'b' });
    });
  });
});

describe('the logger', () => {
  it('writes the level by name, the context and the event type, redacted', () => {
    const { logger, lines } = capture();
    const getLogger = conversationLoggers(logger);
    withLogContext({ platform_chat_id: '42', update_id: '7' }, () => {
      const log = getLogger({ botId: 'greeter', platform: 'telegram' });
      log.incomingMessage('my mail is ann@example.com');
      log.incomingMessage('hunter2', { sensitive: true, step: 'ask_password' });
      log.stateChange('greet', { from: 'ask_name' });
      log.warning('ADAPTER', `call failed: /bot${TOKEN}/sendMessage`, { err: new Error(`request to /bot${TOKEN}/x failed`) });
      log.debug('CONDITION', 'condition evaluated', { result: true });
    });
    expect(lines.map((l) => [l['level'], l['event_type'], l['bot_id'], l['platform'], l['platform_chat_id'], l['update_id']])).toEqual([
      ['INFO', 'INCOMING', 'greeter', 'telegram', '42', '7'],
      ['INFO', 'INCOMING', 'greeter', 'telegram', '42', '7'],
      ['INFO', 'STATE_CHANGE', 'greeter', 'telegram', '42', '7'],
      ['WARNING', 'ADAPTER', 'greeter', 'telegram', '42', '7'],
      ['DEBUG', 'CONDITION', 'greeter', 'telegram', '42', '7'],
    ]);
    expect(lines[0]!['text']).toBe('my mail is [email]');
    expect(lines[1]!['text']).toBe('***');
    const all = JSON.stringify(lines);
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('AAHfakeTokenValue');
    expect((lines[3]!['err'] as { message: string }).message).toBe('request to /bot123456789:***/x failed');
  });

  it('getLogger gives one conversation logger per bot and platform over the configured process logger', () => {
    const { logger, lines } = capture();
    configureLogging(logger);
    const log = getLogger({ botId: 'greeter', platform: 'telegram' });
    expect(getLogger({ botId: 'greeter', platform: 'telegram' })).toBe(log);
    log.outgoingMessage('hello');
    expect(lines.map((l) => [l['event_type'], l['bot_id'], l['text']])).toEqual([['OUTGOING', 'greeter', 'hello']]);
  });

  it('drops lines below its level', () => {
    const { logger, lines } = capture('warn');
    const log = conversationLoggers(logger)({ botId: 'b', platform: 'p' });
    log.info('PROCESSING', 'not written');
    log.error('ERROR', 'written');
    expect(lines.map((l) => l['msg'])).toEqual(['written']);
  });

  it('renders a readable line for the text format', () => {
    const line = textLine(
      { level: 'INFO', time: '2026-11-24T05:51:29.123Z', event_type: 'INCOMING', bot_id: 'greeter', platform: 'telegram', platform_chat_id: '42', update_id: '7', msg: 'incoming message', text: 'hi there' },
      false,
    );
    expect(line).toBe('05:51:29.123 INFO    INCOMING     greeter/telegram:42 #7 incoming message text="hi there"');
  });
});

describe('settings', () => {
  it('has complete defaults, with the directory depending on a container', () => {
    expect(readLogSettings({}, { cwd: '/srv/bot', container: false })).toEqual({
      level: 'INFO',
      format: 'json',
      fileLogging: false,
      dir: '/srv/bot/logs',
      maxSize: '10m',
      maxFiles: 14,
      maskPii: true,
    });
    expect(readLogSettings({}, { container: true }).dir).toBe('/app/logs');
  });

  it('reads the variables and refuses bad values with the expected form', () => {
    const s = readLogSettings({ BOT_LOG_LEVEL: 'warning', BOT_LOG_FORMAT: 'TEXT', BOT_FILE_LOGGING: 'true', BOT_LOG_DIR: '/var/log/bots', BOT_LOG_MASK_PII: 'false' });
    expect(s).toMatchObject({ level: 'WARNING', format: 'text', fileLogging: true, dir: '/var/log/bots', maskPii: false });
    expect(readLogSettings({ LOG_LEVEL: 'debug' }).level).toBe('DEBUG');
    expect(() => readLogSettings({ BOT_LOG_LEVEL: 'loud' })).toThrow(/DEBUG, INFO, WARNING, ERROR/);
    expect(() => readLogSettings({ BOT_FILE_LOGGING: 'maybe' })).toThrow(/true or false/);
    expect(() => readLogSettings({ BOT_LOG_MAX_SIZE: 'huge' })).toThrow(/10m/);
  });
});
