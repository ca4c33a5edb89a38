import type { Context, Next } from 'koa';
import { UnknownBotError, UnknownPlatformError, WriteConflictError } from '../dialogs/index.js';
import type { Logger } from '../log/index.js';
import { StoreUnavailableError } from '../store/index.js';

/** An error's HTTP status: ours by class, Koa's and the body parser's by `status`, else 500. */
export function statusOf(err: unknown): number {
  if (err instanceof UnknownBotError || err instanceof UnknownPlatformError) return 404;
  if (err instanceof StoreUnavailableError || err instanceof WriteConflictError) return 503;
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

const LOGGED = Symbol('scenarist.requestLogged');

/** Tells the error middleware that a route already logged this request's failure (webhooks log their own line). */
export function markLogged(ctx: Context): void {
  (ctx.state as Record<symbol, unknown>)[LOGGED] = true;
}

const CODES: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'TOO_MANY_REQUESTS', 503: 'UNAVAILABLE' };

/**
 * Every failure becomes a JSON error with a stable code. Client errors say what was wrong; server errors say
 * nothing about internals. 503 carries Retry-After, so platforms redeliver later.
 */
export function errorMiddleware(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (err) {
      const status = statusOf(err);
      const expose = status < 500 || status === 503;
      const message = expose ? (status === 503 ? 'temporarily unavailable, retry later' : String((err as Error).message ?? 'bad request')) : 'internal error';
      ctx.status = status;
      ctx.body = { error: { code: CODES[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL'), message } };
      // A route may have said how long to wait (the stream limit does); keep it.
      if (status === 503 && !ctx.response.get('Retry-After')) ctx.set('Retry-After', '5');
      if ((ctx.state as Record<symbol, unknown>)[LOGGED]) return;
      const fields = { err, status, method: ctx.method, path: ctx.path };
      if (status >= 500) logger.error(fields, 'request failed');
      else logger.debug(fields, 'request refused');
    }
  };
}
