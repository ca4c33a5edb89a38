import type { Logger } from 'pino';
import { conversationLoggers, type ConversationLogger } from './conversation-logger.js';
import { createLogger } from './logger.js';
import { loggerOptions, readLogSettings } from './settings.js';

let root: Logger | undefined;
let loggers: ((where: { botId: string; platform: string }) => ConversationLogger) | undefined;

/** Makes `logger` the process's logger for `getLogger` (the server does this at start). */
export function configureLogging(logger: Logger): void {
  root = logger;
  loggers = conversationLoggers(logger);
}

/** The process's logger: the configured one, or one built from the BOT_LOG_* variables on first use. */
export function rootLogger(): Logger {
  if (!root) configureLogging(createLogger(loggerOptions(readLogSettings(process.env), Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'])));
  return root!;
}

/** The conversation logger of one bot on one platform: `getLogger({ botId, platform }).incomingMessage(text, meta)`. */
export function getLogger(where: { botId: string; platform: string }): ConversationLogger {
  rootLogger();
  return loggers!(where);
}
