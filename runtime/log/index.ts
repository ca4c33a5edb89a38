// Public entry point of runtime/log: the process logger, the conversation logger, context and redaction.

export { createLogger, LOG_FILE_STEM, redactTokens, silentLogger, type FileLogging, type Logger, type LoggerOptions } from './logger.js';
export { ConversationLogger, conversationLoggers, type LogMeta } from './conversation-logger.js';
export { clearLogContext, currentLogContext, setLogContext, withLogContext, type LogContext } from './context.js';
export { EVENT_TYPES, LEVEL_NAME, LOG_LEVELS, PINO_LEVEL, type EventType, type LogLevel } from './event-types.js';
export { addSecretValues, MASK, redactError, redactRecord, redactText, type RedactOptions } from './redact.js';
export { textLine } from './text-format.js';
export { inContainer, loggerOptions, LogSettingsError, readLogSettings, type LogSettings } from './settings.js';
export { configureLogging, getLogger, rootLogger } from './get-logger.js';
