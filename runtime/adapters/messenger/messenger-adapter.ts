import type { IncomingFile, OutMedia, StoredFile } from '../../engine/index.js';
import type { MediaStore } from '../../media/index.js';
import { bounded, DEFAULT_GRAPH_ROOT, DEFAULT_GRAPH_VERSION, discard, GraphClient, GraphNetworkError, readGraphError, redact } from '../meta/index.js';
import { DeliveryError, MediaDownloadError, type MediaDownload, type OutboundMessage, type ParsedUpdate, type PlatformAdapter, type SendReceipt } from '../types.js';
import { DEFAULT_THROTTLE_MS, messagingTypeOf, messengerDeliveryError } from './errors.js';
import { parseMessengerWebhook } from './parse.js';
import { renderMessenger, splitMessenger, type AttachmentRef } from './render.js';

const MB = 1024 * 1024;
/** Messenger's attachment limit, both ways. */
export const MESSENGER_ATTACHMENT_LIMIT = 25 * MB;

export interface MessengerAdapterOptions {
  /** Default https://graph.facebook.com (the fake Graph API's url in tests). */
  readonly apiRoot?: string;
  /** Default v21.0. */
  readonly version?: string;
  /** Per call; default 30 s. A timed-out send is retried, so it may arrive twice. */
  readonly timeoutMs?: number;
  /** The wait after throttling; default 1000 ms. */
  readonly retryDelayMs?: number;
  /** Where stored files are read from for uploads; without it, stored files fail as a permanent DeliveryError. */
  readonly media?: MediaStore;
  /** The largest attachment downloaded; default 25 MB (Messenger's own limit). */
  readonly maxDownloadBytes?: number;
  /** Epoch ms now, for the messaging window; default Date.now. */
  readonly now?: () => number;
}

/** A bot's Facebook page: its id and the page access token the bot sends with. */
export interface MessengerBot {
  readonly pageId: string;
  readonly pageToken: string;
}

/** Delivers replies through the Messenger Send API for any number of bots. `chatId` is the user's page-scoped id. */
export class MessengerAdapter implements PlatformAdapter {
  readonly platform = 'messenger';
  readonly methods = { send: 'me/messages' } as const;
  private readonly client: GraphClient;
  private readonly retryDelayMs: number;
  private readonly mediaStore: MediaStore | undefined;
  private readonly now: () => number;
  private readonly maxDownloadBytes: number;
  private readonly bots = new Map<string, MessengerBot>();

  constructor(options: MessengerAdapterOptions = {}) {
    this.client = new GraphClient(options.apiRoot ?? DEFAULT_GRAPH_ROOT, options.version ?? DEFAULT_GRAPH_VERSION, options.timeoutMs ?? 30_000);
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_THROTTLE_MS;
    this.mediaStore = options.media;
    this.now = options.now ?? Date.now;
    this.maxDownloadBytes = options.maxDownloadBytes ?? MESSENGER_ATTACHMENT_LIMIT;
  }

  addBot(botId: string, bot: MessengerBot): void {
    if (!/^\d{1,32}$/.test(bot.pageId)) throw new Error(`bot ${botId}: the Messenger page id must be digits`);
    if (bot.pageToken.trim() === '') throw new Error(`bot ${botId}: the Messenger page access token is empty`);
    this.bots.set(botId, bot);
  }

  removeBot(botId: string): boolean {
    return this.bots.delete(botId);
  }

  canSend(botId: string): boolean {
    return this.bots.has(botId);
  }

  /**
   * A body holding exactly one messaging event. Meta may batch several in one body: the webhook route uses
   * parseMessengerWebhook, which returns them all; this is for callers that split them first.
   */
  parseUpdate(update: unknown): ParsedUpdate {
    const parsed = parseMessengerWebhook(update);
    if (parsed.kind === 'invalid') return parsed;
    if (parsed.events.length === 1) return parsed.events[0]!.update;
    if (parsed.events.length === 0) return { kind: 'ignored', reason: 'no messaging events' };
    return { kind: 'invalid', reason: `${parsed.events.length} events in one body: parse it with parseMessengerWebhook` };
  }

  /** The messages a reply goes out as (long texts split, a menu written out), so a retry resumes after the parts sent. */
  split(message: OutboundMessage): OutboundMessage[] {
    return splitMessenger(message);
  }

  /**
   * Sends each message renderMessenger makes, in order, as RESPONSE within the 24-hour window or with the
   * scenario's message tag outside it (else refused, not attempted); a stored file is uploaded first.
   * Throws DeliveryError; returns the message ids Graph gave.
   */
  async send(botId: string, chatId: string, message: OutboundMessage): Promise<SendReceipt> {
    const bot = this.bot(botId);
    const type = messagingTypeOf(message.lastInboundAt, message.outsideWindow?.tag, this.now());
    if (type instanceof DeliveryError) throw type;
    const ref = message.media ? await this.attachmentRef(bot, message.media) : undefined;
    const ids: string[] = [];
    for (const payload of renderMessenger(message, ref)) {
      const id = await this.post(bot, { recipient: { id: chatId }, ...type, message: payload });
      if (id !== undefined) ids.push(id);
    }
    return { ids };
  }

