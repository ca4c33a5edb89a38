const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_MS = 365 * UNIT_MS['d']!;

/**
 * A duration as scenarios write it, in ms: an integer and a unit `s`, `m`, `h` or `d` ("90s", "10m", "24h", "7d"),
 * from 1 s to 365 d; undefined for anything else.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})([smhd])$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms >= 1000 && ms <= MAX_MS ? ms : undefined;
}
