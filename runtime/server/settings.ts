import { isIP } from 'node:net';
import { join } from 'node:path';
import { LogSettingsError, readLogSettings, type LogSettings } from '../log/index.js';
import { DEFAULT_STREAM_LIMITS, INTAKE_DEFAULTS } from '../http/index.js';

/** Server settings from environment variables; every field has a documented default (README, Configuration). */
export interface Settings {
  /** PORT: where the HTTP server listens. Default 3000. */
  readonly port: number;
  /** HOST: the interface to listen on. Default 0.0.0.0. */
  readonly host: string;
  /** DATABASE_URL: a SQLite file path (or sqlite:PATH), a mongodb:// URI, or memory:. Default data/scenarist.db. */
  readonly databaseUrl: string;
  /** SCENARIST_CONFIG: the file listing bots and their scenarios. Default scenarist.config.json. */
  readonly configFile: string;
  /** DATA_DIR: where the generated development key lives. Default data. */
  readonly dataDir: string;
  /** ENCRYPTION_KEY: encrypts platform tokens at rest (64 hex characters); generated under DATA_DIR when unset. */
  readonly encryptionKey: string | undefined;
  /** TELEGRAM_API_ROOT: the Bot API server. Default https://api.telegram.org. */
  readonly telegramApiRoot: string;
  /** WHATSAPP_API_ROOT: the Graph API. Default https://graph.facebook.com (a fake one in tests). */
  readonly whatsappApiRoot: string;
  /** MESSENGER_API_ROOT: the Graph API for Messenger. Default https://graph.facebook.com (a fake one in tests). */
  readonly messengerApiRoot: string;
  /** TELEGRAM_MODE: 'polling' (development, no public URL) or 'webhook'. Default polling. */
  readonly telegramMode: 'polling' | 'webhook';
  /** TELEGRAM_SENDER: 'direct' (plain keep-alive requests for replies) or 'telegraf' (telegraf's client). Default direct. */
  readonly telegramSender: 'direct' | 'telegraf';
  /** TELEGRAM_WEBHOOK_ANSWER: 'ack' puts a button press's answerCallbackQuery in the webhook's answer; 'off' never. Default ack. */
  readonly telegramWebhookAnswer: 'off' | 'ack';
  /**
   * TELEGRAM_MEDIA_GROUP_MS: how long the parts of an album (a media group) are held after the last one before they
   * reach the dialog as one answer (webhook and polling). Default 600.
   */
  readonly telegramMediaGroupMs: number;
  /**
   * REQUEST_TIMEOUT_MS: the longest a request may take to arrive whole (headers and body); it bounds slow clients and
   * every web chat upload. Default 30000.
   */
  readonly requestTimeoutMs: number;
  /** Logging: BOT_LOG_LEVEL, BOT_LOG_FORMAT, BOT_FILE_LOGGING, BOT_LOG_DIR and more (runtime/log/settings.ts). */
  readonly log: LogSettings;
  /** MAX_LIVE_DIALOGS: live actors kept in memory. Default 10000. */
  readonly maxLiveDialogs: number;
  /** DIALOG_IDLE_SECONDS: an actor idle this long is dropped (its snapshot stays stored). Default 600. */
  readonly dialogIdleSeconds: number;
  /**
   * DELIVERY_LEASE_SECONDS: how long a delivery lease lasts unless renewed; a live process renews it every third of
   * that, so it is how long a crashed process's pending replies wait for another process. Default 10.
   */
  readonly deliveryLeaseSeconds: number;
  /** DELIVERY_MAX_RETRY_WAIT_SECONDS: the longest wait before retrying a send, whatever the platform asks. Default 30. */
  readonly deliveryMaxRetryWaitSeconds: number;
  /** DELIVERY_SWEEP_SECONDS: how often to look for undelivered replies. Default 5. */
  readonly deliverySweepSeconds: number;
  /**
   * AGENDA_SWEEP_SECONDS: how often to look in the store for due timers. Timers written by this process fire on time;
   * one written by another process (or before a restart) at most this late. Default 1.
   */
  readonly agendaSweepSeconds: number;
  /** AGENDA_LEASE_SECONDS: how long a dialog's timers stay claimed by a process that stopped answering. Default 30. */
  readonly agendaLeaseSeconds: number;
  /** CALLS_ALLOW_PRIVATE: 'true' lets scenario calls reach loopback, private and link-local addresses. Default false. */
  readonly callsAllowPrivate: boolean;
  /** DEMO_API: 'on' serves /demo/api/orders/:id, the stand-in business API of the example bot. Default on. */
  readonly demoApi: boolean;
  /** CALLS_ALLOWED_HOSTS: host names (or addresses), comma-separated, whose private addresses calls may reach. Default none. */
  readonly callsAllowedHosts: readonly string[];
  /** CALLS_MAX_BODY_KB: the longest answer a call reads, in KB; a longer one fails the call (too_large). Default 256. */
  readonly callsMaxBodyKb: number;
  /** ADMIN_TOKEN: the bearer token of the admin API, the dashboard and /metrics (16+ characters). Generated under DATA_DIR when unset. */
  readonly adminToken: string | undefined;
  /** WEBCHAT: 'on' serves the web chat at / and its API; 'off' turns it off. Default on. */
  readonly webchat: boolean;
  /** WEBCHAT_RATE_LIMIT: messages a minute one client address may post to the web chat. Default 120. */
  readonly webchatRateLimit: number;
  /** WEBCHAT_STREAMS_PER_ADDRESS: open web chat event streams one client address may hold (429 beyond). Default 20. */
  readonly webchatStreamsPerAddress: number;
  /** WEBCHAT_STREAMS_PER_SESSION: open event streams of one chat session; a new one beyond closes the oldest. Default 3. */
  readonly webchatStreamsPerSession: number;
  /** WEBCHAT_MAX_UPLOAD_BYTES: the largest file the web chat takes (a step's own max_bytes may be smaller). Default 20 MB. */
  readonly webchatMaxUploadBytes: number;
  /** TRUST_PROXY: 'true' behind one reverse proxy: a client's address is the last X-Forwarded-For entry. Default false. */
  readonly trustProxy: boolean;
  /** SCENARIO_REFRESH_SECONDS: how often to look for a scenario version uploaded through another process; 0 never. Default 10. */
  readonly scenarioRefreshSeconds: number;
  /** SQLITE_SYNCHRONOUS: NORMAL (survives a process crash) or FULL (also a power loss). Default NORMAL. */
  readonly sqliteSynchronous: 'NORMAL' | 'FULL';
  /** SQLITE_CACHE_MB: SQLite's page cache (resident memory); pages beyond it are re-read from the OS's file cache. Default 2. */
  readonly sqliteCacheMB: number;
  /**
   * INTAKE_MAX_BACKLOG: dialogs waiting for their replies (plus updates in process) above which Telegram updates
   * wait before they are processed. Default 64.
   */
  readonly intakeMaxBacklog: number;
  /** INTAKE_MAX_WAIT_MS: the longest a webhook waits over the backlog bound before it is answered 503 (at most 25000, under the 30 s request timeout). Default 10000. */
  readonly intakeMaxWaitMs: number;
  /**
   * WEBHOOK_REPLY_WAIT_MS: how long a webhook's answer waits for the update's replies to go out (0: answered once
   * the transition is committed). Default 2000.
   */
  readonly webhookReplyWaitMs: number;
  /** Media: where files users send and files shipped with bots are stored (README, Media). */
  readonly media: MediaSettings;
}

