import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { InspectionEvent } from 'xstate';
import { TelegramAdapter, startTelegramPolling, type TelegramPolling } from '../adapters/telegram/index.js';
import { WhatsAppAdapter } from '../adapters/whatsapp/index.js';
import { MessengerAdapter } from '../adapters/messenger/index.js';
import { WebChatAdapter } from '../adapters/webchat/index.js';
import { envSecrets, HttpCallClient, SECRET_ENV_PREFIX } from '../agenda/index.js';
import { DialogManager } from '../dialogs/index.js';
import { createRequestListener, IntakeGate, SseStreams, WEBCHAT_PLATFORM } from '../http/index.js';
import { openMediaStore, ShippedFiles, startMediaRetention, type MediaStore } from '../media/index.js';
import { createMetrics } from '../metrics/index.js';
import { addSecretValues, configureLogging, createLogger, loggerOptions, type Logger } from '../log/index.js';
import { BotSecrets, loadKeyring } from '../secrets/index.js';
import { openStore, StoreUnavailableError, type Store } from '../store/index.js';
import { loadAdminToken } from './admin-token.js';
import { loadBotsConfig } from './bots-config.js';
import { listenAddress } from './listen-address.js';
import { loadBots, type LoadedBot } from './load-bots.js';
import { acquireProcessIdentity } from './process-identity.js';
import { refreshScenarios } from './scenario-refresh.js';
import { messengerEnvNames, readSettings, tokenEnvName, whatsappEnvNames, type Env, type Settings } from './settings.js';

export interface ServeOptions {
  readonly env?: Env;
  readonly settings?: Settings;
  readonly logger?: Logger;
  readonly clock?: () => number;
  /** Receives the inspection events of every dialog actor (`--inspect`). */
  readonly inspect?: (event: InspectionEvent) => void;
}

export interface RunningServer {
  /** A base URL for clients on this machine, e.g. http://127.0.0.1:3000 (also when every interface is bound). */
  readonly url: string;
  readonly port: number;
  readonly bots: readonly LoadedBot[];
  readonly manager: DialogManager;
  readonly store: Store;
  /** Where files users send and files shipped with bots are kept. */
  readonly media: MediaStore;
  /** The admin API's bearer token (ADMIN_TOKEN, or the generated one). */
  readonly adminToken: string;
  close(): Promise<void>;
}

/**
 * Starts `scenarist serve`: store, bots from the config file, the dialog manager with the Telegram adapter,
 * the Koa app, and long polling for bots in polling mode.
 */
