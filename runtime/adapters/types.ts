import type { Readable } from 'node:stream';
import type { IncomingFile, OutMedia, OutsideWindow, StoredFile, UserMessage } from '../engine/index.js';
import type { OutboxButton } from '../store/types.js';

/** What an adapter makes of a platform update. */
export type ParsedUpdate =
  /** A message or button press for a dialog. `updateId` is unique per bot (Telegram: update_id). */
  | {
      readonly kind: 'message';
      readonly updateId: string;
      /** The dialog's chat id, as `send` takes it back (Telegram: an address of chat, forum topic and member). */
      readonly chatId: string;
      readonly message: UserMessage;
      /** A platform acknowledgement to send once the update is handled (Telegram: the callback query id). */
      readonly ackId?: string;
    }
  /** A valid update of a kind the runtime does not handle (edited message, poll, my_chat_member…): answer 200. */
  | { readonly kind: 'ignored'; readonly updateId?: string; readonly reason: string }
  /** Not an update of this platform at all: answer 400. */
  | { readonly kind: 'invalid'; readonly reason: string };

export interface OutboundMessage {
  /** The text, or the caption of `media` (may be empty then). */
  readonly text: string;
  readonly buttons: readonly OutboxButton[];
  /**
   * One medium to send with `text` as its caption. A file's source is a URL or a stored file (`{ file }`, opened
   * through the media store the adapter was given); shipped files (`{ path }`) are resolved before `send`.
   */
  readonly media?: OutMedia;
  /** When the user last wrote in this dialog (epoch ms): channels with a customer-service window check it. */
  readonly lastInboundAt?: number;
  /** How to send it when that window is closed (a WhatsApp template, a Messenger tag). */
  readonly outsideWindow?: OutsideWindow;
}

/** What a platform said of a message it accepted: its ids (one per platform message), for status callbacks. */
export interface SendReceipt {
  readonly ids: readonly string[];
}

/** A file fetched from a platform: its bytes as a stream (with what the platform says of them), or already stored (web chat uploads). */
export type MediaDownload =
  | { readonly kind: 'stream'; readonly body: Readable; readonly size?: number; readonly mime?: string; readonly name?: string }
  | { readonly kind: 'stored'; readonly file: StoredFile };

/**
 * A download that failed. `retry`: a network error, a timeout or a 5xx (tried again later); `permanent`: the
 * platform refused (the file is too big for it, or gone). The message never contains a URL with a token.
 */
export class MediaDownloadError extends Error {
  override readonly name = 'MediaDownloadError';
  constructor(
    message: string,
    readonly kind: 'retry' | 'permanent',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A delivery failure, classified so the runtime knows what to do:
 * - `retry`: try again after `retryAfterMs` (HTTP 429 with retry_after, 5xx, network errors);
 * - `blocked`: the user blocked the bot or left (HTTP 403): mark the dialog, drop its pending replies;
 * - `permanent`: the platform refused this message (other 4xx): log it and go on with the next.
 * The message never contains a token.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly kind: 'retry' | 'blocked' | 'permanent',
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Sends replies of one platform for any number of bots. */
export interface PlatformAdapter {
  readonly platform: string;
  /** Validates and classifies an inbound update (the raw body of a webhook or a polled update) of bot `botId`. */
  parseUpdate(update: unknown, botId: string): ParsedUpdate;
  /** Delivers one message; throws DeliveryError. Platforms with status callbacks return the ids of what they accepted. */
  send(botId: string, chatId: string, message: OutboundMessage): Promise<void | SendReceipt>;
  /** Splits a reply that exceeds the channel's limits into parts sent in order (buttons on the last part). */
  split?(message: OutboundMessage): OutboundMessage[];
  /**
   * Starts the download of a file a user sent (`file.ref` as the adapter's parseUpdate put it). Throws
   * MediaDownloadError. Absent: the platform takes no files.
   */
  download?(botId: string, file: IncomingFile, signal: AbortSignal): Promise<MediaDownload>;
  /** Acknowledges an update (answers a callback query); failures are not fatal. */
  acknowledge?(botId: string, ackId: string): Promise<void>;
  /**
   * The acknowledgement as a platform call to put in the webhook's HTTP answer instead (Telegram: an
   * answerCallbackQuery object), or undefined to send it with `acknowledge`. Its result is never known.
   */
  inlineAcknowledge?(botId: string, ackId: string): Readonly<Record<string, unknown>> | undefined;
  /** The platform calls behind `send` and `acknowledge` (Telegram: sendMessage, answerCallbackQuery), for ADAPTER log lines. */
  readonly methods?: { readonly send: string; readonly acknowledge?: string };
  /**
   * Whether this process can send for the bot (Telegram: its token is registered here). When false, the bot's
   * replies are left pending, unclaimed, for a process that can. Absent means always.
   */
  canSend?(botId: string): boolean;
}