/** The media store and its downloads. */
export interface MediaSettings {
  /** MEDIA_STORE: 'disk' (files under MEDIA_DIR) or 's3' (an S3-compatible bucket). Default disk. */
  readonly store: 'disk' | 's3';
  /** MEDIA_DIR: the disk store's directory. Default `<DATA_DIR>/media`. */
  readonly dir: string;
  /** S3_*: the bucket of MEDIA_STORE=s3 (S3_BUCKET required then). */
  readonly s3: S3Settings | undefined;
  /** MEDIA_RETENTION_DAYS: files last stored longer ago are deleted by an hourly sweep; 0 keeps them. Default 0. */
  readonly retentionDays: number;
  /** MEDIA_FETCH_TIMEOUT_MS: the longest one download from a platform may take. Default 60000. */
  readonly fetchTimeoutMs: number;
}

export interface S3Settings {
  /** S3_ENDPOINT: the server of an S3-compatible store (MinIO, R2...); absent: AWS S3 of S3_REGION. */
  readonly endpoint: string | undefined;
  /** S3_BUCKET. */
  readonly bucket: string;
  /** S3_REGION. Default us-east-1. */
  readonly region: string;
  /** S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY; absent: the SDK's default credentials (environment, instance role). */
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  /** S3_FORCE_PATH_STYLE: 'true' addresses the bucket in the path (MinIO and most self-hosted servers). Default false. */
  readonly forcePathStyle: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new SettingsError(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const hit = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (!hit) throw new SettingsError(`${name}=${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`);
  return hit;
}

function logSettings(env: Env): LogSettings {
  try {
    return readLogSettings(env);
  } catch (err) {
    if (err instanceof LogSettingsError) throw new SettingsError(err.message);
    throw err;
  }
}

function adminToken(env: Env): string | undefined {
  const raw = env['ADMIN_TOKEN']?.trim();
  if (!raw) return undefined;
  if (raw.length < 16 || /\s/.test(raw)) throw new SettingsError('ADMIN_TOKEN: expected at least 16 characters without spaces (try: openssl rand -base64 24)');
  return raw;
}

/** A host name as in a URL (letters, digits, dots, dashes) or an IPv4 address; IPv6 addresses are checked by isIP. */
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A host as CALLS_ALLOWED_HOSTS and a bot's `calls.allowedHosts` take it: lower case, IPv6 without brackets; undefined when it is not one. */
export function normalHost(raw: string): string | undefined {
  const h = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return (h.includes(':') ? isIP(h) === 6 : HOST_NAME.test(h)) ? h : undefined;
}

function allowedHosts(env: Env): readonly string[] {
  const raw = env['CALLS_ALLOWED_HOSTS']?.trim();
  if (!raw) return Object.freeze([]);
  const hosts = raw
    .split(',')
    .map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1'))
    .filter((h) => h !== '');
  const bad = hosts.find((h) => (h.includes(':') ? isIP(h) !== 6 : !HOST_NAME.test(h)));
  if (bad !== undefined) throw new SettingsError(`CALLS_ALLOWED_HOSTS: ${JSON.stringify(bad)} is not a host name or an address (expected a comma-separated list such as crm.internal,10.0.0.5; no scheme, port or path)`);
  return Object.freeze(hosts);
}

/** The CALLS_* settings alone: what the server and `scenarist chat` make scenario calls with. */
export function readCallSettings(env: Env = process.env): Pick<Settings, 'callsAllowPrivate' | 'callsAllowedHosts' | 'callsMaxBodyKb'> {
  return {
    callsAllowPrivate: oneOf(env, 'CALLS_ALLOW_PRIVATE', ['true', 'false'] as const, 'false') === 'true',
    callsAllowedHosts: allowedHosts(env),
    callsMaxBodyKb: integer(env, 'CALLS_MAX_BODY_KB', 256, 1, 65_536),
  };
}

function s3Settings(env: Env): S3Settings {
  const bucket = env['S3_BUCKET']?.trim();
  if (!bucket) throw new SettingsError('MEDIA_STORE=s3 needs S3_BUCKET (and S3_ENDPOINT for a server other than AWS S3)');
  const endpoint = env['S3_ENDPOINT']?.trim() || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) throw new SettingsError(`S3_ENDPOINT=${JSON.stringify(endpoint)}: expected an http(s) URL`);
  const accessKeyId = env['S3_ACCESS_KEY_ID'] || undefined;
  const secretAccessKey = env['S3_SECRET_ACCESS_KEY'] || undefined;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) throw new SettingsError('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither (the SDK then finds credentials itself)');
  return {
    endpoint,
    bucket,
    region: env['S3_REGION'] || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    forcePathStyle: oneOf(env, 'S3_FORCE_PATH_STYLE', ['true', 'false'] as const, 'false') === 'true',
  };
}