export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const settings = options.settings ?? readSettings(env);
  const logger = options.logger ?? createLogger(loggerOptions(settings.log, Boolean(process.stdout.isTTY) && !env['NO_COLOR']));
  if (!options.logger) configureLogging(logger);
  // The scenarios' secrets are masked in every log line from the start, not only once a call used them.
  addSecretValues(Object.entries(env).flatMap(([name, value]) => (name.startsWith(SECRET_ENV_PREFIX) && value ? [value] : [])));
  const clock = options.clock ?? Date.now;
  const botsConfig = loadBotsConfig(settings.configFile);
  const { keyring, generated, source } = loadKeyring(settings.encryptionKey, join(settings.dataDir, 'encryption.key'));
  if (generated || source === 'file') {
    logger.warn({ keyFile: join(settings.dataDir, 'encryption.key') }, 'ENCRYPTION_KEY is not set: tokens are encrypted with a key kept in the data directory; set ENCRYPTION_KEY in production');
  }
  const store = await openStore(settings.databaseUrl, { sqliteSynchronous: settings.sqliteSynchronous, sqliteCacheKB: settings.sqliteCacheMB * 1024 });
  const identity = acquireProcessIdentity(settings.dataDir);
  let opened: MediaStore | undefined;
  try {
    const media = (opened = await openMediaStore(settings.media.store === 's3' ? { store: 's3', s3: settings.media.s3! } : { store: 'disk', dir: settings.media.dir }));
    // A scenario's files are relative to its file; a version uploaded through the admin API, to the configured file's.
    const scenarioDirs = new Map(botsConfig.bots.map((b) => [b.id, dirname(b.scenario)]));
    const shipped = new ShippedFiles(media, (botId) => scenarioDirs.get(botId));
    const bots = await loadBots(botsConfig.bots, store, keyring, env, logger, clock, shipped);
    const fromEnv = envSecrets(env);
    const callOptions = { maxBodyBytes: settings.callsMaxBodyKb * 1024, secrets: fromEnv };
    // A call's {{secret.NAME}}: SCENARIST_SECRET_<NAME> first, else the bot's encrypted credential secret:<NAME>.
    const botSecrets = new BotSecrets({
      store,
      keyring,
      env: fromEnv,
      clock,
      onEvent: (e) =>
        e.type === 'undecryptable'
          ? logger.error({ botId: e.botId, secret_name: e.name, keyId: e.keyId }, 'a stored secret cannot be decrypted with ENCRYPTION_KEY: calls using it are refused')
          : logger.info({ botId: e.botId, secret_name: e.name, to: e.keyId }, 'a stored secret was encrypted again with the first key of ENCRYPTION_KEY'),
    });
    for (const bot of bots) await botSecrets.rotate(bot.id);
    // A bot whose config allows more private hosts gets a client of its own; the others share one.
    const botCalls = new Map(
      botsConfig.bots
        .filter((b) => b.callsAllowedHosts.length > 0)
        .map((b) => [b.id, new HttpCallClient({ ...callOptions, policy: { allowPrivate: settings.callsAllowPrivate, allowedHosts: [...settings.callsAllowedHosts, ...b.callsAllowedHosts] } })]),
    );
    const manager = new DialogManager({
      store,
      logger,
      clock,
      registry: { maxSize: settings.maxLiveDialogs, idleMs: settings.dialogIdleSeconds * 1000 },
      owner: identity.owner,
      delivery: {
        leaseMs: settings.deliveryLeaseSeconds * 1000,
        sweepMs: settings.deliverySweepSeconds * 1000,
        maxRetryWaitMs: settings.deliveryMaxRetryWaitSeconds * 1000,
      },
      agenda: { sweepMs: settings.agendaSweepSeconds * 1000, leaseMs: settings.agendaLeaseSeconds * 1000 },
      calls: { ...callOptions, policy: { allowPrivate: settings.callsAllowPrivate, allowedHosts: settings.callsAllowedHosts } },
      callsFor: (botId) => botCalls.get(botId),
      secrets: botSecrets,
      media,
      fetchTimeoutMs: settings.media.fetchTimeoutMs,
      shipped,
      ...(options.inspect ? { inspect: options.inspect } : {}),
    });
    const metrics = createMetrics();
    manager.observe(metrics.observeDialogs);
    metrics.trackManager(() => manager.stats);
    const webchat = new WebChatAdapter(undefined, media);
    if (settings.webchat) manager.registerPlatformAdapter(WEBCHAT_PLATFORM, webchat);
    // The adapter reads stored files from the media store to upload them (its `media` option).
    const telegram = new TelegramAdapter({ apiRoot: settings.telegramApiRoot, sender: settings.telegramSender, webhookAnswer: settings.telegramWebhookAnswer, media });
    manager.registerPlatformAdapter('telegram', telegram);
    const whatsapp = new WhatsAppAdapter({ apiRoot: settings.whatsappApiRoot, media });
    manager.registerPlatformAdapter('whatsapp', whatsapp);
    const whatsappSecrets = new Map<string, { appSecret: string; verifyToken: string; phoneNumberId: string }>();
    const messenger = new MessengerAdapter({ apiRoot: settings.messengerApiRoot, media, now: clock });
    manager.registerPlatformAdapter('messenger', messenger);
    const messengerSecrets = new Map<string, { appSecret: string; verifyToken: string; pageId: string }>();
    const secrets = new Map<string, string>();
    const configured = new Map(botsConfig.bots.map((b) => [b.id, b]));
    for (const bot of bots) {
      manager.registerBot(bot.id, bot.config);
      if (bot.telegram) {
        telegram.addBot(bot.id, bot.telegram.token, configured.get(bot.id)?.telegram);
        secrets.set(bot.id, bot.telegram.secret);
      }
      if (bot.whatsapp) {
        whatsapp.addBot(bot.id, { phoneNumberId: bot.whatsapp.phoneNumberId, accessToken: bot.whatsapp.accessToken });
        whatsappSecrets.set(bot.id, { appSecret: bot.whatsapp.appSecret, verifyToken: bot.whatsapp.verifyToken, phoneNumberId: bot.whatsapp.phoneNumberId });
      }
      if (bot.messenger) {
        messenger.addBot(bot.id, { pageId: bot.messenger.pageId, pageToken: bot.messenger.pageToken });
        messengerSecrets.set(bot.id, { appSecret: bot.messenger.appSecret, verifyToken: bot.messenger.verifyToken, pageId: bot.messenger.pageId });
      }
    }
    const admin = loadAdminToken(settings.adminToken, join(settings.dataDir, 'admin.token'));
    const streams = new SseStreams();
    let ready = false;
    const intake = new IntakeGate({ maxBacklog: settings.intakeMaxBacklog, maxWaitMs: settings.intakeMaxWaitMs, backlog: () => manager.backlog, clock });
    const { listener, webhook } = createRequestListener({
      manager,
      store,
      logger,
      clock,
      telegramSecretOf: (id) => secrets.get(id),
      whatsappSecretsOf: (id) => whatsappSecrets.get(id),
      messengerSecretsOf: (id) => messengerSecrets.get(id),
      isReady: () => ready,
      bots: () => bots.map((b) => ({ id: b.id, name: b.name })),
      ...(settings.webchat ? { webchat: { hub: webchat.hub, media, maxUploadBytes: settings.webchatMaxUploadBytes, ratePerMinute: settings.webchatRateLimit, streamLimits: { perAddress: settings.webchatStreamsPerAddress, perSession: settings.webchatStreamsPerSession } } } : {}),
      trustProxy: settings.trustProxy,
      adminToken: admin.token,
      maskPii: settings.log.maskPii,
      demoApi: settings.demoApi,
      metrics,
      streams,
      intake,
      webhookReplyWaitMs: settings.webhookReplyWaitMs,
      telegramMediaGroupMs: settings.telegramMediaGroupMs,
      secrets: botSecrets,
      media,
      shipped,
    });
    const server: Server = createServer(listener).listen(settings.port, settings.host);
    server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
    server.requestTimeout = settings.requestTimeoutMs;
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    manager.start();
    const polls: TelegramPolling[] = [];
    if (settings.telegramMode === 'polling') {
      for (const bot of bots) {
        if (!bot.telegram) continue;
        const poll = await startPolling(bot, bot.telegram.token, settings, manager, logger, intake);
        if (poll) polls.push(poll);
      }
    }
    const stopRetention = startMediaRetention(media, settings.media.retentionDays, logger, clock);
    const stopRefresh = settings.scenarioRefreshSeconds > 0 ? refreshScenarios(bots.map((b) => b.id), manager, store, logger, settings.scenarioRefreshSeconds * 1000) : () => {};
    ready = true;
    const url = `http://${settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host}:${port}`;
    announce(logger, url, listenAddress(settings.host, port).hostPort, bots, settings);
    // Browsers reach a server on all interfaces as localhost.
    announcePages(logger, settings.host === '0.0.0.0' ? `http://localhost:${port}` : url, settings, admin);
    return {
      url,
      port,
      bots,
      manager,
      store,
      media,
      adminToken: admin.token,
      async close() {
        ready = false;
        stopRefresh();
        stopRetention();
        await Promise.all(polls.map((p) => p.stop()));
        intake.close();
        streams.closeAll();
        server.closeIdleConnections();
        // Requests in flight get a grace period; a connection still open after it is cut, so shutdown ends.
        const cut = setTimeout(() => server.closeAllConnections(), 10_000);
        cut.unref();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        clearTimeout(cut);
        // An album held by the webhook was answered already: Telegram will not send it again, so it is handed over.
        await webhook.flush();
        await manager.stop();
        await Promise.all([...botCalls.values()].map((c) => c.close()));
        identity.release();
        await telegram.close();
        await messenger.close();
        await media.close();
        await store.close();
      },
    };
  } catch (err) {
    identity.release();
    await opened?.close();
    await store.close();
    throw err;
  }
}

