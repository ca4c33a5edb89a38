import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, MetricsPrefixError, type ManagerStats } from '../../../runtime/metrics/index.js';
import { parseExposition, valueOf } from './exposition.js';

const key = { botId: 'greeter', platform: 'telegram', chatId: '1' };
const names = async (text: Promise<string>) => new Set(parseExposition(await text).map((s) => s.name));

describe('createMetrics', () => {
  it('gives each instance its own registry, never the global one', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false }); // same names again: no "already registered" error
    a.observeDialogs({ type: 'delivered', key, seq: 1 });
    a.observeDialogs({ type: 'delivered', key, seq: 2 });
    b.observeDialogs({ type: 'delivered', key, seq: 1 });
    const labels = { bot: 'greeter', platform: 'telegram' };
    expect(valueOf(parseExposition(await a.text()), 'scenarist_messages_sent_total', labels)).toBe(2);
    expect(valueOf(parseExposition(await b.text()), 'scenarist_messages_sent_total', labels)).toBe(1);
    expect(a.registry).not.toBe(b.registry);
    expect(globalRegistry.getSingleMetric('scenarist_messages_sent_total')).toBeUndefined();
  });

  it('adds process metrics by default, under the prefix', async () => {
    const withDefaults = await names(createMetrics().text());
    expect(withDefaults.has('scenarist_process_cpu_user_seconds_total')).toBe(true);
    expect(withDefaults.has('scenarist_nodejs_heap_size_used_bytes')).toBe(true);
    const without = await names(createMetrics({ defaultMetrics: false }).text());
    expect([...without].filter((n) => n.includes('process_') || n.includes('nodejs_'))).toEqual([]);
  });

  it('applies a custom prefix to every metric', async () => {
    const metrics = createMetrics({ prefix: 'bots_', defaultMetrics: false });
    metrics.observeDialogs({ type: 'skipped', botId: 'greeter', platform: 'telegram', result: 'ignored' });
    const samples = parseExposition(await metrics.text());
    expect(valueOf(samples, 'bots_updates_total', { bot: 'greeter', platform: 'telegram', result: 'ignored' })).toBe(1);
    expect(samples.filter((s) => !s.name.startsWith('bots_'))).toEqual([]);
    expect(metrics.contentType).toBe(metrics.registry.contentType);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('refuses a prefix that would make invalid metric names', () => {
    expect(() => createMetrics({ prefix: 'scenarist-' })).toThrow(MetricsPrefixError);
    expect(() => createMetrics({ prefix: '9bots_' })).toThrowErrorMatchingInlineSnapshot(
      `[MetricsPrefixError: Invalid metrics prefix '9bots_'. Use letters, digits and underscores, not starting with a digit, e.g. 'scenarist_'.]`,
    );
  });
});

describe('trackManager', () => {
  const GAUGES = ['scenarist_live_dialogs', 'scenarist_queued_dialogs', 'scenarist_deliveries_in_flight'];
  const gauges = async (text: Promise<string>) => {
    const samples = parseExposition(await text);
    return GAUGES.map((name) => valueOf(samples, name));
  };

  it('reports nothing before a manager is tracked', async () => {
    expect(await gauges(createMetrics({ defaultMetrics: false }).text())).toEqual([undefined, undefined, undefined]);
  });

  it('reads the stats at scrape time', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let stats: ManagerStats = { liveDialogs: 3, queuedDialogs: 1, deliveries: 2 };
    metrics.trackManager(() => stats);
    expect(await gauges(metrics.text())).toEqual([3, 1, 2]);
    stats = { liveDialogs: 10, queuedDialogs: 0, deliveries: 7 };
    expect(await gauges(metrics.text())).toEqual([10, 0, 7]);
  });

  it('replaces the source on a second call', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.trackManager(() => ({ liveDialogs: 1, queuedDialogs: 1, deliveries: 1 }));
    metrics.trackManager(() => ({ liveDialogs: 5, queuedDialogs: 4, deliveries: 3 }));
    expect(await gauges(metrics.text())).toEqual([5, 4, 3]);
  });
});
