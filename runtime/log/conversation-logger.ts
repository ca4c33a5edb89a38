import type { Logger } from 'pino';
import { clearLogContext, setLogContext, type LogContext } from './context.js';
import type { EventType } from './event-types.js';
import { MASK } from './redact.js';

/** Extra fields of one event. `sensitive: true` masks the event's text (a sensitive answer). `err` is serialised. */
export interface LogMeta {
  readonly sensitive?: boolean;
  readonly err?: unknown;
  readonly [field: string]: unknown;
}

/**
 * The conversation log of one bot on one platform. Every line carries the bot and platform, plus whatever the
 * current flow's context holds (chat, dialog, update: see context.ts).
 */
export class ConversationLogger {
  private readonly logger: Logger;

  constructor(base: Logger, botId: string, platform: string) {
    this.logger = base.child({ bot_id: botId, platform });
  }

  /** The pino logger underneath, for code that logs outside the conversation vocabulary. */
  get pino(): Logger {
    return this.logger;
  }

  get isDebug(): boolean {
    return this.logger.isLevelEnabled('debug');
  }

  incomingMessage(text: string, meta: LogMeta = {}): void {
    this.write('info', 'INCOMING', 'incoming message', { ...meta, text: meta.sensitive ? MASK : text });
  }

  outgoingMessage(text: string, meta: LogMeta = {}): void {
    this.write('info', 'OUTGOING', 'outgoing message', { ...meta, text: meta.sensitive ? MASK : text });
  }

  stateChange(step: string | null, meta: LogMeta = {}): void {
    this.write('info', 'STATE_CHANGE', step === null ? 'dialog ended' : `entered ${step}`, { ...meta, step });
  }

  debug(eventType: EventType, message: string, meta: LogMeta = {}): void {
    this.write('debug', eventType, message, meta);
  }

  info(eventType: EventType, message: string, meta: LogMeta = {}): void {
    this.write('info', eventType, message, meta);
  }

  warning(eventType: EventType, message: string, meta: LogMeta = {}): void {
    this.write('warn', eventType, message, meta);
  }

  error(eventType: EventType, message: string, meta: LogMeta = {}): void {
    this.write('error', eventType, message, meta);
  }

  /** Adds fields to every later line of the current flow (one update's processing). */
  setContext(fields: LogContext): void {
    setLogContext(fields);
  }

  /** Removes one field, or all, from the current flow's context. */
  clearContext(key?: string): void {
    clearLogContext(key);
  }

  private write(level: 'debug' | 'info' | 'warn' | 'error', eventType: EventType, message: string, meta: LogMeta): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const { sensitive: _sensitive, ...fields } = meta;
    this.logger[level]({ event_type: eventType, ...fields }, message);
  }
}

/** `getLogger({ botId, platform })` over one process-wide pino logger. */
export function conversationLoggers(base: Logger): (where: { botId: string; platform: string }) => ConversationLogger {
  const cache = new Map<string, ConversationLogger>();
  return ({ botId, platform }) => {
    const key = `${botId}\u0000${platform}`;
    let logger = cache.get(key);
    if (!logger) cache.set(key, (logger = new ConversationLogger(base, botId, platform)));
    return logger;
  };
}
