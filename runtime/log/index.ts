export { createLogger, redactTokens, REDACT_PATHS, silentLogger, type Logger, type LoggerOptions } from './logger.js';
