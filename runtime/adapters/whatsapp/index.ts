export { WhatsAppAdapter, WHATSAPP_MEDIA_LIMITS, type WhatsAppAdapterOptions, type WhatsAppBot } from './whatsapp-adapter.js';
export { checkSignature, signBody, answerVerification, type SignatureCheck, type VerificationAnswer } from './webhook.js';
export { parseWhatsAppWebhook, type WhatsAppEvent, type WhatsAppStatus, type WhatsAppWebhook } from './parse.js';
export { renderWhatsApp, splitWhatsApp, buttonLayout, WHATSAPP_LIMITS, LIST_BUTTON_LABEL, type MediaRef, type WhatsAppPayload } from './render.js';
export {
  deliveryErrorOf,
  readGraphError,
  withinServiceWindow,
  windowClosedError,
  SERVICE_WINDOW_MS,
  THROTTLED_CODES,
  MEDIA_FETCH_CODE,
  WINDOW_CLOSED_CODE,
  PAIR_RATE_MS,
  DEFAULT_THROTTLE_MS,
  type GraphError,
} from './errors.js';
export { DEFAULT_GRAPH_ROOT, DEFAULT_GRAPH_VERSION } from './graph-client.js';
