// Media through the Bot API: downloads of what users sent (getFile, then the file URL, which holds the bot token
// and so never leaves this file), and sending files by URL, by a cached file_id, or by upload from the media store.
import { PassThrough, type Readable } from 'node:stream';
import { TelegramError } from 'telegraf';
import type { IncomingFile, OutMedia, StoredFile } from '../../engine/index.js';
import type { MediaStore } from '../../media/index.js';
import { DeliveryError, MediaDownloadError, type MediaDownload } from '../types.js';
import { describeError, toDeliveryError } from './errors.js';
import { MediaClient } from './media-client.js';
import { redactToken } from './token.js';

const MB = 1024 * 1024;
/** getFile serves files up to 20 MB. */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * MB;
/** Uploads: photos up to 10 MB (a larger one is sent as a document), other files up to 50 MB. */
export const TELEGRAM_PHOTO_UPLOAD_LIMIT = 10 * MB;
export const TELEGRAM_UPLOAD_LIMIT = 50 * MB;
export const TELEGRAM_CAPTION_LIMIT = 1024;
/** file_ids remembered per process (the oldest is forgotten first); a forgotten one costs an upload. */
const FILE_ID_CACHE_SIZE = 10_000;

type FileMedia = Extract<OutMedia, { source: unknown }>;
type FileMethod = 'sendPhoto' | 'sendVideo' | 'sendAudio' | 'sendDocument';
const METHODS: Readonly<Record<FileMedia['type'], { method: FileMethod; field: string }>> = {
  image: { method: 'sendPhoto', field: 'photo' },
  video: { method: 'sendVideo', field: 'video' },
  audio: { method: 'sendAudio', field: 'audio' },
  document: { method: 'sendDocument', field: 'document' },
};
const AS_DOCUMENT = METHODS.document;

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

/** A file_id Telegram no longer knows (another bot's, or expired): the upload is tried instead. */
function isWrongFileId(err: unknown): boolean {
  return err instanceof TelegramError && err.code === 400 && /wrong file identifier|file_id|wrong remote file|file reference/i.test(err.description);
}

/** A failure of a download, classified, with a message and cause that hold no token. */
function downloadError(err: unknown, token: string, what: string): MediaDownloadError {
  if (err instanceof MediaDownloadError) return err;
  const d = describeError(err, token);
  const cause = new Error(d.message);
  cause.name = d.name;
  const retry = err instanceof TelegramError ? err.code === 429 || err.code >= 500 : true;
  return new MediaDownloadError(`telegram ${what} failed: ${d.message}`, retry ? 'retry' : 'permanent', { cause });
}

/** The file_id of a file the bot just sent, from the Message Telegram returned (a photo: its largest size). */
function sentFileId(result: unknown, field: string): string | undefined {
  const value = (result as Record<string, unknown> | null | undefined)?.[field];
  if (Array.isArray(value)) {
    let best: { file_id?: unknown; width?: unknown; height?: unknown } | undefined;
    for (const s of value as { file_id?: unknown; width?: unknown; height?: unknown }[]) {
      if (!best || Number(s.width) * Number(s.height) >= Number(best.width) * Number(best.height)) best = s;
    }
    return typeof best?.file_id === 'string' ? best.file_id : undefined;
  }
  const id = (value as { file_id?: unknown } | undefined)?.file_id;
  return typeof id === 'string' ? id : undefined;
}

export interface MediaTarget {
  readonly chat: string;
  readonly thread?: number;
  readonly replyMarkup?: object;
}

export class TelegramMedia {
  private readonly client: MediaClient;
  /** `<bot>\0<method>\0<sha256>` → file_id: Telegram's ids are valid for the bot that sent the file only. */
  private readonly fileIds = new Map<string, string>();

  constructor(
    apiRoot: string,
    timeoutMs: number,
    private readonly retryDelayMs: number,
    private readonly store: MediaStore | undefined,
  ) {
    this.client = new MediaClient(apiRoot, timeoutMs);
  }

  /** file_ids cached now (for tests). */
  get cachedFileIds(): number {
    return this.fileIds.size;
  }

  async download(token: string, file: IncomingFile, signal: AbortSignal): Promise<MediaDownload> {
    const tooBig = (size: number) =>
      new MediaDownloadError(`the file is ${mb(size)}: Telegram lets bots download files up to 20 MB, so this one cannot be taken`, 'permanent');
    if (file.size !== undefined && file.size > TELEGRAM_DOWNLOAD_LIMIT) throw tooBig(file.size);
    let info: { file_path?: unknown; file_size?: unknown };
    try {
      info = (await this.client.call(token, 'getFile', { file_id: file.ref }, signal)) as typeof info;
    } catch (err) {
      if (err instanceof TelegramError && /too big/i.test(err.description)) throw tooBig(file.size ?? TELEGRAM_DOWNLOAD_LIMIT + 1);
      throw downloadError(err, token, 'getFile');
    }
    const size = typeof info?.file_size === 'number' ? info.file_size : file.size;
    if (size !== undefined && size > TELEGRAM_DOWNLOAD_LIMIT) throw tooBig(size);
    if (typeof info?.file_path !== 'string' || info.file_path === '') throw new MediaDownloadError('telegram getFile gave no file path: the file cannot be downloaded', 'permanent');
    let res;
    try {
      res = await this.client.file(token, info.file_path, signal);
    } catch (err) {
      throw downloadError(err, token, 'download');
    }
    if (res.statusCode !== 200) {
      // Read and dropped (small: an error page), so the connection can be reused.
      res.body.dump().catch(() => undefined);
      const kind = res.statusCode >= 500 || res.statusCode === 429 ? 'retry' : 'permanent';
      throw new MediaDownloadError(`telegram download failed: HTTP ${res.statusCode}`, kind);
    }
    const length = Number(res.headers['content-length']);
    return {
      kind: 'stream',
      body: tokenFree(res.body, token),
      ...(Number.isSafeInteger(length) && length >= 0 ? { size: length } : size !== undefined ? { size } : {}),
      ...(file.mime !== undefined ? { mime: file.mime } : {}),
      ...(file.name !== undefined ? { name: file.name } : {}),
    };
  }

