import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Fields that may hold secrets anywhere in a log line; their values are replaced. */
export const REDACT_PATHS: readonly string[] = [
  'token',
  '*.token',
  'secret',
  '*.secret',
  'encryptionKey',
  '*.encryptionKey',
  'headers["x-telegram-bot-api-secret-token"]',
  '*.headers["x-telegram-bot-api-secret-token"]',
];

/** A Telegram token inside a string (an error message, a URL): "bot123:AA…" keeps only the bot id. */
export function redactTokens(text: string): string {
  return text.replace(/(\d{3,}):[A-Za-z0-9_-]{20,}/g, '$1:***');
}

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

/** JSON lines through pino, with secrets censored by path and tokens scrubbed from error messages. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'scenarist' },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      serializers: {
        err: (err: unknown) => {
          const e = pino.stdSerializers.err(err as Error);
          return { ...e, message: redactTokens(String(e.message)), stack: e.stack === undefined ? undefined : redactTokens(String(e.stack)) };
        },
      },
    },
    options.destination,
  );
}

/** A logger that drops everything (tests, benchmarks of the engine alone). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
