import type { IncomingFile, OutMedia, StoredFile } from '../../engine/index.js';
import type { MediaStore } from '../../media/index.js';
import { DeliveryError, MediaDownloadError, type MediaDownload, type OutboundMessage, type ParsedUpdate, type PlatformAdapter } from '../types.js';
import { bounded, discard } from '../meta/index.js';
import { DEFAULT_THROTTLE_MS, deliveryErrorOf, readGraphError, redact } from './errors.js';
import { DEFAULT_GRAPH_ROOT, DEFAULT_GRAPH_VERSION, GraphClient, GraphNetworkError } from './graph-client.js';
import { parseWhatsAppWebhook } from './parse.js';
import { renderWhatsApp, splitWhatsApp, type MediaRef } from './render.js';

const MB = 1024 * 1024;
/** What WhatsApp carries per medium kind; a larger file cannot have come from it, nor go out through it. */
export const WHATSAPP_MEDIA_LIMITS: Readonly<Record<'image' | 'video' | 'audio' | 'document', number>> = { image: 5 * MB, video: 16 * MB, audio: 16 * MB, document: 100 * MB };
const downloadLimit = (kind: IncomingFile['kind']): number =>
  kind === 'photo' ? WHATSAPP_MEDIA_LIMITS.image : kind === 'document' ? WHATSAPP_MEDIA_LIMITS.document : WHATSAPP_MEDIA_LIMITS.video;

export interface WhatsAppAdapterOptions {
  /** Default https://graph.facebook.com (the fake Graph API's url in tests). */
  readonly apiRoot?: string;
  /** Default v21.0. */
  readonly version?: string;
  /** Per call; default 30 s. A timed-out send is retried, so it may arrive twice. */
  readonly timeoutMs?: number;
  /** The wait after throttling; default 1000 ms (6 s for the per-user pair rate). */
  readonly retryDelayMs?: number;
  /** Where stored files are read from for uploads; without it, stored files fail as a permanent DeliveryError. */
  readonly media?: MediaStore;
}

/** A bot's WhatsApp number: the phone number id it sends from and the access token of its app. */
export interface WhatsAppBot {
  readonly phoneNumberId: string;
  readonly accessToken: string;
}

/** Delivers replies through the WhatsApp Cloud API for any number of bots. `chatId` is the user's wa_id. */
export class WhatsAppAdapter implements PlatformAdapter {
  readonly platform = 'whatsapp';
  readonly methods = { send: 'messages' } as const;
  private readonly client: GraphClient;
  private readonly retryDelayMs: number;
  private readonly mediaStore: MediaStore | undefined;
  private readonly bots = new Map<string, WhatsAppBot>();

  constructor(options: WhatsAppAdapterOptions = {}) {
    this.client = new GraphClient(options.apiRoot ?? DEFAULT_GRAPH_ROOT, options.version ?? DEFAULT_GRAPH_VERSION, options.timeoutMs ?? 30_000);
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_THROTTLE_MS;
    this.mediaStore = options.media;
  }

  addBot(botId: string, bot: WhatsAppBot): void {
    if (!/^\d{1,32}$/.test(bot.phoneNumberId)) throw new Error(`bot ${botId}: the WhatsApp phone number id must be digits`);
    if (bot.accessToken.trim() === '') throw new Error(`bot ${botId}: the WhatsApp access token is empty`);
    this.bots.set(botId, bot);
  }

  removeBot(botId: string): boolean {
    return this.bots.delete(botId);
  }

  canSend(botId: string): boolean {
    return this.bots.has(botId);
  }

  /**
   * A body holding exactly one message. Meta may batch several messages and statuses in one body: the webhook
   * route uses parseWhatsAppWebhook, which returns them all; this is for callers that split them first.
   */
  parseUpdate(update: unknown): ParsedUpdate {
    const parsed = parseWhatsAppWebhook(update);
    if (parsed.kind === 'invalid') return parsed;
    const updates = parsed.events.flatMap((e) => (e.kind === 'update' ? [e.update] : []));
    if (updates.length === 1) return updates[0]!;
    if (updates.length === 0) return { kind: 'ignored', reason: parsed.events.length > 0 ? 'status updates only' : 'no messages' };
    return { kind: 'invalid', reason: `${updates.length} messages in one body: parse it with parseWhatsAppWebhook` };
  }

  /** The messages a reply goes out as (long texts split, a menu written out), so a retry resumes after the parts sent. */
  split(message: OutboundMessage): OutboundMessage[] {
    return splitWhatsApp(message);
  }

  /** Sends each payload renderWhatsApp makes, in order; a stored file is uploaded first. Throws DeliveryError. */
  async send(botId: string, chatId: string, message: OutboundMessage): Promise<void> {
    const bot = this.bot(botId);
    const ref = message.media ? await this.mediaRef(bot, message.media) : undefined;
    for (const payload of renderWhatsApp(message, ref)) {
      await this.post(bot, { messaging_product: 'whatsapp', recipient_type: 'individual', to: chatId, ...payload });
    }
  }