/** The MEDIA_* and S3_* settings alone. */
export function readMediaSettings(env: Env = process.env, dataDir = env['DATA_DIR'] || 'data'): MediaSettings {
  const store = oneOf(env, 'MEDIA_STORE', ['disk', 's3'] as const, 'disk');
  return Object.freeze({
    store,
    dir: env['MEDIA_DIR'] || join(dataDir, 'media'),
    s3: store === 's3' ? Object.freeze(s3Settings(env)) : undefined,
    retentionDays: integer(env, 'MEDIA_RETENTION_DAYS', 0, 0, 36_500),
    fetchTimeoutMs: integer(env, 'MEDIA_FETCH_TIMEOUT_MS', 60_000, 1_000, 3_600_000),
  });
}

function whatsappApiRoot(env: Env): string {
  const root = env['WHATSAPP_API_ROOT'] || 'https://graph.facebook.com';
  if (!/^https?:\/\/[^\s/]+/.test(root)) throw new SettingsError(`WHATSAPP_API_ROOT=${JSON.stringify(root)}: expected an http(s) URL`);
  return root.replace(/\/+$/, '');
}

function messengerApiRoot(env: Env): string {
  const root = env['MESSENGER_API_ROOT'] || 'https://graph.facebook.com';
  if (!/^https?:\/\/[^\s/]+/.test(root)) throw new SettingsError(`MESSENGER_API_ROOT=${JSON.stringify(root)}: expected an http(s) URL`);
  return root.replace(/\/+$/, '');
}

