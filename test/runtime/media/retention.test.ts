import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryMediaStore, RETENTION_SWEEP_MS, startMediaRetention } from '../../../runtime/media/index.js';
import { captureLogger } from '../../support/capture-logger.js';
import { PDF, PNG } from './contract.js';

const DAY = 86_400_000;

afterEach(() => vi.useRealTimers());

describe('media retention', () => {
  it('deletes files last stored more than the retention ago, shortly after start and then hourly', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
    let now = 100 * DAY;
    const media = new MemoryMediaStore(() => now);
    await media.put([PNG], { maxBytes: 1000 });
    now += 20 * DAY;
    await media.put([PDF], { maxBytes: 1000 });
    const { logger, lines } = captureLogger();
    const stop = startMediaRetention(media, 30, logger, () => now);
    now += 15 * DAY;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines.filter((l) => l['event_type'] === 'MEDIA').map((l) => l['deleted'])).toEqual([1]);
    now += 20 * DAY;
    await vi.advanceTimersByTimeAsync(RETENTION_SWEEP_MS);
    expect(lines.filter((l) => l['event_type'] === 'MEDIA').map((l) => l['deleted'])).toEqual([1, 1]);
    expect(await media.deleteOlderThan(Infinity)).toBe(0);
    stop();
  });

  it('keeps everything when the retention is 0', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
    const media = new MemoryMediaStore(() => 0);
    await media.put([PNG], { maxBytes: 1000 });
    const { logger } = captureLogger();
    startMediaRetention(media, 0, logger, () => 1_000 * DAY)();
    await vi.advanceTimersByTimeAsync(2 * RETENTION_SWEEP_MS);
    expect(await media.deleteOlderThan(Infinity)).toBe(1);
  });
});
