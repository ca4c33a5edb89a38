// Public entry point of runtime/metrics: Prometheus metrics of the dialog manager and the HTTP server.

export { createMetrics, DEFAULT_METRICS_OPTIONS, MetricsPrefixError, type ManagerStats, type Metrics, type MetricsOptions } from './metrics.js';
export { CALL_BUCKETS, LATENESS_BUCKETS, TURN_BUCKETS } from './dialog-metrics.js';
export { HTTP_BUCKETS, routeOf, UNMATCHED_ROUTE } from './http-metrics.js';
