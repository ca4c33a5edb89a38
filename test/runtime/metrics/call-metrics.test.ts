import { describe, expect, it } from 'vitest';
import type { CallOutcome, DialogEvent } from '../../../runtime/dialogs/index.js';
import { createMetrics } from '../../../runtime/metrics/index.js';
import { parseExposition, seriesOf, valueOf } from './exposition.js';

const shop = { botId: 'shop', platform: 'telegram', chatId: 'chat-4711' };
const call = (outcome: CallOutcome, steps: [string | null, string | null] = ['lookup', 'shown']): DialogEvent => ({
  type: 'call',
  key: shop,
  outcome,
  attempts: 1,
  stepBefore: steps[0],
  stepAfter: steps[1],
  replies: 1,
  durationMs: 5,
});
const attempt = (durationMs: number): DialogEvent => ({ type: 'call-attempt', key: shop, durationMs, status: 200 });

describe('call metrics', () => {
  it('counts calls by the outcome their dialog got (not duplicates or deferrals), and times each attempt in seconds', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    [call('ok'), call('ok'), call('timeout', ['lookup', 'sorry']), call('dropped'), call('duplicate'), call('deferred'), call('interrupted', ['lookup', null]), attempt(40), attempt(2500)].forEach(
      metrics.observeDialogs,
    );
    const samples = parseExposition(await metrics.text());
    expect(seriesOf(samples, 'scenarist_calls_total')).toEqual([
      { bot: 'shop', outcome: 'ok', value: 2 },
      { bot: 'shop', outcome: 'timeout', value: 1 },
      { bot: 'shop', outcome: 'dropped', value: 1 },
      { bot: 'shop', outcome: 'interrupted', value: 1 },
    ]);
    expect(valueOf(samples, 'scenarist_call_duration_seconds_count', { bot: 'shop' })).toBe(2);
    expect(valueOf(samples, 'scenarist_call_duration_seconds_sum', { bot: 'shop' })).toBeCloseTo(2.54);
    expect(valueOf(samples, 'scenarist_call_duration_seconds_bucket', { bot: 'shop', le: '0.05' })).toBe(1);
    expect(valueOf(samples, 'scenarist_dialogs_ended_total', { bot: 'shop' })).toBe(1);
    expect(valueOf(samples, 'scenarist_step_entries_total', { bot: 'shop', step: 'sorry' })).toBe(1);
  });
});
