import { describe, expect, it } from 'vitest';
import type { DialogEvent } from '../../../runtime/dialogs/index.js';
import { createMetrics } from '../../../runtime/metrics/index.js';
import { parseExposition, seriesOf, valueOf } from './exposition.js';

const greeter = { botId: 'greeter', platform: 'telegram', chatId: 'chat-4711' };
const shop = { botId: 'shop', platform: 'web', chatId: 'chat-4712' };
const turn = (key: typeof greeter, stepBefore: string | null, stepAfter: string | null, durationMs: number, rejected = 0): DialogEvent => ({
  type: 'turn', key, rev: 1, stepBefore, stepAfter, replies: 1, rejected, restarted: false, durationMs,
});

const EVENTS: DialogEvent[] = [
  turn(greeter, null, 'ask_name', 0.8),
  turn(greeter, 'ask_name', 'ask_name', 3, 1), // a re-prompt: same step, no entry
  turn(greeter, 'ask_name', 'menu', 5),
  turn(greeter, 'menu', 'menu', 12),
  turn(greeter, 'menu', null, 1500),
  turn(greeter, null, null, 0.1), // neither entered nor ended
  turn(shop, null, 'start', 0.4, 2),
  { type: 'duplicate', key: greeter, durationMs: 0.2 },
  { type: 'duplicate', key: greeter, durationMs: 0.3 },
  { type: 'skipped', botId: 'greeter', platform: 'telegram', result: 'ignored' },
  { type: 'skipped', botId: 'shop', platform: 'web', result: 'invalid' },
  { type: 'failed', key: shop, durationMs: 40 },
  { type: 'stored', key: greeter, rev: 7, reason: 'reset' },
  { type: 'stored', key: greeter, rev: 8, reason: 'message' },
  { type: 'delivered', key: greeter, seq: 1 },
  { type: 'delivered', key: greeter, seq: 2 },
  { type: 'delivered', key: greeter, seq: 3 },
  { type: 'delivered', key: shop, seq: 1 },
  { type: 'delivery-failed', key: greeter, kind: 'retry' },
  { type: 'delivery-failed', key: greeter, kind: 'retry' },
  { type: 'delivery-failed', key: shop, kind: 'blocked' },
];

async function scrape() {
  const metrics = createMetrics({ defaultMetrics: false });
  EVENTS.forEach(metrics.observeDialogs); // unbound on purpose: manager.observe(metrics.observeDialogs)
  const text = await metrics.text();
  return { text, samples: parseExposition(text) };
}

describe('observeDialogs', () => {
  it('counts updates by result', async () => {
    const { samples } = await scrape();
    expect(seriesOf(samples, 'scenarist_updates_total')).toEqual([
      { bot: 'greeter', platform: 'telegram', result: 'applied', value: 6 },
      { bot: 'shop', platform: 'web', result: 'applied', value: 1 },
      { bot: 'greeter', platform: 'telegram', result: 'duplicate', value: 2 },
      { bot: 'greeter', platform: 'telegram', result: 'ignored', value: 1 },
      { bot: 'shop', platform: 'web', result: 'invalid', value: 1 },
      { bot: 'shop', platform: 'web', result: 'failed', value: 1 },
    ]);
  });

  it('times applied turns only, in seconds', async () => {
    const { samples } = await scrape();
    const bucket = (le: string) => valueOf(samples, 'scenarist_turn_duration_seconds_bucket', { bot: 'greeter', platform: 'telegram', le });
    expect(['0.0005', '0.001', '0.005', '0.01', '0.025', '1', '2', '+Inf'].map(bucket)).toEqual([1, 2, 4, 4, 5, 5, 6, 6]);
    expect(valueOf(samples, 'scenarist_turn_duration_seconds_count', { bot: 'greeter', platform: 'telegram' })).toBe(6);
    expect(valueOf(samples, 'scenarist_turn_duration_seconds_sum', { bot: 'greeter', platform: 'telegram' })).toBeCloseTo(1.5209, 6);
    expect(valueOf(samples, 'scenarist_turn_duration_seconds_count', { bot: 'shop', platform: 'web' })).toBe(1);
  });

  it('counts messages received (applied turns) and sent (delivered)', async () => {
    const { samples } = await scrape();
    expect(seriesOf(samples, 'scenarist_messages_received_total')).toEqual([
      { bot: 'greeter', platform: 'telegram', value: 6 },
      { bot: 'shop', platform: 'web', value: 1 },
    ]);
    expect(seriesOf(samples, 'scenarist_messages_sent_total')).toEqual([
      { bot: 'greeter', platform: 'telegram', value: 3 },
      { bot: 'shop', platform: 'web', value: 1 },
    ]);
  });

  it('counts entries into a different step, ended dialogs, rejections and resets', async () => {
    const { samples } = await scrape();
    expect(seriesOf(samples, 'scenarist_step_entries_total')).toEqual([
      { bot: 'greeter', step: 'ask_name', value: 1 },
      { bot: 'greeter', step: 'menu', value: 1 },
      { bot: 'shop', step: 'start', value: 1 },
    ]);
    expect(seriesOf(samples, 'scenarist_dialogs_ended_total')).toEqual([{ bot: 'greeter', value: 1 }]);
    expect(seriesOf(samples, 'scenarist_validation_errors_total')).toEqual([
      { bot: 'greeter', value: 1 },
      { bot: 'shop', value: 2 },
    ]);
    expect(seriesOf(samples, 'scenarist_dialog_resets_total')).toEqual([{ bot: 'greeter', value: 1 }]);
  });

  it('counts delivery failures by kind', async () => {
    const { samples } = await scrape();
    expect(seriesOf(samples, 'scenarist_delivery_failures_total')).toEqual([
      { bot: 'greeter', platform: 'telegram', kind: 'retry', value: 2 },
      { bot: 'shop', platform: 'web', kind: 'blocked', value: 1 },
    ]);
  });

  it('never puts a chat id in a label', async () => {
    const { text, samples } = await scrape();
    expect(text).not.toContain('chat-47');
    const labelNames = new Set(samples.flatMap((s) => Object.keys(s.labels)));
    expect([...labelNames].sort()).toEqual(['bot', 'kind', 'le', 'platform', 'result', 'step']);
  });
});
