import { describe, expect, it } from 'vitest';
import type { DialogEvent, FetchOutcome } from '../../../runtime/dialogs/index.js';
import { createMetrics } from '../../../runtime/metrics/index.js';
import { parseExposition, seriesOf, valueOf } from './exposition.js';

const shop = { botId: 'shop', platform: 'telegram', chatId: 'chat-4711' };
const fetched = (outcome: FetchOutcome, files = 0, bytes = 0): DialogEvent => ({
  type: 'fetch',
  key: shop,
  outcome,
  attempts: 1,
  files,
  bytes,
  stepBefore: 'receipt',
  stepAfter: outcome === 'ok' ? 'thanks' : 'receipt',
  replies: 1,
  durationMs: 5,
});

describe('media metrics', () => {
  it('counts fetches by outcome (not duplicates or deferrals), files and bytes stored, and times each attempt', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    [
      fetched('ok', 2, 5_000_000),
      fetched('too_large'),
      fetched('type'),
      fetched('download'),
      fetched('dropped'),
      fetched('duplicate'),
      fetched('deferred'),
      { type: 'fetch-attempt', key: shop, durationMs: 400, result: 'stored' } as DialogEvent,
      { type: 'fetch-attempt', key: shop, durationMs: 30_000, result: 'failed' } as DialogEvent,
    ].forEach(metrics.observeDialogs);
    const samples = parseExposition(await metrics.text());
    expect(seriesOf(samples, 'scenarist_media_fetches_total')).toEqual([
      { bot: 'shop', outcome: 'ok', value: 1 },
      { bot: 'shop', outcome: 'too_large', value: 1 },
      { bot: 'shop', outcome: 'type', value: 1 },
      { bot: 'shop', outcome: 'download', value: 1 },
      { bot: 'shop', outcome: 'dropped', value: 1 },
    ]);
    expect(valueOf(samples, 'scenarist_media_files_stored_total', { bot: 'shop' })).toBe(2);
    expect(valueOf(samples, 'scenarist_media_bytes_stored_total', { bot: 'shop' })).toBe(5_000_000);
    expect(valueOf(samples, 'scenarist_media_fetch_duration_seconds_count', { bot: 'shop', result: 'stored' })).toBe(1);
    expect(valueOf(samples, 'scenarist_media_fetch_duration_seconds_sum', { bot: 'shop', result: 'failed' })).toBe(30);
    expect(valueOf(samples, 'scenarist_step_entries_total', { bot: 'shop', step: 'thanks' })).toBe(1);
  });
});
