import type { Logger } from '../log/index.js';
import type { MediaStore } from './types.js';

const DAY_MS = 86_400_000;
export const RETENTION_SWEEP_MS = 3_600_000;

/**
 * Deletes files last stored more than `days` ago, now and every hour. Every process may run it: deleting what is
 * already gone is no error, so sweeps of several processes only repeat each other. Returns the function that stops it.
 */
export function startMediaRetention(media: MediaStore, days: number, logger: Logger, clock: () => number = Date.now, everyMs = RETENTION_SWEEP_MS): () => void {
  if (days <= 0) return () => {};
  let running = false;
  const sweep = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const deleted = await media.deleteOlderThan(clock() - days * DAY_MS);
      if (deleted > 0) logger.info({ event_type: 'MEDIA', deleted, retention_days: days }, `media retention: ${deleted} file(s) deleted`);
    } catch (err) {
      logger.warn({ event_type: 'MEDIA', err }, 'media retention sweep failed');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void sweep(), 10_000);
  const timer = setInterval(() => void sweep(), everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