  /** Sends one medium; `caption` is the message's text. Throws DeliveryError. */
  async send(token: string, botId: string, to: MediaTarget, media: OutMedia, caption: string, sendText: (text: string) => Promise<void>): Promise<void> {
    const base: Record<string, unknown> = { chat_id: to.chat };
    if (to.thread !== undefined) base['message_thread_id'] = to.thread;
    if (to.replyMarkup) base['reply_markup'] = to.replyMarkup;
    if (!('source' in media)) {
      // Cards take no caption: a text goes first, as its own message.
      if (caption !== '') await sendText(caption);
      if (media.kind === 'contact') {
        const payload = { ...base, phone_number: media.phone, first_name: media.first_name, ...(media.last_name !== undefined ? { last_name: media.last_name } : {}) };
        return this.json(token, 'sendContact', payload);
      }
      const at = { ...base, latitude: media.latitude, longitude: media.longitude };
      if (media.title === undefined && media.address === undefined) return this.json(token, 'sendLocation', at);
      return this.json(token, 'sendVenue', { ...at, title: media.title ?? media.address, address: media.address ?? media.title });
    }
    // A caption over Telegram's 1024 characters is sent whole as a text before the file, never cut.
    if (caption.length > TELEGRAM_CAPTION_LIMIT) {
      await sendText(caption);
      caption = '';
    }
    if (caption !== '') base['caption'] = caption;
    const source = media.source;
    let { method, field } = METHODS[media.type];
    if ('url' in source) return this.json(token, method, { ...base, [field]: source.url });
    if (!('file' in source)) throw new DeliveryError('a shipped file reached the Telegram adapter unresolved: it must be stored first', 'permanent');
    const file = source.file;
    if (method === 'sendPhoto' && file.size > TELEGRAM_PHOTO_UPLOAD_LIMIT) ({ method, field } = AS_DOCUMENT);
    if (file.size > TELEGRAM_UPLOAD_LIMIT) {
      throw new DeliveryError(`the file ${file.name} is ${mb(file.size)}: Telegram takes uploads of bots up to 50 MB`, 'permanent');
    }
    const key = `${botId}\u0000${method}\u0000${file.sha256}`;
    const cached = this.fileIds.get(key);
    if (cached !== undefined) {
      try {
        await this.client.call(token, method, { ...base, [field]: cached });
        return;
      } catch (err) {
        if (!isWrongFileId(err)) throw toDeliveryError(err, token, method, this.retryDelayMs);
        this.fileIds.delete(key);
      }
    }
    const result = await this.upload(token, method, field, base, file);
    const id = sentFileId(result, field);
    if (id !== undefined) this.remember(key, id);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private async upload(token: string, method: FileMethod, field: string, base: Record<string, unknown>, file: StoredFile): Promise<unknown> {
    if (!this.store) throw new DeliveryError('no media store was given to the Telegram adapter: stored files cannot be uploaded', 'permanent');
    const body = await this.store.open(file.id);
    if (!body) throw new DeliveryError(`the stored file ${file.id} is gone from the media store`, 'permanent');
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(base)) fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
    try {
      return await this.client.upload(token, method, fields, { field, name: file.name, mime: file.mime, size: file.size, body });
    } catch (err) {
      throw toDeliveryError(err, token, method, this.retryDelayMs);
    }
  }

  private async json(token: string, method: string, payload: object): Promise<void> {
    try {
      await this.client.call(token, method, payload);
    } catch (err) {
      throw toDeliveryError(err, token, method, this.retryDelayMs);
    }
  }

  private remember(key: string, id: string): void {
    this.fileIds.delete(key);
    this.fileIds.set(key, id);
    if (this.fileIds.size > FILE_ID_CACHE_SIZE) this.fileIds.delete(this.fileIds.keys().next().value!);
  }
}

/** The body of a download, its errors re-raised as MediaDownloadError 'retry' without the token (a cut connection). */
function tokenFree(body: Readable, token: string): Readable {
  const out = new PassThrough();
  body.on('error', (err) => {
    const cause = new Error(redactToken(err.message, token));
    cause.name = err.name;
    out.destroy(new MediaDownloadError(`telegram download failed: ${cause.message}`, 'retry', { cause }));
  });
  out.on('close', () => {
    if (!body.readableEnded) body.destroy();
  });
  body.pipe(out);
  return out;
}
