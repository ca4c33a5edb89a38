import { describe, expect, it } from 'vitest';
import type { DialogEvent } from '../../../runtime/dialogs/index.js';
import { createMetrics } from '../../../runtime/metrics/index.js';
import { parseExposition, seriesOf, valueOf } from './exposition.js';

const greeter = { botId: 'greeter', platform: 'telegram', chatId: 'chat-4711' };
const timer = (name: string, outcome: 'applied' | 'duplicate' | 'dropped', latenessMs: number, steps: [string | null, string | null] = ['ask', 'ask']): DialogEvent => ({
  type: 'timer',
  key: greeter,
  name,
  outcome,
  latenessMs,
  stepBefore: steps[0],
  stepAfter: steps[1],
  replies: 1,
  durationMs: 1,
});

async function scrape(events: DialogEvent[]) {
  const metrics = createMetrics({ defaultMetrics: false });
  events.forEach(metrics.observeDialogs);
  return parseExposition(await metrics.text());
}

describe('timer metrics', () => {
  it('counts timers fired by timer and dropped, by bot, and observes the lateness of the applied ones in seconds', async () => {
    const samples = await scrape([
      timer('reminder', 'applied', 20),
      timer('timeout', 'applied', 3000, ['ask', 'late']),
      timer('timeout', 'duplicate', 9000),
      timer('timeout', 'dropped', 9000),
      timer('expire', 'applied', 0, ['ask', null]),
    ]);
    expect(seriesOf(samples, 'scenarist_timers_fired_total')).toEqual([
      { bot: 'greeter', timer: 'reminder', value: 1 },
      { bot: 'greeter', timer: 'timeout', value: 1 },
      { bot: 'greeter', timer: 'expire', value: 1 },
    ]);
    expect(seriesOf(samples, 'scenarist_timers_dropped_total')).toEqual([{ bot: 'greeter', timer: 'timeout', value: 1 }]);
    expect(valueOf(samples, 'scenarist_timer_lateness_seconds_count', { bot: 'greeter' })).toBe(3);
    expect(valueOf(samples, 'scenarist_timer_lateness_seconds_sum', { bot: 'greeter' })).toBeCloseTo(3.02);
    expect(valueOf(samples, 'scenarist_timer_lateness_seconds_bucket', { bot: 'greeter', le: '0.05' })).toBe(2);
    expect(valueOf(samples, 'scenarist_step_entries_total', { bot: 'greeter', step: 'late' })).toBe(1);
    expect(valueOf(samples, 'scenarist_dialogs_ended_total', { bot: 'greeter' })).toBe(1);
  });
});
