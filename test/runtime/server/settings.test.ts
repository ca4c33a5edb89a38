import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messengerCredentials, messengerEnvNames } from '../../../runtime/server/settings.js';
import { parseBotsConfig, readSettings, SettingsError, tokenEnvName, webhookSecretEnvName, ConfigError } from '../../../runtime/server/index.js';

describe('settings from the environment', () => {
  it('has complete defaults', () => {
    const s = readSettings({});
    expect(s).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: 'data/scenarist.db',
      configFile: 'scenarist.config.json',
      telegramApiRoot: 'https://api.telegram.org',
      telegramMode: 'polling',
      log: expect.objectContaining({ level: 'INFO', format: 'json', fileLogging: false, maxSize: '10m', maxFiles: 14, maskPii: true }),
      maxLiveDialogs: 10_000,
      dialogIdleSeconds: 600,
      deliveryLeaseSeconds: 10,
      deliveryMaxRetryWaitSeconds: 30,
      deliverySweepSeconds: 5,
      telegramSender: 'direct',
      sqliteSynchronous: 'NORMAL',
      sqliteCacheMB: 2,
    });
    expect(readSettings({ SQLITE_CACHE_MB: '16' }).sqliteCacheMB).toBe(16);
    expect(() => readSettings({ SQLITE_CACHE_MB: '0' })).toThrow(SettingsError);
    expect(readSettings({ TELEGRAM_SENDER: 'telegraf', DELIVERY_LEASE_SECONDS: '2' })).toMatchObject({ telegramSender: 'telegraf', deliveryLeaseSeconds: 2 });
    expect(() => readSettings({ TELEGRAM_SENDER: 'grammy' })).toThrow(/direct, telegraf/);
    expect(s.telegramWebhookAnswer).toBe('ack');
    expect(readSettings({ TELEGRAM_WEBHOOK_ANSWER: 'off' }).telegramWebhookAnswer).toBe('off');
    expect(() => readSettings({ TELEGRAM_WEBHOOK_ANSWER: 'all' })).toThrow(SettingsError);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('reads overrides and refuses bad values with the expected form', () => {
    const s = readSettings({ PORT: '8080', TELEGRAM_MODE: 'Webhook', TELEGRAM_API_ROOT: 'http://127.0.0.1:9/', DATABASE_URL: 'mongodb://db/x' });
    expect(s.port).toBe(8080);
    expect(s.telegramMode).toBe('webhook');
    expect(s.telegramApiRoot).toBe('http://127.0.0.1:9');
    expect(s.databaseUrl).toBe('mongodb://db/x');
    expect(() => readSettings({ PORT: 'eighty' })).toThrow(SettingsError);
    expect(() => readSettings({ PORT: '70000' })).toThrow(/from 0 to 65535/);
    expect(() => readSettings({ TELEGRAM_MODE: 'push' })).toThrow(/polling, webhook/);
    expect(() => readSettings({ TELEGRAM_API_ROOT: 'ftp://x' })).toThrow(/http\(s\) URL/);
  });

  it('reads the agenda timing, 1 s sweeps and 30 s leases by default, and refuses bad values', () => {
    expect(readSettings({})).toMatchObject({ agendaSweepSeconds: 1, agendaLeaseSeconds: 30 });
    expect(readSettings({ AGENDA_SWEEP_SECONDS: '5', AGENDA_LEASE_SECONDS: '60' })).toMatchObject({ agendaSweepSeconds: 5, agendaLeaseSeconds: 60 });
    expect(() => readSettings({ AGENDA_SWEEP_SECONDS: '0' })).toThrow(SettingsError);
    expect(() => readSettings({ AGENDA_SWEEP_SECONDS: '0.5' })).toThrow(/AGENDA_SWEEP_SECONDS.*from 1 to 3600/);
    expect(() => readSettings({ AGENDA_LEASE_SECONDS: 'long' })).toThrow(/AGENDA_LEASE_SECONDS/);
  });

  it('reads the call settings: no private addresses, no hosts allowed and 256 KB answers by default; refuses bad values', () => {
    expect(readSettings({})).toMatchObject({ callsAllowPrivate: false, callsAllowedHosts: [], callsMaxBodyKb: 256 });
    expect(readSettings({ CALLS_ALLOW_PRIVATE: 'true', CALLS_ALLOWED_HOSTS: ' CRM.internal , 10.0.0.5,[fd00::1]', CALLS_MAX_BODY_KB: '64' })).toMatchObject({
      callsAllowPrivate: true,
      callsAllowedHosts: ['crm.internal', '10.0.0.5', 'fd00::1'],
      callsMaxBodyKb: 64,
    });
    expect(() => readSettings({ CALLS_ALLOW_PRIVATE: 'yes please' })).toThrow(/CALLS_ALLOW_PRIVATE/);
    expect(() => readSettings({ CALLS_ALLOWED_HOSTS: 'https://crm.internal/api' })).toThrow(/CALLS_ALLOWED_HOSTS/);
    expect(() => readSettings({ CALLS_ALLOWED_HOSTS: 'crm.internal:8080' })).toThrow(/CALLS_ALLOWED_HOSTS/);
    expect(() => readSettings({ CALLS_MAX_BODY_KB: '0' })).toThrow(/CALLS_MAX_BODY_KB/);
  });

  it('reads the album window, 600 ms by default, and refuses what is not a duration from 0 to 10 s', () => {
    expect(readSettings({}).requestTimeoutMs).toBe(30_000);
    expect(readSettings({ REQUEST_TIMEOUT_MS: '300000' }).requestTimeoutMs).toBe(300_000);
    expect(() => readSettings({ REQUEST_TIMEOUT_MS: '1000' })).toThrow(/REQUEST_TIMEOUT_MS/);
    expect(readSettings({}).telegramMediaGroupMs).toBe(600);
    expect(readSettings({ TELEGRAM_MEDIA_GROUP_MS: '1500' }).telegramMediaGroupMs).toBe(1500);
    expect(readSettings({ TELEGRAM_MEDIA_GROUP_MS: '0' }).telegramMediaGroupMs).toBe(0);
    expect(() => readSettings({ TELEGRAM_MEDIA_GROUP_MS: '-1' })).toThrow(/TELEGRAM_MEDIA_GROUP_MS/);
    expect(() => readSettings({ TELEGRAM_MEDIA_GROUP_MS: '20000' })).toThrow(/TELEGRAM_MEDIA_GROUP_MS.*from 0 to 10000/);
  });

  it('reads the web chat stream caps, 20 per address and 3 per session by default', () => {
    expect(readSettings({})).toMatchObject({ webchatStreamsPerAddress: 20, webchatStreamsPerSession: 3 });
    expect(readSettings({ WEBCHAT_STREAMS_PER_ADDRESS: '5', WEBCHAT_STREAMS_PER_SESSION: '1' })).toMatchObject({ webchatStreamsPerAddress: 5, webchatStreamsPerSession: 1 });
    expect(() => readSettings({ WEBCHAT_STREAMS_PER_ADDRESS: '0' })).toThrow(SettingsError);
  });

  it('reads the media settings: the disk under DATA_DIR, kept forever, 60 s downloads by default; S3 needs a bucket', () => {
    expect(readSettings({}).media).toEqual({ store: 'disk', dir: join('data', 'media'), s3: undefined, retentionDays: 0, fetchTimeoutMs: 60_000 });
    expect(readSettings({ DATA_DIR: '/srv/d' }).media.dir).toBe(join('/srv/d', 'media'));
    expect(readSettings({ MEDIA_DIR: '/m', MEDIA_RETENTION_DAYS: '30', MEDIA_FETCH_TIMEOUT_MS: '5000' }).media).toMatchObject({ dir: '/m', retentionDays: 30, fetchTimeoutMs: 5000 });
    expect(readSettings({ MEDIA_STORE: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's', S3_FORCE_PATH_STYLE: 'true' }).media).toMatchObject({
      store: 's3',
      s3: { bucket: 'b', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', accessKeyId: 'k', secretAccessKey: 's', forcePathStyle: true },
    });
    expect(() => readSettings({ MEDIA_STORE: 's3' })).toThrow(/S3_BUCKET/);
    expect(() => readSettings({ MEDIA_STORE: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k' })).toThrow(/S3_SECRET_ACCESS_KEY/);
    expect(() => readSettings({ MEDIA_STORE: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT/);
    expect(() => readSettings({ MEDIA_STORE: 'ftp' })).toThrow(/disk, s3/);
    expect(() => readSettings({ MEDIA_RETENTION_DAYS: '-1' })).toThrow(/MEDIA_RETENTION_DAYS/);
    expect(() => readSettings({ MEDIA_FETCH_TIMEOUT_MS: '10' })).toThrow(/MEDIA_FETCH_TIMEOUT_MS/);
    expect(readSettings({}).webchatMaxUploadBytes).toBe(20 * 1024 * 1024);
    expect(readSettings({ WEBCHAT_MAX_UPLOAD_BYTES: '1048576' }).webchatMaxUploadBytes).toBe(1024 * 1024);
    expect(() => readSettings({ WEBCHAT_MAX_UPLOAD_BYTES: '10' })).toThrow(/WEBCHAT_MAX_UPLOAD_BYTES/);
  });

  it('reads the Messenger credentials of a bot only when all four are set, and MESSENGER_API_ROOT', () => {
    const names = messengerEnvNames('spec-example');
    expect(names).toEqual({ pageToken: 'MESSENGER_PAGE_TOKEN_SPEC_EXAMPLE', appSecret: 'MESSENGER_APP_SECRET_SPEC_EXAMPLE', verifyToken: 'MESSENGER_VERIFY_TOKEN_SPEC_EXAMPLE', pageId: 'MESSENGER_PAGE_ID_SPEC_EXAMPLE' });
    const env = { [names.pageToken]: 'EAAB', [names.appSecret]: 'secret', [names.verifyToken]: 'verify', [names.pageId]: ' 123 ' };
    expect(messengerCredentials(env, 'spec-example')).toEqual({ pageToken: 'EAAB', appSecret: 'secret', verifyToken: 'verify', pageId: '123' });
    expect(messengerCredentials({ ...env, [names.pageId]: '' }, 'spec-example')).toBeUndefined();
    expect(readSettings({}).messengerApiRoot).toBe('https://graph.facebook.com');
    expect(readSettings({ MESSENGER_API_ROOT: 'http://127.0.0.1:9/' }).messengerApiRoot).toBe('http://127.0.0.1:9');
    expect(() => readSettings({ MESSENGER_API_ROOT: 'graph' })).toThrow(SettingsError);
  });

  it('names per-bot variables after the bot id', () => {
    expect(tokenEnvName('spec-example')).toBe('TELEGRAM_TOKEN_SPEC_EXAMPLE');
    expect(webhookSecretEnvName('menu_loop')).toBe('TELEGRAM_WEBHOOK_SECRET_MENU_LOOP');
  });
});

describe('the bots config file', () => {
  it('resolves scenario paths against the file and fills defaults', () => {
    const c = parseBotsConfig({ bots: [{ id: 'greeter', scenario: 'greeter.json' }] }, '/srv/bots/scenarist.config.json');
    expect(c.bots).toEqual([{ id: 'greeter', name: 'greeter', account: 'default', scenario: '/srv/bots/greeter.json', telegram: { groupDialogs: 'member' }, callsAllowedHosts: [] }]);
  });

  it('reads the private hosts the calls of a bot may reach, and refuses what is not a host', () => {
    const c = parseBotsConfig({ bots: [{ id: 'shop', scenario: 's.json', calls: { allowedHosts: ['LocalHost', '[::1]', 'crm.internal'] } }] }, '/c.json');
    expect(c.bots[0]!.callsAllowedHosts).toEqual(['localhost', '::1', 'crm.internal']);
    expect(() => parseBotsConfig({ bots: [{ id: 'a', scenario: 'a.json', calls: { allowedHosts: ['http://crm'] } }] }, '/c.json')).toThrow(/bots\[0\]\.calls\.allowedHosts: "http:\/\/crm"/);
    expect(() => parseBotsConfig({ bots: [{ id: 'a', scenario: 'a.json', calls: { hosts: [] } }] }, '/c.json')).toThrow(/bots\[0\]\.calls: expected/);
  });

  it('reads the Telegram settings of a bot and refuses unknown ones', () => {
    const c = parseBotsConfig({ bots: [{ id: 'quiz', scenario: 'q.json', telegram: { groupDialogs: 'chat' } }] }, '/c.json');
    expect(c.bots[0]!.telegram).toEqual({ groupDialogs: 'chat' });
    expect(() => parseBotsConfig({ bots: [{ id: 'a', scenario: 'a.json', telegram: { groupDialogs: 'everyone' } }] }, '/c.json')).toThrow(/bots\[0\]\.telegram\.groupDialogs/);
    expect(() => parseBotsConfig({ bots: [{ id: 'a', scenario: 'a.json', telegram: { topics: true } }] }, '/c.json')).toThrow(/bots\[0\]\.telegram: unknown field "topics"/);
    expect(() => parseBotsConfig({ bots: [{ id: 'a', scenario: 'a.json', telegram: 'chat' }] }, '/c.json')).toThrow(/bots\[0\]\.telegram: expected an object/);
  });

  it('reports every problem at once', () => {
    let message = '';
    try {
      parseBotsConfig({ bots: [{ id: 'Bad Id', scenario: 'a.json' }, { id: 'ok', scenario: 'b.json', token: '1:x' }, { id: 'ok', scenario: 'c.json' }, { id: 'x' }] }, '/c.json');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('bots[0].id');
    expect(message).toContain('bots[1]: unknown field "token"');
    expect(message).toContain('tokens go in environment variables');
    expect(message).toContain('bots[2].id: "ok" is used twice');
    expect(message).toContain('bots[3].scenario');
    expect(() => parseBotsConfig([], '/c.json')).toThrow(/"bots" array/);
    expect(() => parseBotsConfig({ bots: [] }, '/c.json')).toThrow(/empty/);
  });
});