/**
 * Long polling. An update is retried while the store is unavailable, since the poller moves past it after.
 * A bot Telegram refuses (a set webhook, a revoked token) is logged and left out; the server goes on.
 */
async function startPolling(bot: LoadedBot, token: string, settings: Settings, manager: DialogManager, logger: Logger, intake: IntakeGate): Promise<TelegramPolling | undefined> {
  const started = startTelegramPolling({
    token,
    apiRoot: settings.telegramApiRoot,
    mediaGroups: { windowMs: settings.telegramMediaGroupMs },
    // Over the backlog bound an update waits here; telegraf fetches the next batch only after this one's handlers.
    admit: async () => {
      const admitted = intake.tryEnter() || (await intake.enter(Infinity));
      return admitted ? () => intake.leave() : () => {};
    },
    onUpdate: async (update) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await manager.processIncomingMessage({ botId: bot.id, platform: 'telegram', update });
          return;
        } catch (err) {
          if (!(err instanceof StoreUnavailableError) || attempt >= 10) {
            // The manager logged the failure with the dialog's context; this says the update is given up.
            logger.error({ event_type: 'ERROR', bot_id: bot.id, platform: 'telegram', attempts: attempt, err }, 'a polled update could not be processed: skipped');
            return;
          }
          await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
        }
      }
    },
    onError: (err) => logger.error({ event_type: 'ERROR', bot_id: bot.id, platform: 'telegram', err }, 'a polled update failed'),
  });
  try {
    const poll = await started;
    poll.done.catch((err: unknown) => logger.error({ event_type: 'ADAPTER', bot_id: bot.id, platform: 'telegram', method: 'getUpdates', err }, 'Telegram polling stopped'));
    logger.info({ event_type: 'ADAPTER', bot_id: bot.id, platform: 'telegram', username: poll.botInfo.username }, 'polling Telegram');
    return poll;
  } catch (err) {
    logger.error({ event_type: 'ADAPTER', bot_id: bot.id, platform: 'telegram', err }, 'Telegram polling could not start');
    return undefined;
  }
}

