import type { Telegram } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { DeliveryError, type OutboundMessage, type ParsedUpdate, type PlatformAdapter } from '../types.js';
import { createKeepAliveAgent, createTelegramClient, DEFAULT_API_ROOT, type TelegramAgent } from './client.js';
import { DEFAULT_CONNECTIONS, DirectSender } from './direct-sender.js';
import { DEFAULT_RETRY_MS, toDeliveryError } from './errors.js';
import { decodeAddress, DEFAULT_GROUP_DIALOGS, type GroupDialogs } from './address.js';
import { parseTelegramUpdate } from './parse-update.js';
import { splitText, TELEGRAM_TEXT_LIMIT } from './split-text.js';
import { isTelegramToken } from './token.js';

export interface TelegramAdapterOptions {
  /** Default https://api.telegram.org. */
  readonly apiRoot?: string;
  /** For the telegraf sender. Default: a keep-alive agent of the apiRoot's protocol with 64 sockets, shared by all bots. */
  readonly agent?: TelegramAgent;
  /** For the direct sender: keep-alive connections to the apiRoot, shared by all bots, one call each at a time. Default 64. */
  readonly connections?: number;
  /** Per call; default 30 s. A timed-out send is retried, so it may arrive twice. */
  readonly timeoutMs?: number;
  /** The wait for a 429 that names no retry_after; default 1000 ms (5xx and network errors name no wait: the runtime backs off). */
  readonly retryDelayMs?: number;
  /**
   * How replies are sent: 'direct' (default) posts sendMessage and answerCallbackQuery as plain JSON requests through
   * an undici pool of keep-alive connections; 'telegraf' sends them through telegraf's client. Errors are telegraf's
   * TelegramError either way.
   */
  readonly sender?: 'direct' | 'telegraf';
  /**
   * What a webhook's HTTP answer carries: 'ack' (default) a button press's answerCallbackQuery, instead of a
   * separate call; 'off' nothing (every call is a separate request). Long polling always makes separate calls.
   */
  readonly webhookAnswer?: WebhookAnswerMode;
}

export type WebhookAnswerMode = 'off' | 'ack';

/** Per-bot settings (the `telegram` object of a bot in the config file). */
export interface TelegramBotOptions {
  /** Whose conversation a group message advances: each member's own ('member', default) or the chat's. */
  readonly groupDialogs?: GroupDialogs;
}

type CallOptions = Parameters<Telegram['callApi']>[2];

interface Bot {
  readonly token: string;
  readonly telegram: Telegram;
  readonly groupDialogs: GroupDialogs;
}

/** Delivers replies through the Telegram Bot API for any number of bots. */
export class TelegramAdapter implements PlatformAdapter {
  readonly platform = 'telegram';
  readonly methods = { send: 'sendMessage', acknowledge: 'answerCallbackQuery' } as const;
  readonly apiRoot: string;
  readonly agent: TelegramAgent;
  private readonly ownAgent: boolean;
  private readonly timeoutMs: number;
  private readonly retryDelayMs: number;
  private readonly bots = new Map<string, Bot>();
  private readonly direct: DirectSender | undefined;
  private readonly webhookAnswer: WebhookAnswerMode;

  constructor(options: TelegramAdapterOptions = {}) {
    this.apiRoot = options.apiRoot ?? DEFAULT_API_ROOT;
    this.ownAgent = options.agent === undefined;
    this.agent = options.agent ?? createKeepAliveAgent(this.apiRoot);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_MS;
    this.webhookAnswer = options.webhookAnswer ?? 'ack';
    this.direct = (options.sender ?? 'direct') === 'direct' ? new DirectSender(this.apiRoot, this.timeoutMs, options.connections ?? DEFAULT_CONNECTIONS) : undefined;
  }

