import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import { timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Context, Next } from 'koa';
import type { DialogManager, IncomingResult } from '../dialogs/index.js';
import type { Logger } from '../log/index.js';
import { markLogged, statusOf } from './errors-middleware.js';

export const WEBHOOK_BODY_LIMIT = '1mb';

/**
 * Constant time for a given length: the secret's length is not hidden (Telegram's secrets are 1-256 characters of
 * a public alphabet, and the derived ones always have 43), its content is.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface TelegramWebhookDeps {
  readonly manager: DialogManager;
  /** The secret Telegram must echo for this bot, or undefined when the bot has no Telegram webhook here. */
  readonly secretOf: (botId: string) => string | undefined;
  /** Writes a WEBHOOK line per request: DEBUG when handled, WARNING when refused (4xx), ERROR on 5xx. */
  readonly logger?: Logger;
}

interface WebhookState {
  result?: IncomingResult;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The update_id of a parsed body, when it has one (refusals before the body is read have none). */
function updateIdOf(body: unknown): string | undefined {
  const id = (body as { update_id?: unknown } | null | undefined)?.update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : undefined;
}

/** One WEBHOOK line per request, after it is answered or refused; the error middleware then stays quiet. */
function webhookLog(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const started = performance.now();
    const botId = (ctx as Context & { params: { botId: string } }).params.botId;
    try {
      await next();
      if (!logger.isLevelEnabled('debug')) return;
      const result = (ctx.state as WebhookState).result;
      const chat = result && 'key' in result ? result.key.chatId : undefined;
      logger.debug(
        {
          event_type: 'WEBHOOK',
          bot_id: botId,
          platform: 'telegram',
          platform_chat_id: chat,
          update_id: updateIdOf(ctx.request.body),
          status: ctx.status,
          result: result?.status,
          duration_ms: round(performance.now() - started),
        },
        'webhook handled',
      );
    } catch (err) {
      const status = statusOf(err);
      const fields = {
        event_type: 'WEBHOOK',
        bot_id: botId,
        platform: 'telegram',
        update_id: updateIdOf(ctx.request.body),
        status,
        duration_ms: round(performance.now() - started),
      };
      if (status >= 500) logger.error({ ...fields, err }, 'webhook failed');
      else logger.warn({ ...fields, reason: String((err as Error)?.message ?? err) }, 'webhook refused');
      markLogged(ctx);
      throw err;
    }
  };
}

/**
 * POST /webhooks/telegram/:botId. Checks the bot and the secret before reading the body, so an unauthenticated
 * caller cannot make the server parse a megabyte. Answers once the transition is committed; replies go out after.
 */
export function mountTelegramWebhook(router: Router, deps: TelegramWebhookDeps): void {
  const authenticate = async (ctx: Context, next: Next): Promise<void> => {
    const botId = (ctx as Context & { params: { botId: string } }).params.botId;
    const secret = deps.secretOf(botId);
    if (secret === undefined) {
      ctx.throw(404, deps.manager.hasBot(botId) ? `bot ${JSON.stringify(botId)} has no Telegram token configured here` : `unknown bot ${JSON.stringify(botId)}`);
    }
    const given = ctx.get('x-telegram-bot-api-secret-token');
    if (!sameSecret(given, secret)) ctx.throw(401, 'missing or wrong X-Telegram-Bot-Api-Secret-Token');
    await next();
  };
  const parseBody = bodyParser({ enableTypes: ['json'], jsonLimit: WEBHOOK_BODY_LIMIT, encoding: 'utf-8' });
  const handle = async (ctx: Context): Promise<void> => {
    const botId = (ctx as Context & { params: { botId: string } }).params.botId;
    if (!ctx.is('application/json')) ctx.throw(400, 'the body must be a JSON Telegram update (Content-Type: application/json)');
    const result = await deps.manager.processIncomingMessage({ botId, platform: 'telegram', update: ctx.request.body, answerInline: true });
    (ctx.state as WebhookState).result = result;
    if (result.status === 'invalid') ctx.throw(400, `not a Telegram update: ${result.reason}`);
    ctx.status = 200;
    const answer = result.status === 'applied' || result.status === 'duplicate' ? result.webhookAnswer : undefined;
    if (answer) {
      ctx.body = answer; // an object goes out as application/json: Telegram executes the call
    } else {
      ctx.type = 'text/plain';
      ctx.body = 'ok';
    }
  };
  if (deps.logger) router.post('/webhooks/telegram/:botId', webhookLog(deps.logger), authenticate, parseBody, handle);
  else router.post('/webhooks/telegram/:botId', authenticate, parseBody, handle);
}
