/**
 * Durations of timers (`"90s"`, `"10m"`, `"24h"`, `"7d"`): a whole number and one unit. Pure, and the one place
 * durations are read, so the JSON reader, the `.scn` reader and the checks agree.
 */

export type DurationUnit = 's' | 'm' | 'h' | 'd';

export const DURATION_UNIT_MS: Readonly<Record<DurationUnit, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The shortest timer: 1 s. */
export const MIN_DURATION_MS = 1000;
/** The longest timer: 365 d. */
export const MAX_DURATION_MS = 365 * DURATION_UNIT_MS.d;

export type DurationResult =
  | { readonly ok: true; readonly ms: number }
  /** 'syntax': not a number and a unit; 'too_short' / 'too_long': outside 1 s .. 365 d. */
  | { readonly ok: false; readonly issue: 'syntax' | 'too_short' | 'too_long' };

const DURATION = /^(\d{1,15})([smhd])$/;

/** Reads a duration; exact text only (no spaces, no sign, no fraction, lower-case unit). */
export function parseDuration(text: string): DurationResult {
  const m = DURATION.exec(text);
  if (!m) return { ok: false, issue: 'syntax' };
  const ms = Number(m[1]) * DURATION_UNIT_MS[m[2] as DurationUnit];
  if (ms < MIN_DURATION_MS) return { ok: false, issue: 'too_short' };
  if (ms > MAX_DURATION_MS) return { ok: false, issue: 'too_long' };
  return { ok: true, ms };
}

/** The shortest text that reads back as `ms` (the largest unit that divides it); `ms` is a whole number of seconds. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = DURATION_UNIT_MS[unit];
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}
