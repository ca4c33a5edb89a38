import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LOG_LEVELS, PINO_LEVEL, type LogLevel } from './event-types.js';
import type { LoggerOptions } from './logger.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Logging from the environment; every field has a documented default (README, Logging). */
export interface LogSettings {
  /** BOT_LOG_LEVEL: DEBUG, INFO, WARNING or ERROR. Default INFO (LOG_LEVEL, a pino level, is read when it is unset). */
  readonly level: LogLevel;
  /** BOT_LOG_FORMAT: json lines, or readable text (coloured on a terminal). Default json. */
  readonly format: 'json' | 'text';
  /** BOT_FILE_LOGGING: also write JSON lines to rotating files in BOT_LOG_DIR. Default false. */
  readonly fileLogging: boolean;
  /** BOT_LOG_DIR: the log files' directory. Default /app/logs in a container, ./logs otherwise. */
  readonly dir: string;
  /** BOT_LOG_MAX_SIZE: a file is rotated at this size (k, m or g). Default 10m; files also rotate daily. */
  readonly maxSize: string;
  /** BOT_LOG_MAX_FILES: rotated files kept. Default 14. */
  readonly maxFiles: number;
  /** BOT_LOG_MASK_PII: mask e-mail addresses and phone numbers. Default true. Tokens and secrets are always masked. */
  readonly maskPii: boolean;
}

export class LogSettingsError extends Error {
  override readonly name = 'LogSettingsError';
}

/** Docker and Podman leave a marker file; Kubernetes sets a variable. */
export function inContainer(env: Env, exists: (path: string) => boolean = existsSync): boolean {
  return exists('/.dockerenv') || exists('/run/.containerenv') || Boolean(env['KUBERNETES_SERVICE_HOST']);
}

const FROM_PINO: Readonly<Record<string, LogLevel>> = { trace: 'DEBUG', debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR', fatal: 'ERROR' };

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new LogSettingsError(`${name}=${JSON.stringify(env[name])}: expected true or false`);
}

function level(env: Env): LogLevel {
  const raw = env['BOT_LOG_LEVEL']?.trim();
  if (raw) {
    const hit = LOG_LEVELS.find((l) => l === raw.toUpperCase()) ?? (raw.toUpperCase() === 'WARN' ? 'WARNING' : undefined);
    if (!hit) throw new LogSettingsError(`BOT_LOG_LEVEL=${JSON.stringify(raw)}: expected one of ${LOG_LEVELS.join(', ')}`);
    return hit;
  }
  const legacy = env['LOG_LEVEL']?.trim().toLowerCase();
  return (legacy && FROM_PINO[legacy]) || 'INFO';
}

export function readLogSettings(env: Env = process.env, options: { cwd?: string; container?: boolean } = {}): LogSettings {
  const format = (env['BOT_LOG_FORMAT']?.trim().toLowerCase() || 'json') as 'json' | 'text';
  if (format !== 'json' && format !== 'text') throw new LogSettingsError(`BOT_LOG_FORMAT=${JSON.stringify(env['BOT_LOG_FORMAT'])}: expected json or text`);
  const maxSize = env['BOT_LOG_MAX_SIZE']?.trim() || '10m';
  if (!/^\d+[kmg]?$/i.test(maxSize)) throw new LogSettingsError(`BOT_LOG_MAX_SIZE=${JSON.stringify(maxSize)}: expected a size such as 500k, 10m or 1g`);
  const maxFiles = Number(env['BOT_LOG_MAX_FILES']?.trim() || 14);
  if (!Number.isInteger(maxFiles) || maxFiles < 1 || maxFiles > 10_000) throw new LogSettingsError(`BOT_LOG_MAX_FILES=${JSON.stringify(env['BOT_LOG_MAX_FILES'])}: expected an integer from 1 to 10000`);
  const container = options.container ?? inContainer(env);
  const dir = env['BOT_LOG_DIR']?.trim() || (container ? '/app/logs' : resolve(options.cwd ?? process.cwd(), 'logs'));
  return Object.freeze({
    level: level(env),
    format,
    fileLogging: flag(env, 'BOT_FILE_LOGGING', false),
    dir,
    maxSize: maxSize.toLowerCase(),
    maxFiles,
    maskPii: flag(env, 'BOT_LOG_MASK_PII', true),
  });
}

/** The logger options these settings describe. */
export function loggerOptions(s: LogSettings, color = false): LoggerOptions {
  return {
    level: PINO_LEVEL[s.level],
    format: s.format,
    color,
    pii: s.maskPii,
    file: s.fileLogging ? { dir: s.dir, maxSize: s.maxSize, maxFiles: s.maxFiles } : undefined,
  };
}
