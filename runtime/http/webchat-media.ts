import type Router from '@koa/router';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import type { Context, Middleware } from 'koa';
import type { FileKind, IrInput } from '../../compiler/index.js';
import { expectsOf, FILE_ID, kindFor, parseWebChatUpdate, SESSION_ID, type ChatExpects } from '../adapters/webchat/index.js';
import type { DialogManager } from '../dialogs/index.js';
import { cleanName, mimeAccepted, type MediaStore } from '../media/index.js';
import type { DialogKey, Store } from '../store/index.js';
import { param } from './admin-context.js';

/** WEBCHAT_MAX_UPLOAD_BYTES's default: 20 MB, Telegram's limit for a file a bot downloads. */
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const WEBCHAT_PLATFORM = 'webchat';

export interface WebChatMediaDeps {
  readonly manager: DialogManager;
  readonly store: Store;
  readonly media: MediaStore;
  readonly maxUploadBytes: number;
}

/** The input the dialog's step waits for, in the scenario the bot runs. */
export function inputOf(manager: DialogManager, botId: string, step: string | null | undefined): IrInput | undefined {
  return step ? manager.configOf(botId)?.states[step]?.meta?.input : undefined;
}

/** What the session's step expects in media now, within the upload limit; undefined when it takes none. */
export function expectsNow(deps: Pick<WebChatMediaDeps, 'manager' | 'maxUploadBytes'>, botId: string, dialog: { step: string | null; status: string } | undefined) {
  return dialog?.status === 'active' ? expectsOf(inputOf(deps.manager, botId, dialog.step), deps.maxUploadBytes) : undefined;
}

export function sessionOf(ctx: Context): string {
  const session = param(ctx, 'session');
  if (!SESSION_ID.test(session)) ctx.throw(400, 'the session id must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -');
  return session;
}

/** The file name an upload declares in X-File-Name (percent-encoded UTF-8, as encodeURIComponent makes it). */
function declaredName(ctx: Context): string | undefined {
  const raw = ctx.get('x-file-name');
  if (raw === '') return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return ctx.throw(400, 'X-File-Name must be percent-encoded UTF-8');
  }
}

/**
 * Streams an upload of the session into the media store, within the step's limits: a Content-Length over the
 * limit is refused before a byte is read, a body that grows past it is cut off (and the connection closed), and
 * the type is read from the bytes.
 */
function upload(deps: WebChatMediaDeps, knownBot: (ctx: Context) => string): Middleware {
  return async (ctx) => {
    const botId = knownBot(ctx);
    const key: DialogKey = { botId, platform: WEBCHAT_PLATFORM, chatId: sessionOf(ctx) };
    const dialog = await deps.store.getDialog(key);
    const files = expectsNow(deps, botId, dialog)?.files;
    if (!files) return ctx.throw(409, 'the conversation does not wait for a file now');
    const maxBytes = files.maxBytes;
    // Unread bytes stay unread: the client learns of the refusal, then the connection closes.
    const refuse = (status: number, message: string): never => {
      ctx.set('Connection', 'close');
      return ctx.throw(status, message);
    };
    const length = ctx.request.length;
    if (length !== undefined && length > maxBytes) refuse(413, `the file is larger than ${maxBytes} bytes`);
    const declaredMime = ctx.request.type || undefined;
    // A declared type is a hint to refuse early; the type read from the bytes decides.
    if (declaredMime && declaredMime !== 'application/octet-stream' && !mimeAccepted(declaredMime, files.accept)) refuse(415, `a file of type ${declaredMime} is not accepted here: send ${files.accept!.join(', ')}`);
    // Not destroyed when put stops early: the answer still goes out on this connection.
    const body = ctx.req.iterator({ destroyOnReturn: false });
    const name = declaredName(ctx);
    let result;
    try {
      result = await deps.media.put(body, { maxBytes, ...(files.accept ? { mime: files.accept } : {}), ...(name === undefined ? {} : { name }), ...(declaredMime ? { declaredMime } : {}) });
    } catch (err) {
      // The client went away mid-body: its failure, not the server's (the store kept nothing).
      if (ctx.req.destroyed || ctx.req.readableAborted) return ctx.throw(400, 'the upload was interrupted', { cause: err });
      throw err;
    }
    if (!result.ok) return refuse(result.error === 'too_large' ? 413 : 415, result.detail);
    const { id, name: stored, mime, size } = result.file;
    ctx.status = 201;
    ctx.body = { id, name: stored, mime, size };
  };
}

/**
 * The files of a posted message as the store knows them: each must be an upload, of a kind its type fits. The
 * type and size always come from the store, whatever the page sent; the name is the page's (the one its upload
 * answered), cleaned. Throws 400 otherwise.
 */
