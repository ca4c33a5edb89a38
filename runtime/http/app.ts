import { mountDemoApi } from './demo-api.js';
import type { RequestListener } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { WebChatHub } from '../adapters/webchat/index.js';
import type { DialogManager } from '../dialogs/index.js';
import type { Logger } from '../log/index.js';
import type { MediaStore } from '../media/index.js';
import type { Metrics } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import type { BotInfo } from './admin-context.js';
import { mountAdmin } from './admin.js';
import type { AdminSecrets } from './admin-secrets.js';
import { errorMiddleware } from './errors-middleware.js';
import { mountPages } from './pages.js';
import { SseStreams } from './sse.js';
import type { StreamLimits } from './stream-quota.js';
import type { IntakeGate } from './intake-gate.js';
import type { ShippedFiles } from '../media/index.js';
import { telegramWebhook, TELEGRAM_WEBHOOK_ROUTE, type TelegramWebhook } from './telegram-webhook.js';
import { mountWebChat } from './webchat-routes.js';
import { whatsappWebhook, type WhatsAppWebhookSecrets } from './whatsapp-webhook.js';
import { messengerWebhook, type MessengerWebhookSecrets } from './messenger-webhook.js';

export interface AppDeps {
  readonly manager: DialogManager;
  readonly store: Store;
  readonly logger: Logger;
  /** The webhook secret of a bot with Telegram configured, else undefined (404). */
  readonly telegramSecretOf: (botId: string) => string | undefined;
  /** The app secret and verify token of a bot running on WhatsApp, else undefined (404). */
  readonly whatsappSecretsOf?: (botId: string) => WhatsAppWebhookSecrets | undefined;
  /** The app secret, verify token and page id of a bot running on Messenger, else undefined (404). */
  readonly messengerSecretsOf?: (botId: string) => MessengerWebhookSecrets | undefined;
  /** Whether startup finished (bots loaded); /readyz is 503 until then. */
  readonly isReady?: () => boolean;
  /** /readyz fails when the store does not answer within this. Default 2 s. */
  readonly readyTimeoutMs?: number;
  readonly clock?: () => number;
  /** The bots the pages and the admin API show, with their names. Default: the manager's bots, named by id. */
  readonly bots?: () => readonly BotInfo[];
  /** The web chat's API (and its live streams); without it the web chat is off. */
  readonly webchat?: {
    readonly hub: WebChatHub;
    readonly pollMs?: number;
    readonly ratePerMinute?: number;
    readonly streamLimits?: StreamLimits;
    /** Uploads and the sessions' files; without it the page takes no files. */
    readonly media?: MediaStore;
    /** WEBCHAT_MAX_UPLOAD_BYTES (default 20 MB). */
    readonly maxUploadBytes?: number;
  };
  /** The admin API and /metrics answer requests bearing this token; without it they are off (404). */
  readonly adminToken?: string;
  /** Mask e-mail addresses and phone numbers in what the admin API returns. */
  readonly maskPii?: boolean;
  readonly metrics?: Metrics;
  /** The bots' secret store behind /api/bots/:botId/secrets; without it those routes are absent. */
  readonly secrets?: AdminSecrets;
  /** Serve the chat page and the dashboard. Default true. */
  readonly pages?: boolean;
  /** Serves the demo API the example bot calls (`DEMO_API`). Default off. */
  readonly demoApi?: boolean;
  /** Open event streams, ended at shutdown. */
  readonly streams?: SseStreams;
  /** Read the client's address from X-Forwarded-For (behind a reverse proxy). */
  readonly trustProxy?: boolean;
  /** Holds Telegram updates while replies fall behind (INTAKE_MAX_BACKLOG). */
  readonly intake?: IntakeGate;
  /** How long a webhook answer waits for the update's replies (WEBHOOK_REPLY_WAIT_MS); 0 or absent: not at all. */
  readonly webhookReplyWaitMs?: number;
  /** How long the parts of an album are held after the last one (TELEGRAM_MEDIA_GROUP_MS); default 600 ms. */
  readonly telegramMediaGroupMs?: number;
  /** Stored files, served to the admin at /api/media/:id. */
  readonly media?: MediaStore;
  /** Files shipped with the bots, stored when the admin API uploads or activates a scenario version. */
  readonly shipped?: ShippedFiles;
}

