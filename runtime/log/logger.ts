import { join } from 'node:path';
import { pino, type DestinationStream, type Logger } from 'pino';
import { currentLogContext } from './context.js';
import { LEVEL_NAME } from './event-types.js';
import { redactError, redactRecord, redactText, type RedactOptions } from './redact.js';
import { textLine } from './text-format.js';

export type { Logger } from 'pino';

export interface FileLogging {
  /** Directory of the log files (created if missing). */
  readonly dir: string;
  /** Size at which a file is rotated: pino-roll's notation, e.g. "10m". */
  readonly maxSize: string;
  /** Rotated files kept besides the active one. */
  readonly maxFiles: number;
}

export interface LoggerOptions {
  /** pino level (debug, info, warn, error, silent). Default info. */
  readonly level?: string;
  /** `json` lines (default) or readable `text`. */
  readonly format?: 'json' | 'text';
  /** Colours in the text format. */
  readonly color?: boolean;
  /** Also write JSON lines to rotating files. */
  readonly file?: FileLogging;
  /** Mask e-mails and phone numbers (default true). Tokens and secrets are always masked. */
  readonly pii?: boolean;
  /** Where console lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

/** The stem of the log files: `scenarist.2026-11-24.1.log`, rolled daily and by size. */
export const LOG_FILE_STEM = 'scenarist';

/**
 * The logger of the whole process: JSON lines (or text) through pino, with the current dialog's context on every
 * line (see context.ts) and secrets and personal data redacted before any sink sees them.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redact: RedactOptions = { pii: options.pii ?? true };
  const console = options.format === 'text' ? textStream(options.destination, options.color ?? false) : options.destination;
  const streams: pino.StreamEntry[] = [];
  if (options.file) {
    const file = pino.transport({
      target: 'pino-roll',
      options: {
        file: join(options.file.dir, LOG_FILE_STEM),
        extension: '.log',
        frequency: 'daily',
        dateFormat: 'yyyy-MM-dd',
        size: options.file.maxSize,
        limit: { count: options.file.maxFiles },
        mkdir: true,
      },
    }) as DestinationStream;
    streams.push({ level: 'trace', stream: console ?? pino.destination(1) }, { level: 'trace', stream: file });
  }
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: LEVEL_NAME[label] ?? label.toUpperCase() }),
        log: (record) => redactRecord(record, redact) as Record<string, unknown>,
      },
      mixin: () => currentLogContext() ?? {},
      hooks: {
        logMethod(args, method) {
          // The message string itself: the record's fields are redacted by formatters.log.
          const last = args.length - 1;
          if (typeof args[last] === 'string') args[last] = redactText(args[last] as string, redact);
          return method.apply(this, args as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (err: unknown) => (err instanceof Error ? redactError(err, redact) : redactRecord(err, redact)),
      },
    },
    streams.length > 0 ? pino.multistream(streams) : console,
  );
}

/** Console lines in the text format: the same rendering as `scenarist logs`. */
function textStream(destination: DestinationStream | undefined, color: boolean): DestinationStream {
  const out = destination ?? pino.destination(1);
  return {
    write(line: string): void {
      try {
        out.write(`${textLine(JSON.parse(line) as Record<string, unknown>, color)}\n`);
      } catch {
        out.write(line);
      }
    },
  };
}

/** A logger that drops everything (tests, benchmarks of the engine alone). */
export const silentLogger = (): Logger => pino({ level: 'silent' });

/** Tokens out of a string (kept for callers that build messages by hand). */
export const redactTokens = (text: string): string => redactText(text, { pii: false });