export function readSettings(env: Env = process.env): Settings {
  const apiRoot = env['TELEGRAM_API_ROOT'] || 'https://api.telegram.org';
  if (!/^https?:\/\/[^\s/]+/.test(apiRoot)) throw new SettingsError(`TELEGRAM_API_ROOT=${JSON.stringify(apiRoot)}: expected an http(s) URL`);
  return Object.freeze({
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env['HOST'] || '0.0.0.0',
    databaseUrl: env['DATABASE_URL'] || 'data/scenarist.db',
    configFile: env['SCENARIST_CONFIG'] || 'scenarist.config.json',
    dataDir: env['DATA_DIR'] || 'data',
    encryptionKey: env['ENCRYPTION_KEY'] || undefined,
    telegramApiRoot: apiRoot.replace(/\/+$/, ''),
    whatsappApiRoot: whatsappApiRoot(env),
    messengerApiRoot: messengerApiRoot(env),
    telegramMode: oneOf(env, 'TELEGRAM_MODE', ['polling', 'webhook'] as const, 'polling'),
    telegramSender: oneOf(env, 'TELEGRAM_SENDER', ['direct', 'telegraf'] as const, 'direct'),
    telegramWebhookAnswer: oneOf(env, 'TELEGRAM_WEBHOOK_ANSWER', ['off', 'ack'] as const, 'ack'),
    telegramMediaGroupMs: integer(env, 'TELEGRAM_MEDIA_GROUP_MS', 600, 0, 10_000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 30_000, 3_600_000),
    log: logSettings(env),
    maxLiveDialogs: integer(env, 'MAX_LIVE_DIALOGS', 10_000, 1, 10_000_000),
    dialogIdleSeconds: integer(env, 'DIALOG_IDLE_SECONDS', 600, 1, 86_400 * 7),
    deliveryLeaseSeconds: integer(env, 'DELIVERY_LEASE_SECONDS', 10, 1, 3600),
    deliveryMaxRetryWaitSeconds: integer(env, 'DELIVERY_MAX_RETRY_WAIT_SECONDS', 30, 1, 600),
    deliverySweepSeconds: integer(env, 'DELIVERY_SWEEP_SECONDS', 5, 1, 3600),
    agendaSweepSeconds: integer(env, 'AGENDA_SWEEP_SECONDS', 1, 1, 3600),
    agendaLeaseSeconds: integer(env, 'AGENDA_LEASE_SECONDS', 30, 1, 3600),
    ...readCallSettings(env),
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['NORMAL', 'FULL'] as const, 'NORMAL'),
    sqliteCacheMB: integer(env, 'SQLITE_CACHE_MB', 2, 1, 65_536),
    adminToken: adminToken(env),
    webchat: oneOf(env, 'WEBCHAT', ['on', 'off'] as const, 'on') === 'on',
    demoApi: oneOf(env, 'DEMO_API', ['on', 'off'] as const, 'on') === 'on',
    webchatRateLimit: integer(env, 'WEBCHAT_RATE_LIMIT', 120, 1, 1_000_000),
    webchatStreamsPerAddress: integer(env, 'WEBCHAT_STREAMS_PER_ADDRESS', DEFAULT_STREAM_LIMITS.perAddress, 1, 1_000_000),
    webchatStreamsPerSession: integer(env, 'WEBCHAT_STREAMS_PER_SESSION', DEFAULT_STREAM_LIMITS.perSession, 1, 1_000),
    webchatMaxUploadBytes: integer(env, 'WEBCHAT_MAX_UPLOAD_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    trustProxy: oneOf(env, 'TRUST_PROXY', ['true', 'false'] as const, 'false') === 'true',
    scenarioRefreshSeconds: integer(env, 'SCENARIO_REFRESH_SECONDS', 10, 0, 86_400),
    intakeMaxBacklog: integer(env, 'INTAKE_MAX_BACKLOG', INTAKE_DEFAULTS.maxBacklog, 1, 10_000_000),
    intakeMaxWaitMs: integer(env, 'INTAKE_MAX_WAIT_MS', INTAKE_DEFAULTS.maxWaitMs, 0, 25_000),
    webhookReplyWaitMs: integer(env, 'WEBHOOK_REPLY_WAIT_MS', 2_000, 0, 25_000),
    media: readMediaSettings(env),
  });
}

