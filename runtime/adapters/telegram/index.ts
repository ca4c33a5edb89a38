export { TelegramAdapter, type TelegramAdapterOptions } from './telegram-adapter.js';
export { parseTelegramUpdate, MAX_TEXT_LENGTH } from './parse-update.js';
export {
  setTelegramWebhook,
  deleteTelegramWebhook,
  getTelegramWebhookInfo,
  type TelegramBotTarget,
  type SetTelegramWebhookOptions,
  type DeleteTelegramWebhookOptions,
  type WebhookInfo,
} from './webhook-admin.js';
export { startTelegramPolling, WEBHOOK_IS_SET, type TelegramPolling, type TelegramPollingOptions } from './polling.js';
export { TelegramApiError, DEFAULT_RETRY_MS } from './errors.js';
export { DEFAULT_API_ROOT, TELEGRAM_ALLOWED_UPDATES, createKeepAliveAgent, type TelegramAgent } from './client.js';
export { isTelegramToken, redactToken } from './token.js';