  /** The attachment URL of the webhook, fetched without the token (it needs none), streamed and bounded. */
  async download(botId: string, file: IncomingFile, signal: AbortSignal): Promise<MediaDownload> {
    if (!this.bots.has(botId)) throw new MediaDownloadError(`messenger bot ${botId} is not registered in this process`, 'retry');
    if (!/^https?:\/\//.test(file.ref)) throw new MediaDownloadError('messenger attachment has no URL', 'permanent');
    const limit = this.maxDownloadBytes;
    const tooBig = (size: number) => new MediaDownloadError(`the file is ${(size / MB).toFixed(1)} MB: at most ${(limit / MB).toFixed(1)} MB is taken from Messenger`, 'permanent');
    let res;
    try {
      res = await this.client.getBytes(undefined, file.ref, signal);
    } catch (err) {
      throw new MediaDownloadError(err instanceof GraphNetworkError ? `messenger ${err.message}` : 'messenger media download failed', 'retry');
    }
    if (res.statusCode !== 200) {
      discard(res.body);
      throw new MediaDownloadError(`messenger media download failed: HTTP ${res.statusCode}`, res.statusCode >= 500 || res.statusCode === 429 ? 'retry' : 'permanent');
    }
    const length = Number(res.headers['content-length']);
    if (Number.isFinite(length) && length > limit) {
      discard(res.body);
      throw tooBig(length);
    }
    const header = res.headers['content-type'];
    const mime = (typeof header === 'string' ? header.split(';')[0]!.trim() : undefined) || file.mime;
    return { kind: 'stream', body: bounded(res.body, limit, tooBig, 'messenger'), ...(Number.isFinite(length) ? { size: length } : {}), ...(mime ? { mime } : {}), ...(file.name ? { name: file.name } : {}) };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private bot(botId: string): MessengerBot {
    const bot = this.bots.get(botId);
    if (!bot) throw new DeliveryError(`messenger bot ${botId} is not registered`, 'retry');
    return bot;
  }

  /** POST /me/messages with the page token as bearer (kept out of URLs and logs); the message id answered. */
  private async post(bot: MessengerBot, payload: object): Promise<string | undefined> {
    let answer;
    try {
      answer = await this.client.postJson(bot.pageToken, 'me/messages', payload, 'send');
    } catch (err) {
      throw new DeliveryError(`messenger send failed: ${redact(err instanceof Error ? err.message : String(err), bot.pageToken)}`, 'retry');
    }
    if (answer.status >= 200 && answer.status < 300) {
      const id = (answer.body as { message_id?: unknown } | undefined)?.message_id;
      return typeof id === 'string' ? id : undefined;
    }
    throw messengerDeliveryError(readGraphError(answer.status, answer.body), bot.pageToken, this.retryDelayMs);
  }

  /** A link as it is; a stored file uploaded (POST /me/message_attachments) for its attachment id. */
  private async attachmentRef(bot: MessengerBot, media: OutMedia): Promise<AttachmentRef | undefined> {
    if ('kind' in media) return undefined;
    const source = media.source;
    if ('url' in source) return { url: source.url };
    if (!('file' in source)) throw new DeliveryError('messenger: a shipped file must be resolved to a stored file before send', 'permanent');
    return { attachmentId: await this.upload(bot, media.type, source.file) };
  }

  private async upload(bot: MessengerBot, type: 'image' | 'video' | 'audio' | 'document', file: StoredFile): Promise<string> {
    if (file.size > MESSENGER_ATTACHMENT_LIMIT) {
      throw new DeliveryError(`messenger: the ${type} is ${(file.size / MB).toFixed(1)} MB, over Messenger's ${MESSENGER_ATTACHMENT_LIMIT / MB} MB`, 'permanent');
    }
    if (!this.mediaStore) throw new DeliveryError('messenger: no media store is configured, so a stored file cannot be uploaded', 'permanent');
    const body = await this.mediaStore.open(file.id);
    if (!body) throw new DeliveryError(`messenger: stored file ${file.id} is gone`, 'permanent');
    const message = JSON.stringify({ attachment: { type: type === 'document' ? 'file' : type, payload: { is_reusable: true } } });
    let answer;
    try {
      answer = await this.client.uploadMultipart(bot.pageToken, 'me/message_attachments', { message }, { field: 'filedata', name: file.name, mime: file.mime, size: file.size, body });
    } catch (err) {
      throw new DeliveryError(`messenger attachment upload failed: ${redact(err instanceof Error ? err.message : String(err), bot.pageToken)}`, 'retry');
    }
    const id = (answer.body as { attachment_id?: unknown } | undefined)?.attachment_id;
    if (answer.status === 200 && typeof id === 'string') return id;
    throw messengerDeliveryError(readGraphError(answer.status, answer.body), bot.pageToken, this.retryDelayMs);
  }
}