export async function resolveFiles(ctx: Context, deps: Pick<WebChatMediaDeps, 'manager' | 'store' | 'maxUploadBytes'> & { media?: MediaStore | undefined }, botId: string, body: unknown): Promise<unknown> {
  const parsed = parseWebChatUpdate(body);
  if (parsed.kind !== 'message' || !parsed.message.files) return body;
  if (!deps.media) return ctx.throw(400, 'this server takes no files');
  const raw = (body as { files: { kind?: FileKind }[] }).files;
  const dialog = await deps.store.getDialog({ botId, platform: WEBCHAT_PLATFORM, chatId: parsed.chatId });
  const stepKinds = expectsNow(deps, botId, dialog)?.files?.kinds;
  const files = [];
  for (const [i, f] of parsed.message.files.entries()) {
    const stored = await deps.media.stat(f.ref);
    if (!stored) return ctx.throw(400, `"files[${i}]" is not an upload: upload it first`);
    const kind = kindFor(stored.mime, raw[i]!.kind, stepKinds);
    if (typeof kind !== 'string') return ctx.throw(400, `"files[${i}]": ${kind.refused}`);
    // The store keeps the name of the first upload of these bytes, perhaps another session's: never shown here.
    const name = cleanName(f.name, `file${extname(stored.name)}`);
    files.push({ id: stored.id, kind, mime: stored.mime, size: stored.size, name });
  }
  return { ...(body as object), files };
}

/**
 * The name the dialog's history shows the file under, when it shows the file: only then may its session read it
 * (under that name: the store's may be another chat's upload of the same bytes).
 */
async function referenced(store: Store, key: DialogKey, id: string): Promise<string | undefined> {
  const PAGE = 500;
  for (let afterRev = 0; ; ) {
    const entries = await store.history(key, { afterRev, limit: PAGE });
    for (const e of entries) for (const m of e.media ?? []) if ('file' in m && m.file?.id === id) return m.file.name;
    if (entries.length < PAGE) return undefined;
    afterRev = entries[entries.length - 1]!.rev;
    // A page that ends inside a revision: read that revision again rather than skip its rest.
    if (entries[0]!.rev !== afterRev) afterRev -= 1;
  }
}

/** Shown in the page: images, video and audio; everything else is downloaded, never rendered from this origin. */
const INLINE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|video\/|audio\/)/;

/** A Content-Disposition with an ASCII fallback name and the UTF-8 one. */
function disposition(type: 'inline' | 'attachment', name: string): string {
  const ascii = cleanName(name, 'file').replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '_');
  // encodeURIComponent leaves ' ( ) * as they are; RFC 8187's value has no place for them.
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/** The one byte range a Range header asks for, inclusive; undefined for the whole file (absent, or not one range). */
export function byteRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const [start, end] = m[1] === '' ? [Math.max(0, size - Number(m[2])), size - 1] : [Number(m[1]), m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)];
  return start >= size || start > end || (m[1] === '' && Number(m[2]) === 0) ? 'unsatisfiable' : { start, end };
}

/** Bytes start..end (inclusive) of a file's stream: the stores read from the start, so what comes before is skipped. */
async function* slice(body: Readable, start: number, end: number): AsyncGenerator<Uint8Array> {
  let at = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const next = at + chunk.length;
      if (next > start) yield chunk.subarray(Math.max(0, start - at), Math.min(chunk.length, end + 1 - at));
      at = next;
      if (at > end) return;
    }
  } finally {
    body.destroy();
  }
}

/** A stored file for the session whose dialog references it; 404 for every other case, so ids cannot be probed. */
function serve(deps: WebChatMediaDeps, knownBot: (ctx: Context) => string): Middleware {
  return async (ctx) => {
    const botId = knownBot(ctx);
    const key: DialogKey = { botId, platform: WEBCHAT_PLATFORM, chatId: sessionOf(ctx) };
    const id = param(ctx, 'id');
    const missing = (): never => ctx.throw(404, 'no such file in this conversation');
    if (!FILE_ID.test(id)) missing();
    // The store first: an id it does not hold costs no read of the conversation (the history may be long).
    const file = await deps.media.stat(id);
    const name = file && (await referenced(deps.store, key, id));
    if (!file || name === undefined) return missing();
    const body = await deps.media.open(id);
    if (!body) return missing();
    // As stored: Koa's type setter would add a charset the bytes may not have.
    ctx.set('Content-Type', file.mime);
    // Players seek with ranges (Safari plays no video without them).
    ctx.set('Accept-Ranges', 'bytes');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "sandbox; default-src 'none'");
    ctx.set('Content-Disposition', disposition(INLINE.test(file.mime) ? 'inline' : 'attachment', name));
    // The bytes of an id never change; only this session may read them.
    ctx.set('Cache-Control', 'private, max-age=86400');
    ctx.set('ETag', `"${file.id}"`);
    if (ctx.get('if-none-match') === `"${file.id}"`) {
      body.destroy();
      ctx.status = 304;
      return;
    }
    const range = byteRange(ctx.get('range'), file.size);
    if (range === 'unsatisfiable') {
      body.destroy();
      ctx.set('Content-Range', `bytes */${file.size}`);
      return ctx.throw(416, `the file has ${file.size} bytes`);
    }
    if (range) {
      ctx.status = 206;
      ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
      ctx.body = Readable.from(slice(body, range.start, range.end), { objectMode: false });
      ctx.length = range.end - range.start + 1;
      return;
    }
    ctx.body = body;
    ctx.length = file.size;
  };
}

/** Uploads and the session's files; `limit` is the messages' rate limit, shared. */
export function mountWebChatMedia(router: Router, deps: WebChatMediaDeps, knownBot: (ctx: Context) => string, limit: Middleware): void {
  router.post('/chat/api/bots/:botId/sessions/:session/uploads', limit, upload(deps, knownBot));
  router.get('/chat/api/bots/:botId/sessions/:session/media/:id', serve(deps, knownBot));
}

export type { ChatExpects };