function announcePages(logger: Logger, url: string, settings: Settings, admin: ReturnType<typeof loadAdminToken>): void {
  if (settings.webchat) logger.info({ url }, `web chat: open ${url}/ in a browser to talk to the bots`);
  // The link with a generated token opens the admin API: `serve` prints it on the terminal, never into a log sink.
  const signIn = admin.source === 'env' ? 'sign in with ADMIN_TOKEN' : 'the link with the admin token is printed on the terminal';
  logger.info({ url: `${url}/dashboard` }, `dashboard: ${url}/dashboard (${signIn})`);
  if (admin.source === 'file') logger.warn({ tokenFile: join(settings.dataDir, 'admin.token') }, 'ADMIN_TOKEN is not set: the admin API uses a token generated in the data directory; set ADMIN_TOKEN in production');
}

/** The callback URL of a bot on WhatsApp, or the variables that put it there. */
function announceWhatsApp(logger: Logger, url: string, bot: LoadedBot): void {
  const webhook = `${url}/webhooks/whatsapp/${encodeURIComponent(bot.id)}`;
  if (bot.whatsapp) {
    logger.info({ botId: bot.id, webhook }, `bot "${bot.id}" runs on WhatsApp: in the Meta app, set the callback URL to this path at your public https address, with the verify token, and subscribe to "messages"`);
    return;
  }
  const names = whatsappEnvNames(bot.id);
  logger.info(
    { botId: bot.id, variables: Object.values(names) },
    `bot "${bot.id}" is not on WhatsApp: set ${names.accessToken}, ${names.appSecret}, ${names.verifyToken} and ${names.phoneNumberId} (README, Connect WhatsApp)`,
  );
}

/** The callback URL of a bot on Messenger, or the variables that put it there. */
function announceMessenger(logger: Logger, url: string, bot: LoadedBot): void {
  const webhook = `${url}/webhooks/messenger/${encodeURIComponent(bot.id)}`;
  if (bot.messenger) {
    logger.info({ botId: bot.id, webhook }, `bot "${bot.id}" runs on Messenger: in the Meta app, set the callback URL to this path at your public https address, with the verify token, and subscribe the page to "messages" and "messaging_postbacks"`);
    return;
  }
  const names = messengerEnvNames(bot.id);
  logger.info(
    { botId: bot.id, variables: Object.values(names) },
    `bot "${bot.id}" is not on Messenger: set ${names.pageToken}, ${names.appSecret}, ${names.verifyToken} and ${names.pageId} (README, Connect Messenger)`,
  );
}

function announce(logger: Logger, url: string, listening: string, bots: readonly LoadedBot[], settings: Settings): void {
  logger.info({ url, listening, bots: bots.map((b) => b.id), mode: settings.telegramMode, database: settings.databaseUrl.startsWith('mongodb') ? 'mongodb' : settings.databaseUrl }, 'scenarist is serving');
  for (const bot of bots) announceWhatsApp(logger, url, bot);
  for (const bot of bots) announceMessenger(logger, url, bot);
  for (const bot of bots) {
    if (bot.telegram) {
      if (settings.telegramMode === 'webhook') logger.info({ botId: bot.id, webhook: `${url}/webhooks/telegram/${bot.id}` }, 'webhook mode: register the public URL with `scenarist webhook set`');
      continue;
    }
    logger.info(
      { botId: bot.id, variable: tokenEnvName(bot.id) },
      `bot "${bot.id}" has no Telegram token: create a bot with @BotFather, then run ${tokenEnvName(bot.id)}=<token> npm start (long polling: no public URL needed)`,
    );
  }
}
