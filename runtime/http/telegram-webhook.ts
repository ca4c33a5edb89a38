import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { DialogManager } from '../dialogs/index.js';

export const WEBHOOK_BODY_LIMIT = '1mb';

const digests = new Map<string, Buffer>();
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant time whatever the lengths: compares digests, not the strings. The expected side's digest is kept. */
export function sameSecret(given: string, expected: string): boolean {
  let b = digests.get(expected);
  if (!b) {
    b = digest(expected);
    if (digests.size < 1000) digests.set(expected, b);
  }
  return timingSafeEqual(digest(given), b) && given.length === expected.length;
}

export interface TelegramWebhookDeps {
  readonly manager: DialogManager;
  /** The secret Telegram must echo for this bot, or undefined when the bot has no Telegram webhook here. */
  readonly secretOf: (botId: string) => string | undefined;
}

/**
 * POST /webhooks/telegram/:botId. Checks the bot and the secret before reading the body, so an unauthenticated
 * caller cannot make the server parse a megabyte. Answers once the transition is committed; replies go out after.
 */
export function mountTelegramWebhook(router: Router, deps: TelegramWebhookDeps): void {
  const authenticate = async (ctx: Context, next: Next): Promise<void> => {
    const botId = (ctx as Context & { params: { botId: string } }).params.botId;
    const secret = deps.secretOf(botId);
    if (secret === undefined) ctx.throw(404, `unknown bot ${JSON.stringify(botId)}`);
    const given = ctx.get('x-telegram-bot-api-secret-token');
    if (!sameSecret(given, secret)) ctx.throw(401, 'missing or wrong X-Telegram-Bot-Api-Secret-Token');
    await next();
  };
  const parseBody = bodyParser({ enableTypes: ['json'], jsonLimit: WEBHOOK_BODY_LIMIT, encoding: 'utf-8' });
  const handle = async (ctx: Context): Promise<void> => {
    const botId = (ctx as Context & { params: { botId: string } }).params.botId;
    if (!ctx.is('application/json')) ctx.throw(400, 'the body must be a JSON Telegram update (Content-Type: application/json)');
    const result = await deps.manager.processIncomingMessage({ botId, platform: 'telegram', update: ctx.request.body });
    if (result.status === 'invalid') ctx.throw(400, `not a Telegram update: ${result.reason}`);
    ctx.status = 200;
    ctx.type = 'text/plain';
    ctx.body = 'ok';
  };
  router.post('/webhooks/telegram/:botId', authenticate, parseBody, handle);
}
