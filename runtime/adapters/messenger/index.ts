export { MessengerAdapter, MESSENGER_ATTACHMENT_LIMIT, type MessengerAdapterOptions, type MessengerBot } from './messenger-adapter.js';
export { parseMessengerWebhook, type MessengerEvent, type MessengerWebhook } from './parse.js';
export { renderMessenger, splitMessenger, messengerLayout, MESSENGER_LIMITS, type AttachmentRef, type MessengerMessage } from './render.js';
export {
  messengerDeliveryError,
  messagingTypeOf,
  THROTTLED_CODES,
  TEMPORARY_CODES,
  USER_UNAVAILABLE_CODE,
  WINDOW_CLOSED,
  MESSAGE_TAGS,
  MESSENGER_WINDOW_MS,
  DEFAULT_THROTTLE_MS,
} from './errors.js';
