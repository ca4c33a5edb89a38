import Router from '@koa/router';
import Koa from 'koa';
import type { DialogManager } from '../dialogs/index.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { errorMiddleware } from './errors-middleware.js';
import { mountTelegramWebhook } from './telegram-webhook.js';

export interface AppDeps {
  readonly manager: DialogManager;
  readonly store: Store;
  readonly logger: Logger;
  /** The webhook secret of a bot with Telegram configured, else undefined (404). */
  readonly telegramSecretOf: (botId: string) => string | undefined;
  /** Whether startup finished (bots loaded); /readyz is 503 until then. */
  readonly isReady?: () => boolean;
  /** /readyz fails when the store does not answer within this. Default 2 s. */
  readonly readyTimeoutMs?: number;
}

/** The Koa app: Telegram webhooks, liveness and readiness. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  const router = new Router();
  app.silent = true; // errors are logged by errorMiddleware, with context
  app.use(errorMiddleware(deps.logger));

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const ready = deps.isReady?.() ?? true;
    const store = await ping(deps.store, deps.readyTimeoutMs ?? 2_000);
    ctx.status = ready && store === 'ok' ? 200 : 503;
    ctx.body = { status: ctx.status === 200 ? 'ready' : 'not ready', store: { kind: deps.store.kind, status: store }, started: ready };
  });
  mountTelegramWebhook(router, { manager: deps.manager, secretOf: deps.telegramSecretOf, logger: deps.logger });

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
