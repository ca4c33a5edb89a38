export { createApp, type AppDeps } from './app.js';
export { errorMiddleware, statusOf } from './errors-middleware.js';
export { mountTelegramWebhook, sameSecret, WEBHOOK_BODY_LIMIT, type TelegramWebhookDeps } from './telegram-webhook.js';
