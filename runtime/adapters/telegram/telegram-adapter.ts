import type { Telegram } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { isNumberedMenu, withMenu } from '../../../compiler/index.js';
import type { IncomingFile } from '../../engine/index.js';
import type { MediaStore } from '../../media/index.js';
import { DeliveryError, MediaDownloadError, type MediaDownload, type OutboundMessage, type ParsedUpdate, type PlatformAdapter } from '../types.js';
import { createKeepAliveAgent, createTelegramClient, DEFAULT_API_ROOT, type TelegramAgent } from './client.js';
import { DEFAULT_CONNECTIONS, DirectSender } from './direct-sender.js';
import { DEFAULT_RETRY_MS, toDeliveryError } from './errors.js';
import { decodeAddress, DEFAULT_GROUP_DIALOGS, type GroupDialogs } from './address.js';
import { parseTelegramUpdate } from './parse-update.js';
import { splitText, TELEGRAM_TEXT_LIMIT } from './split-text.js';
import { TelegramMedia } from './telegram-media.js';
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
  /**
   * Where stored files are read from for uploads (a step's shipped file, a file a user sent). Without it, media
   * by URL still go out; a stored file fails as a permanent DeliveryError.
   */
  readonly media?: MediaStore;
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
  private readonly mediaStore: MediaStore | undefined;
  private mediaPath: TelegramMedia | undefined;

  constructor(options: TelegramAdapterOptions = {}) {
    this.apiRoot = options.apiRoot ?? DEFAULT_API_ROOT;
    this.ownAgent = options.agent === undefined;
    this.agent = options.agent ?? createKeepAliveAgent(this.apiRoot);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_MS;
    this.webhookAnswer = options.webhookAnswer ?? 'ack';
    this.mediaStore = options.media;
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
  split(shown: OutboundMessage): OutboundMessage[] {
    // More buttons than an inline keyboard holds: a numbered menu in the text (the channel table's layout).
    const message = shown.media === undefined && isNumberedMenu('telegram', shown.buttons) ? { ...shown, text: withMenu(shown.text, shown.buttons), buttons: [] } : shown;
    // A caption too long for Telegram is sent as a text before the medium (send).
    if (message.text.length <= TELEGRAM_TEXT_LIMIT || message.media !== undefined) return [message];
    const parts = splitText(message.text, TELEGRAM_TEXT_LIMIT);
    return parts.map((text, i) => ({ text, buttons: i === parts.length - 1 ? message.buttons : [] }));
  }

  /**
   * Sends to the chat (and forum topic) of the dialog's address. A message over the limit is sent as its parts in
   * order, for callers that do not split first.
   */
  async send(botId: string, chatId: string, message: OutboundMessage): Promise<void> {
    if (message.media !== undefined) return this.sendMedia(botId, chatId, message);
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

  /**
   * A medium with its caption and buttons (sendPhoto, sendDocument, sendLocation…), through the media client whichever
   * sender text uses: by URL, by the file_id Telegram gave the first upload of the same bytes, or by upload.
   */
  private async sendMedia(botId: string, chatId: string, message: OutboundMessage): Promise<void> {
    const bot = this.bots.get(botId);
    if (!bot) throw new DeliveryError(`telegram bot ${botId} is not registered`, 'retry');
    const { chat, thread } = decodeAddress(chatId);
    const replyMarkup = message.buttons.length > 0 ? { inline_keyboard: message.buttons.map((b) => [{ text: b.text, callback_data: b.value }]) } : undefined;
    const sendText = (text: string) => this.send(botId, chatId, { text, buttons: [] });
    await this.media().send(bot.token, botId, { chat, ...(thread !== undefined ? { thread } : {}), ...(replyMarkup ? { replyMarkup } : {}) }, message.media!, message.text, sendText);
  }

  /**
   * A file a user sent: getFile, then its bytes streamed from Telegram's file URL (which holds the token and never
   * leaves the adapter). Over 20 MB is permanent: Telegram serves bots no bigger files. Throws MediaDownloadError.
   */
  async download(botId: string, file: IncomingFile, signal: AbortSignal): Promise<MediaDownload> {
    const bot = this.bots.get(botId);
    if (!bot) throw new MediaDownloadError(`telegram bot ${botId} is not registered in this process`, 'retry');
    return this.media().download(bot.token, file, signal);
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
    await Promise.all([this.direct?.close(), this.mediaPath?.close()]);
  }

  /** Made on first use: a text-only bot opens no media connections. */
  private media(): TelegramMedia {
    this.mediaPath ??= new TelegramMedia(this.apiRoot, this.timeoutMs, this.retryDelayMs, this.mediaStore);
    return this.mediaPath;
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
