import { parseDuration } from '../../grammar/index.js';

/** A duration as scenarios write it ("90s", "10m", "24h", "7d") in ms, or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const read = parseDuration(text.trim());
  return read.ok ? read.ms : undefined;
}
