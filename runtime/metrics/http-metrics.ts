import type { Context, Middleware } from 'koa';
import { Counter, Histogram, type Registry } from 'prom-client';
// The module itself, not runtime/http's index: that index pulls in the app, which may mount these metrics.
import { statusOf } from '../http/errors-middleware.js';

/** Route label of a request no router route matched (404, 405, static files). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Request durations run from a health check (a millisecond) to a webhook waiting on a slow store. */
export const HTTP_BUCKETS: readonly number[] = Object.freeze([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

// Clients choose the method; others are counted as OTHER so a scanner cannot create new series.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route pattern @koa/router matched (`/webhooks/telegram/:botId`), never the raw URL: one series per route,
 * however many bots, chats or scanners call. @koa/router 15 sets `_matchedRoute` (and `routerPath`) on the context.
 */
export function routeOf(ctx: Context): string {
  const route = (ctx as Context & { _matchedRoute?: string | RegExp })._matchedRoute;
  if (typeof route === 'string' && route !== '') return route;
  if (route instanceof RegExp) return String(route);
  return UNMATCHED_ROUTE;
}

export interface HttpMetrics {
  /** Koa middleware counting requests and timing them. Mount it first, so it sees the status the client gets. */
  readonly middleware: () => Middleware;
  /** Starts timing a request served outside Koa; the function returned records it with the status answered. */
  readonly startRequest: (method: string, route: string) => (status: number) => void;
}

export function httpMetrics(registry: Registry, prefix: string, now: () => number): HttpMetrics {
  const requests = new Counter<'method' | 'route' | 'status'>({
    name: `${prefix}http_requests_total`,
    help: 'HTTP requests answered, by route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const seconds = new Histogram<'method' | 'route'>({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP request duration, by route pattern.',
    labelNames: ['method', 'route'],
    buckets: [...HTTP_BUCKETS],
    registers: [registry],
  });
  const record = (method: string, route: string, status: number, start: number): void => {
    const labels = { method: METHODS.has(method) ? method : 'OTHER', route };
    requests.inc({ ...labels, status: String(status) });
    seconds.observe(labels, (now() - start) / 1000);
  };

  const middleware = (): Middleware => async (ctx, next) => {
    const start = now();
    let status: number | undefined;
    try {
      await next();
    } catch (err) {
      // Mounted inside the error middleware: label with the status that middleware will answer.
      status = statusOf(err);
      throw err;
    } finally {
      record(ctx.method, routeOf(ctx), status ?? ctx.status, start);
    }
  };
  const startRequest = (method: string, route: string) => {
    const start = now();
    return (status: number) => record(method, route, status, start);
  };
  return { middleware, startRequest };
}
