export { createApp, type AppDeps } from './app.js';
export { bearerAuth, sameToken } from './admin-auth.js';
export type { BotInfo } from './admin-context.js';
export { errorMiddleware, statusOf } from './errors-middleware.js';
export { CONTENT_SECURITY_POLICY } from './pages.js';
export { SseStreams } from './sse.js';
export { DEFAULT_STREAM_LIMITS, type StreamLimits } from './stream-quota.js';
export { mountTelegramWebhook, sameSecret, WEBHOOK_BODY_LIMIT, type TelegramWebhookDeps } from './telegram-webhook.js';
export { WEBCHAT_PLATFORM } from './webchat-routes.js';
