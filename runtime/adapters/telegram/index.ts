export { TelegramAdapter, type TelegramAdapterOptions, type TelegramBotOptions, type WebhookAnswerMode } from './telegram-adapter.js';
export { parseTelegramUpdate, MAX_TEXT_LENGTH, type ParseUpdateOptions } from './parse-update.js';
export { encodeAddress, decodeAddress, GROUP_DIALOGS, DEFAULT_GROUP_DIALOGS, type TelegramAddress, type GroupDialogs } from './address.js';
export { splitText, TELEGRAM_TEXT_LIMIT } from './split-text.js';
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
export {
  MediaGroupBuffer,
  MediaGroupUpdate,
  isMediaGroup,
  mediaGroupUpdateId,
  DEFAULT_MEDIA_GROUP_WINDOW_MS,
  DEFAULT_MEDIA_GROUP_MAX_WAIT_MS,
  type MediaGroupOptions,
} from './media-group.js';
export { TELEGRAM_DOWNLOAD_LIMIT, TELEGRAM_PHOTO_UPLOAD_LIMIT, TELEGRAM_UPLOAD_LIMIT, TELEGRAM_CAPTION_LIMIT } from './telegram-media.js';
