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
  private child: Logger | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly botId: string,
    private readonly platform: string,
  ) {}

  /** A pino logger with the bot and platform bound, for code that logs outside the conversation vocabulary. */
  get pino(): Logger {
    return (this.child ??= this.logger.child({ bot_id: this.botId, platform: this.platform }));
  }

  get isDebug(): boolean {
    return this.logger.isLevelEnabled('debug');
  }

  incomingMessage(text: string, meta: LogMeta = {}): void {
    this.write('info', 'INCOMING', 'incoming message', meta, 'text', meta.sensitive ? MASK : text);
  }

  outgoingMessage(text: string, meta: LogMeta = {}): void {
    this.write('info', 'OUTGOING', 'outgoing message', meta, 'text', meta.sensitive ? MASK : text);
  }

  stateChange(step: string | null, meta: LogMeta = {}): void {
    this.write('info', 'STATE_CHANGE', step === null ? 'dialog ended' : `entered ${step}`, meta, 'step', step);
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

  /** One record object per line (this is the INFO hot path: a few lines per update). */
  private write(level: 'debug' | 'info' | 'warn' | 'error', eventType: EventType, message: string, meta: LogMeta, key?: string, value?: unknown): void {
    if (!this.logger.isLevelEnabled(level)) return;
    // bot_id and platform in the record rather than as child bindings: the flow's context usually holds them too,
    // and pino writes bindings and record fields side by side (the keys would appear twice in the line).
    const record: Record<string, unknown> = { bot_id: this.botId, platform: this.platform, event_type: eventType };
    for (const k in meta) if (k !== 'sensitive') record[k] = meta[k];
    if (key !== undefined) record[key] = value;
    this.logger[level](record, message);
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