  /** Registers (or replaces the token and settings of) a bot. */
  addBot(botId: string, token: string, options: TelegramBotOptions = {}): void {
    if (!isTelegramToken(token)) throw new Error(`bot ${botId}: not a Telegram bot token (expected <digits>:<secret>)`);
    const telegram = createTelegramClient(token, { apiRoot: this.apiRoot, agent: this.agent });
    this.bots.set(botId, { token, telegram, groupDialogs: options.groupDialogs ?? DEFAULT_GROUP_DIALOGS });
  }

  removeBot(botId: string): boolean {
    return this.bots.delete(botId);
  }

  hasBot(botId: string): boolean {
    return this.bots.has(botId);
  }

  /** A bot whose token this process lacks (not configured, or not readable with this key) is left to others. */
  canSend(botId: string): boolean {
    return this.bots.has(botId);
  }

  /** `chatId` of a message is the dialog's address (address.ts), scoped by the bot's `groupDialogs`. */
  parseUpdate(update: unknown, botId: string): ParsedUpdate {
    return parseTelegramUpdate(update, { groupDialogs: this.bots.get(botId)?.groupDialogs ?? DEFAULT_GROUP_DIALOGS });
  }

  /** A text over Telegram's 4096 characters becomes several messages, cut at paragraphs, lines or spaces. */
  split(message: OutboundMessage): OutboundMessage[] {
    if (message.text.length <= TELEGRAM_TEXT_LIMIT) return [message];
    const parts = splitText(message.text, TELEGRAM_TEXT_LIMIT);
    return parts.map((text, i) => ({ text, buttons: i === parts.length - 1 ? message.buttons : [] }));
  }

  /**
   * Sends to the chat (and forum topic) of the dialog's address. A message over the limit is sent as its parts in
   * order, for callers that do not split first.
   */
  async send(botId: string, chatId: string, message: OutboundMessage): Promise<void> {
    const { chat, thread } = decodeAddress(chatId);
    for (const part of this.split(message)) {
      const payload: { chat_id: string; text: string; message_thread_id?: number; reply_markup?: InlineKeyboardMarkup } = { chat_id: chat, text: part.text };
      if (thread !== undefined) payload.message_thread_id = thread;
      if (part.buttons.length > 0) {
        payload.reply_markup = { inline_keyboard: part.buttons.map((b) => [{ text: b.text, callback_data: b.value }]) };
      }
      await this.call(botId, 'sendMessage', payload);
    }
  }

  /** Answers a callback query; throws DeliveryError like `send` (callers treat it as non-fatal). */
  async acknowledge(botId: string, ackId: string): Promise<void> {
    await this.call(botId, 'answerCallbackQuery', { callback_query_id: ackId });
  }

  /** The callback query's answer as a call in the webhook's HTTP answer ('ack' mode): Telegram reports no result for it. */
  inlineAcknowledge(_botId: string, ackId: string): { method: 'answerCallbackQuery'; callback_query_id: string } | undefined {
    return this.webhookAnswer === 'off' ? undefined : { method: 'answerCallbackQuery', callback_query_id: ackId };
  }

  /** Connections the direct sender holds open now (0 with the telegraf sender). */
  get connected(): number {
    return this.direct?.connected ?? 0;
  }

  /** Closes the direct sender's connections and the agent the adapter created (a given agent is left to its owner). */
  async close(): Promise<void> {
    if (this.ownAgent) this.agent.destroy();
    await this.direct?.close();
  }

  private async call(botId: string, method: 'sendMessage' | 'answerCallbackQuery', payload: object): Promise<void> {
    const bot = this.bots.get(botId);
    if (!bot) throw new DeliveryError(`telegram bot ${botId} is not registered`, 'retry');
    try {
      if (this.direct) {
        await this.direct.call(bot.token, method, payload);
      } else {
        // telegraf's own timeout is 500 s; a signal bounds the call (typed with telegraf's abort-controller shim).
        const signal = AbortSignal.timeout(this.timeoutMs) as unknown as NonNullable<CallOptions>['signal'];
        await bot.telegram.callApi(method, payload as never, { signal });
      }
    } catch (err) {
      throw toDeliveryError(err, bot.token, method, this.retryDelayMs);
    }
  }
}