/**
 * The server's request listener: a Telegram webhook POST goes straight to its handler on node:http (the hot path
 * needs none of Koa's per-request work), everything else to the Koa app.
 */
export function createRequestListener(deps: AppDeps): { readonly app: Koa; readonly listener: RequestListener; readonly webhook: TelegramWebhook } {
  const webhook = telegramWebhook({
    manager: deps.manager,
    secretOf: deps.telegramSecretOf,
    logger: deps.logger,
    intake: deps.intake,
    replyWaitMs: deps.webhookReplyWaitMs,
    ...(deps.telegramMediaGroupMs !== undefined ? { mediaGroups: { windowMs: deps.telegramMediaGroupMs } } : {}),
  });
  const app = koaApp(deps, webhook);
  const koa = app.callback();
  const observe = deps.metrics?.startRequest;
  const whatsapp = whatsappWebhook({ manager: deps.manager, secretsOf: deps.whatsappSecretsOf ?? (() => undefined), logger: deps.logger });
  const messenger = messengerWebhook({ manager: deps.manager, secretsOf: deps.messengerSecretsOf ?? (() => undefined), logger: deps.logger });
  const listener: RequestListener = (req, res) => {
    const botId = webhook.botIdOf(req);
    if (botId !== undefined) {
      void webhook.serve(req, res, botId, observe);
      return;
    }
    const whatsappBot = whatsapp.botIdOf(req);
    if (whatsappBot !== undefined) {
      void whatsapp.serve(req, res, whatsappBot);
      return;
    }
    const messengerBot = messenger.botIdOf(req);
    if (messengerBot === undefined) void koa(req, res);
    else void messenger.serve(req, res, messengerBot);
  };
  return { app, listener, webhook };
}

/**
 * The Koa app: webhooks, the web chat, the admin API, metrics, the pages, liveness and readiness. A server listens
 * with createRequestListener's listener, which serves the Telegram webhook without Koa.
 */
export function createApp(deps: AppDeps): Koa {
  return createRequestListener(deps).app;
}

function koaApp(deps: AppDeps, webhook: TelegramWebhook): Koa {
  // The last X-Forwarded-For entry is the one the proxy added; the ones before it are whatever the client sent,
  // and a client free to choose its address would escape every per-address limit.
  const app = new Koa({ proxy: deps.trustProxy ?? false, maxIpsCount: 1 });
  const router = new Router();
  app.silent = true; // errors are logged by errorMiddleware, with context
  // Metrics first, so they record the status the client finally got.
  if (deps.metrics) app.use(deps.metrics.httpMiddleware());
  app.use(errorMiddleware(deps.logger));
  const bots = deps.bots ?? (() => deps.manager.botIds.map((id) => ({ id, name: id })));
  const streams = deps.streams ?? new SseStreams();

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const ready = deps.isReady?.() ?? true;
    const store = await ping(deps.store, deps.readyTimeoutMs ?? 2_000);
    ctx.status = ready && store === 'ok' ? 200 : 503;
    ctx.body = { status: ctx.status === 200 ? 'ready' : 'not ready', store: { kind: deps.store.kind, status: store }, started: ready };
  });
  // Reached through app.listen() and for URLs only the router matches; the metrics middleware above records it.
  router.post(TELEGRAM_WEBHOOK_ROUTE, async (ctx) => {
    ctx.respond = false;
    await webhook.serve(ctx.req, ctx.res, (ctx.params as { botId: string }).botId);
  });
  if (deps.webchat) mountWebChat(router, { ...deps.webchat, manager: deps.manager, store: deps.store, streams, logger: deps.logger, bots });
  if (deps.adminToken) {
    mountAdmin(router, {
      token: deps.adminToken,
      manager: deps.manager,
      store: deps.store,
      logger: deps.logger,
      bots,
      maskPii: deps.maskPii ?? false,
      clock: deps.clock ?? Date.now,
      streams,
      metrics: deps.metrics,
      secrets: deps.secrets,
      media: deps.media,
      shipped: deps.shipped,
    });
  }
  if (deps.pages ?? true) mountPages(router);
  if (deps.demoApi) mountDemoApi(router);

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

async function ping(store: Store, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([store.ping().then(() => 'ok'), timeout]);
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}