  /** GET /{media-id} for the URL, then the bytes with the bearer, streamed and bounded. Throws MediaDownloadError. */
  async download(botId: string, file: IncomingFile, signal: AbortSignal): Promise<MediaDownload> {
    const bot = this.bots.get(botId);
    if (!bot) throw new MediaDownloadError(`whatsapp bot ${botId} is not registered in this process`, 'retry');
    const limit = downloadLimit(file.kind);
    const tooBig = (size: number) => new MediaDownloadError(`the file is ${(size / MB).toFixed(1)} MB: WhatsApp carries at most ${limit / MB} MB for this kind`, 'permanent');
    let info;
    try {
      info = await this.client.getJson(bot.accessToken, encodeURIComponent(file.ref), 'media lookup', signal);
    } catch (err) {
      throw this.downloadError(err);
    }
    if (info.status !== 200) {
      const e = readGraphError(info.status, info.body);
      const kind = info.status >= 500 || info.status === 429 ? 'retry' : 'permanent';
      throw new MediaDownloadError(`whatsapp media lookup failed (HTTP ${info.status}${e.code !== undefined ? `, Graph error ${e.code}` : ''})`, kind);
    }
    const body = (info.body ?? {}) as { url?: unknown; mime_type?: unknown; file_size?: unknown };
    if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) throw new MediaDownloadError('whatsapp media lookup gave no URL', 'permanent');
    const declared = Number(body.file_size);
    if (Number.isFinite(declared) && declared > limit) throw tooBig(declared);
    let res;
    try {
      res = await this.client.getBytes(bot.accessToken, body.url, signal);
    } catch (err) {
      throw this.downloadError(err);
    }
    if (res.statusCode !== 200) {
      discard(res.body);
      throw new MediaDownloadError(`whatsapp media download failed: HTTP ${res.statusCode}`, res.statusCode >= 500 || res.statusCode === 429 ? 'retry' : 'permanent');
    }
    const length = Number(res.headers['content-length']);
    if (Number.isFinite(length) && length > limit) {
      discard(res.body);
      throw tooBig(length);
    }
    const mime = typeof body.mime_type === 'string' ? body.mime_type : file.mime;
    const size = Number.isFinite(length) ? length : Number.isFinite(declared) ? declared : undefined;
    return { kind: 'stream', body: bounded(res.body, limit, tooBig, 'whatsapp'), ...(size !== undefined ? { size } : {}), ...(mime ? { mime } : {}), ...(file.name ? { name: file.name } : {}) };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private bot(botId: string): WhatsAppBot {
    const bot = this.bots.get(botId);
    if (!bot) throw new DeliveryError(`whatsapp bot ${botId} is not registered`, 'retry');
    return bot;
  }

  private async post(bot: WhatsAppBot, payload: object): Promise<void> {
    let answer;
    try {
      answer = await this.client.postJson(bot.accessToken, `${bot.phoneNumberId}/messages`, payload, 'send');
    } catch (err) {
      throw new DeliveryError(`whatsapp send failed: ${redact(err instanceof Error ? err.message : String(err), bot.accessToken)}`, 'retry');
    }
    if (answer.status >= 200 && answer.status < 300) return;
    throw deliveryErrorOf(readGraphError(answer.status, answer.body), bot.accessToken, this.retryDelayMs);
  }

  /** A link as it is; a stored file uploaded (POST /{phone-number-id}/media) for its media id. */
  private async mediaRef(bot: WhatsAppBot, media: OutMedia): Promise<MediaRef | undefined> {
    if ('kind' in media) return undefined;
    const source = media.source;
    if ('url' in source) return { link: source.url };
    if (!('file' in source)) throw new DeliveryError('whatsapp: a shipped file must be resolved to a stored file before send', 'permanent');
    return { id: await this.upload(bot, media.type, source.file) };
  }

  private async upload(bot: WhatsAppBot, type: keyof typeof WHATSAPP_MEDIA_LIMITS, file: StoredFile): Promise<string> {
    if (file.size > WHATSAPP_MEDIA_LIMITS[type]) {
      throw new DeliveryError(`whatsapp: the ${type} is ${(file.size / MB).toFixed(1)} MB, over WhatsApp's ${WHATSAPP_MEDIA_LIMITS[type] / MB} MB`, 'permanent');
    }
    if (!this.mediaStore) throw new DeliveryError('whatsapp: no media store is configured, so a stored file cannot be uploaded', 'permanent');
    const body = await this.mediaStore.open(file.id);
    if (!body) throw new DeliveryError(`whatsapp: stored file ${file.id} is gone`, 'permanent');
    let answer;
    try {
      answer = await this.client.upload(bot.accessToken, bot.phoneNumberId, { name: file.name, mime: file.mime, size: file.size, body });
    } catch (err) {
      throw new DeliveryError(`whatsapp media upload failed: ${redact(err instanceof Error ? err.message : String(err), bot.accessToken)}`, 'retry');
    }
    const id = (answer.body as { id?: unknown } | undefined)?.id;
    if (answer.status === 200 && typeof id === 'string') return id;
    throw deliveryErrorOf(readGraphError(answer.status, answer.body), bot.accessToken, this.retryDelayMs);
  }

  private downloadError(err: unknown): MediaDownloadError {
    if (err instanceof GraphNetworkError) return new MediaDownloadError(`whatsapp ${err.message}`, 'retry');
    return new MediaDownloadError('whatsapp media download failed', 'retry');
  }
}
