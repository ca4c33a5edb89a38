import type { WebhookInfo } from 'telegraf/types';
import { createTelegramClient, TELEGRAM_ALLOWED_UPDATES, type TelegramAgent } from './client.js';
import { toApiError, TelegramApiError } from './errors.js';
import { isTelegramToken } from './token.js';

export interface TelegramBotTarget {
  readonly token: string;
  /** Default https://api.telegram.org. */
  readonly apiRoot?: string;
  readonly agent?: TelegramAgent;
}

export interface SetTelegramWebhookOptions extends TelegramBotTarget {
  readonly url: string;
  /** Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token; 1-256 of A-Z a-z 0-9 _ -. */
  readonly secret: string;
  readonly dropPendingUpdates?: boolean;
  readonly maxConnections?: number;
}

export interface DeleteTelegramWebhookOptions extends TelegramBotTarget {
  readonly dropPendingUpdates?: boolean;
}

export type { WebhookInfo };

const SECRET_RE = /^[A-Za-z0-9_-]{1,256}$/;

function clientFor(target: TelegramBotTarget) {
  if (!isTelegramToken(target.token)) throw new TelegramApiError('not a Telegram bot token (expected <digits>:<secret>)');
  return createTelegramClient(target.token, { apiRoot: target.apiRoot, agent: target.agent });
}

/** Points the bot's updates (messages and button presses only) at `url`. */
export async function setTelegramWebhook(options: SetTelegramWebhookOptions): Promise<void> {
  if (!SECRET_RE.test(options.secret)) throw new TelegramApiError('the webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -');
  try {
    new URL(options.url);
  } catch {
    throw new TelegramApiError(`not a URL: ${options.url}`);
  }
  const telegram = clientFor(options);
  try {
    await telegram.setWebhook(options.url, {
      secret_token: options.secret,
      allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
      drop_pending_updates: options.dropPendingUpdates,
      max_connections: options.maxConnections,
    });
  } catch (err) {
    throw toApiError(err, options.token, 'setWebhook');
  }
}

export async function deleteTelegramWebhook(options: DeleteTelegramWebhookOptions): Promise<void> {
  const telegram = clientFor(options);
  try {
    await telegram.deleteWebhook({ drop_pending_updates: options.dropPendingUpdates });
  } catch (err) {
    throw toApiError(err, options.token, 'deleteWebhook');
  }
}

export async function getTelegramWebhookInfo(options: TelegramBotTarget): Promise<WebhookInfo> {
  const telegram = clientFor(options);
  try {
    return await telegram.getWebhookInfo();
  } catch (err) {
    throw toApiError(err, options.token, 'getWebhookInfo');
  }
}