const envSuffix = (botId: string): string => botId.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** TELEGRAM_TOKEN_<BOT ID>: "spec-example" reads TELEGRAM_TOKEN_SPEC_EXAMPLE. */
export const tokenEnvName = (botId: string): string => `TELEGRAM_TOKEN_${envSuffix(botId)}`;
/** TELEGRAM_WEBHOOK_SECRET_<BOT ID>: overrides the secret derived from the token. */
export const webhookSecretEnvName = (botId: string): string => `TELEGRAM_WEBHOOK_SECRET_${envSuffix(botId)}`;

/** The WHATSAPP_*_<BOT ID> variables a bot runs on WhatsApp with (all four are needed). */
export const whatsappEnvNames = (botId: string) =>
  ({
    accessToken: `WHATSAPP_TOKEN_${envSuffix(botId)}`,
    appSecret: `WHATSAPP_APP_SECRET_${envSuffix(botId)}`,
    verifyToken: `WHATSAPP_VERIFY_TOKEN_${envSuffix(botId)}`,
    phoneNumberId: `WHATSAPP_PHONE_NUMBER_ID_${envSuffix(botId)}`,
  }) as const;

export interface WhatsAppCredentials {
  readonly accessToken: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly phoneNumberId: string;
}

/** The MESSENGER_*_<BOT ID> variables a bot runs on Messenger with (all four are needed). */
export const messengerEnvNames = (botId: string) =>
  ({
    pageToken: `MESSENGER_PAGE_TOKEN_${envSuffix(botId)}`,
    appSecret: `MESSENGER_APP_SECRET_${envSuffix(botId)}`,
    verifyToken: `MESSENGER_VERIFY_TOKEN_${envSuffix(botId)}`,
    pageId: `MESSENGER_PAGE_ID_${envSuffix(botId)}`,
  }) as const;

export interface MessengerCredentials {
  readonly pageToken: string;
  readonly appSecret: string;
  readonly verifyToken: string;
  readonly pageId: string;
}

/**
 * A platform's values from the environment by their variable names: all of them when every one is set, and the names
 * missing when only some are (a half-done setup; none missing when none is set).
 */
export function credentialsFromEnv<K extends string>(env: Env, names: Readonly<Record<K, string>>): { readonly values?: Record<K, string>; readonly missing: string[] } {
  const entries = (Object.entries(names) as [K, string][]).map(([field, name]) => [field, name, env[name]?.trim() ?? ''] as const);
  const missing = entries.filter(([, , v]) => v === '').map(([, name]) => name);
  if (missing.length === entries.length) return { missing: [] };
  if (missing.length > 0) return { missing };
  return { values: Object.fromEntries(entries.map(([field, , v]) => [field, v])) as Record<K, string>, missing: [] };
}

/** A bot's WhatsApp credentials when all four variables are set, else undefined. */
export const whatsappCredentials = (env: Env, botId: string): WhatsAppCredentials | undefined => credentialsFromEnv(env, whatsappEnvNames(botId)).values;

/** A bot's Messenger credentials when all four variables are set, else undefined. */
export const messengerCredentials = (env: Env, botId: string): MessengerCredentials | undefined => credentialsFromEnv(env, messengerEnvNames(botId)).values;
