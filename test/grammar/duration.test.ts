import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_DURATION_MS, MIN_DURATION_MS, parseDuration } from '../../grammar/index.js';
import { fcOptions } from '../support/fc-settings.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1s', 1000],
    ['365d', MAX_DURATION_MS],
    ['8760h', MAX_DURATION_MS],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toEqual({ ok: true, ms }));

  it.each(['', '10', 'm', '1.5h', '-1m', '+1m', ' 1m', '1m ', '1 m', '1M', '1w', '1ms', '1h30m', 'ten m', '1e3s'])('%j is a syntax error', (text) =>
    expect(parseDuration(text)).toEqual({ ok: false, issue: 'syntax' }),
  );

  it('refuses durations under 1 s and over 365 d', () => {
    expect(parseDuration('0s')).toEqual({ ok: false, issue: 'too_short' });
    expect(parseDuration('0d')).toEqual({ ok: false, issue: 'too_short' });
    expect(parseDuration('366d')).toEqual({ ok: false, issue: 'too_long' });
    expect(parseDuration('31536001s')).toEqual({ ok: false, issue: 'too_long' });
    expect(parseDuration('999999999999999d')).toEqual({ ok: false, issue: 'too_long' });
  });
});

describe('properties', () => {
  const validMs = fc.integer({ min: MIN_DURATION_MS / 1000, max: MAX_DURATION_MS / 1000 }).map((s) => s * 1000);

  test.prop([validMs], fcOptions)('formatDuration reads back as the same duration', (ms) => {
    expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, ms });
  });

  test.prop([fc.string({ maxLength: 8 })], fcOptions)('parseDuration is total and its value is in range', (text) => {
    const r = parseDuration(text);
    if (r.ok) {
      expect(r.ms).toBeGreaterThanOrEqual(MIN_DURATION_MS);
      expect(r.ms).toBeLessThanOrEqual(MAX_DURATION_MS);
      expect(Number.isInteger(r.ms / 1000)).toBe(true);
    }
  });
});
