import { EVENT_TYPES } from '../../runtime/log/index.js';
import { UsageError } from '../io.js';

/** A log record: one JSON line of the runtime's log. */
export type LogRecord = Record<string, unknown>;

/** What `scenarist logs` keeps; every field set must match. */
export interface LogFilter {
  readonly botId?: string;
  readonly platform?: string;
  readonly chatId?: string;
  readonly dialogId?: string;
  /** Rank of the least severe level kept (see levelRank). */
  readonly minLevel?: number;
  readonly eventTypes?: ReadonlySet<string>;
  /** Epoch milliseconds, inclusive. */
  readonly from?: number;
  readonly to?: number;
  /** Lower case. */
  readonly contains?: string;
}

export const LEVEL_RANKS: Readonly<Record<string, number>> = { TRACE: 0, DEBUG: 0, INFO: 1, WARN: 2, WARNING: 2, ERROR: 3, FATAL: 3 };
const LEVEL_NAMES = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;

/** DEBUG 0 < INFO 1 < WARNING 2 < ERROR 3, from our names, pino's labels or pino's numbers; undefined otherwise. */
export function levelRank(level: unknown): number | undefined {
  if (typeof level === 'string') return LEVEL_RANKS[level.toUpperCase()];
  if (typeof level === 'number' && Number.isFinite(level)) return level <= 20 ? 0 : level <= 30 ? 1 : level <= 40 ? 2 : 3;
  return undefined;
}

/** Our level name for a record's level (a pino number becomes INFO, WARNING…); other values unchanged. */
export function levelName(level: unknown): unknown {
  const rank = levelRank(level);
  return rank === undefined ? level : LEVEL_NAMES[rank];
}

/** The `--level` option: DEBUG, INFO, WARNING (or WARN) or ERROR, in any case. */
export function parseLevelOption(value: string): number {
  const rank = LEVEL_RANKS[value.trim().toUpperCase()];
  if (rank === undefined || value.trim().toUpperCase() === 'TRACE' || value.trim().toUpperCase() === 'FATAL') {
    throw new UsageError(`--level ${JSON.stringify(value)}: expected one of ${LEVEL_NAMES.join(', ')}`);
  }
  return rank;
}

export const levelOptionName = (value: string): (typeof LEVEL_NAMES)[number] => LEVEL_NAMES[parseLevelOption(value)]!;

/** The `--event-type` option: one type or a comma list, in any case; unknown types are a usage mistake. */
export function parseEventTypes(value: string): Set<string> {
  const types = value
    .split(',')
    .map((t) => t.trim().toUpperCase())
    .filter((t) => t !== '');
  if (types.length === 0) throw new UsageError('--event-type needs at least one event type');
  const known = new Set<string>(EVENT_TYPES);
  const unknown = types.filter((t) => !known.has(t));
  if (unknown.length > 0) throw new UsageError(`--event-type: unknown ${unknown.map((t) => JSON.stringify(t)).join(', ')}; expected ${EVENT_TYPES.join(', ')}`);
  return new Set(types);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A `--from-date`/`--to-date` value: `2026-11-24`, `2026-11-24T05:51`, `…:29`, `…:29.123`, optionally with `Z` or
 * an offset (`+03:00`); without one the time is UTC, as in the log. Returns the first and the last millisecond the
 * value names: a date alone is the whole day, a time without seconds the whole minute.
 */
export function parseDateOption(option: string, value: string): { first: number; last: number } {
  const m = DATE_TIME.exec(value.trim());
  const bad = (): UsageError =>
    new UsageError(`${option} ${JSON.stringify(value)}: expected an ISO date or date-time such as 2026-11-24, 2026-11-24T05:51 or 2026-11-24T05:51:29Z`);
  if (!m) throw bad();
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  if (h === undefined && zone !== undefined) throw bad();
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  const milli = ms === undefined ? 0 : Number(ms.padEnd(3, '0'));
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) throw bad();
  if (hour > 23 || minute > 59 || second > 59) throw bad();
  let offset = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(z[2]) > 23 || Number(z[3]) > 59) throw bad();
    offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  }
  const first = Date.UTC(year, month - 1, day, hour, minute, second, milli) - offset;
  const span = h === undefined ? 86_400_000 : s === undefined ? 60_000 : ms === undefined ? 1000 : 10 ** (3 - ms.length);
  return { first, last: first + span - 1 };
}

/** The record's time in epoch milliseconds: an ISO string or a number (pino's default); undefined otherwise. */
export function recordTime(record: LogRecord): number | undefined {
  const t = record['time'];
  if (typeof t === 'number' && Number.isFinite(t)) return t;
  if (typeof t === 'string') {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** Whether the filter looks at fields: a line that is not JSON cannot match it. */
export function hasFieldFilter(f: LogFilter): boolean {
  return (
    f.botId !== undefined ||
    f.platform !== undefined ||
    f.chatId !== undefined ||
    f.dialogId !== undefined ||
    f.minLevel !== undefined ||
    f.eventTypes !== undefined ||
    f.from !== undefined ||
    f.to !== undefined
  );
}

const same = (value: unknown, wanted: string): boolean => (typeof value === 'string' || typeof value === 'number') && String(value) === wanted;

/** Every value of a record (the message and all fields, nested ones too), for --contains. */
function containsText(value: unknown, needle: string, depth = 0): boolean {
  if (typeof value === 'string') return value.toLowerCase().includes(needle);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).includes(needle);
  if (value === null || typeof value !== 'object' || depth > 8) return false;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (containsText(v, needle, depth + 1)) return true;
  return false;
}

export function matches(record: LogRecord, f: LogFilter): boolean {
  if (f.botId !== undefined && !same(record['bot_id'], f.botId)) return false;
  if (f.platform !== undefined && !same(record['platform'], f.platform)) return false;
  if (f.chatId !== undefined && !same(record['platform_chat_id'], f.chatId)) return false;
  if (f.dialogId !== undefined && !same(record['dialog_id'], f.dialogId)) return false;
  if (f.minLevel !== undefined) {
    const rank = levelRank(record['level']);
    if (rank === undefined || rank < f.minLevel) return false;
  }
  if (f.eventTypes !== undefined) {
    const type = record['event_type'];
    if (typeof type !== 'string' || !f.eventTypes.has(type.toUpperCase())) return false;
  }
  if (f.from !== undefined || f.to !== undefined) {
    const t = recordTime(record);
    if (t === undefined || (f.from !== undefined && t < f.from) || (f.to !== undefined && t > f.to)) return false;
  }
  if (f.contains !== undefined && !containsText(record, f.contains)) return false;
  return true;
}
