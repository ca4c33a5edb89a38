/** The kinds of conversation events; every line the runtime logs about a dialog carries one as `event_type`. */
export const EVENT_TYPES = ['INCOMING', 'OUTGOING', 'PROCESSING', 'STATE_CHANGE', 'ERROR', 'WEBHOOK', 'VARIABLE', 'CONDITION', 'ADAPTER', 'TIMER', 'CALL', 'MEDIA'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Levels as configured and as written: the spec's names. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** pino's level for each of ours. */
export const PINO_LEVEL: Readonly<Record<LogLevel, string>> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error' };

/** Our name for each pino level label, as written in the `level` field. */
export const LEVEL_NAME: Readonly<Record<string, string>> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'ERROR',
};
