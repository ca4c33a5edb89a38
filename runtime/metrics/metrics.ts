import type { Middleware } from 'koa';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { DialogEvent } from '../dialogs/index.js';
import { dialogMetrics } from './dialog-metrics.js';
import { httpMetrics } from './http-metrics.js';

export interface MetricsOptions {
  /** Prepended to every metric name, process metrics included. Default `'scenarist_'`. */
  readonly prefix?: string;
  /** Also collect Node process metrics (CPU, memory, event loop, GC). Default `true`. */
  readonly defaultMetrics?: boolean;
  /** Milliseconds from any origin, for HTTP durations. Default `performance.now()`. */
  readonly now?: () => number;
}

export const DEFAULT_METRICS_OPTIONS: Readonly<Required<MetricsOptions>> = Object.freeze({
  prefix: 'scenarist_',
  defaultMetrics: true,
  now: () => performance.now(),
});

/** What `DialogManager.stats` returns. */
export interface ManagerStats {
  readonly liveDialogs: number;
  readonly queuedDialogs: number;
  readonly deliveries: number;
}

export interface Metrics {
  /** This instance's own registry: two servers (or tests) in one process never share series. */
  readonly registry: Registry;
  /** The Content-Type of `text()`, for the /metrics response. */
  readonly contentType: string;
  /** The Prometheus exposition text of every metric. */
  text(): Promise<string>;
  /** A listener for `manager.observe(metrics.observeDialogs)`; needs no binding. */
  readonly observeDialogs: (event: DialogEvent) => void;
  /** Reports the manager's gauges, read at each scrape. A second call replaces the source. */
  trackManager(stats: () => ManagerStats): void;
  /** Koa middleware counting and timing requests by route pattern; mount it before the router. */
  httpMiddleware(): Middleware;
  /** Times a request served outside Koa (the Telegram webhook); call the result with the status answered. */
  startRequest(method: string, route: string): (status: number) => void;
}

export class MetricsPrefixError extends Error {
  constructor(readonly prefix: string) {
    super(`Invalid metrics prefix '${prefix}'. Use letters, digits and underscores, not starting with a digit, e.g. 'scenarist_'.`);
    this.name = 'MetricsPrefixError';
  }
}

/** Metrics on a registry of their own, never prom-client's global one. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const { prefix, defaultMetrics, now } = { ...DEFAULT_METRICS_OPTIONS, ...options };
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$|^$/.test(prefix)) throw new MetricsPrefixError(prefix);
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix });
  const observeDialogs = dialogMetrics(registry, prefix);
  const http = httpMetrics(registry, prefix, now);

  let stats: (() => ManagerStats) | undefined;
  const trackManager = (source: () => ManagerStats): void => {
    // Registered on first use: an untracked manager reports nothing rather than a misleading 0.
    if (!stats) {
      managerGauge(registry, `${prefix}live_dialogs`, 'Dialogs whose last written record this process keeps in memory.', () => stats?.().liveDialogs);
      managerGauge(registry, `${prefix}queued_dialogs`, 'Dialogs with updates waiting in their mailbox.', () => stats?.().queuedDialogs);
      managerGauge(registry, `${prefix}deliveries_in_flight`, 'Deliveries to platforms in progress.', () => stats?.().deliveries);
    }
    stats = source;
  };

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    observeDialogs,
    trackManager,
    httpMiddleware: http.middleware,
    startRequest: http.startRequest,
  };
}

function managerGauge(registry: Registry, name: string, help: string, read: () => number | undefined): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value !== undefined) this.set(value);
    },
  });
}
