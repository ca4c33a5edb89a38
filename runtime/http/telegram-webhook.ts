// POST /webhooks/telegram/:botId on plain node:http: the hot path of a webhook bot, so it runs without Koa's
// context, router, body parser and middleware chain. Koa's router mounts the same handler (app.listen() callers,
// and the rare URL only the router matches), so both paths answer alike.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { MediaGroupBuffer, type MediaGroupOptions, type MediaGroupUpdate } from '../adapters/telegram/index.js';
import type { DialogManager, IncomingResult } from '../dialogs/index.js';
import type { Logger } from '../log/index.js';
import { StoreUnavailableError } from '../store/index.js';
import { statusOf } from './errors-middleware.js';
import type { IntakeGate } from './intake-gate.js';

export const WEBHOOK_BODY_LIMIT = '1mb';
const BODY_LIMIT_BYTES = 1024 * 1024;
export const TELEGRAM_WEBHOOK_ROUTE = '/webhooks/telegram/:botId';
const PREFIX = '/webhooks/telegram/';
/** Seconds a refused (overloaded) update should wait before Telegram redelivers it. */
const OVERLOAD_RETRY_AFTER = '1';
/** Tries of an album's update while the store is unavailable (about 30 s in all). */
const ALBUM_ATTEMPTS = 6;

/**
 * Constant time for a given length: the secret's length is not hidden (Telegram's secrets are 1-256 characters of
 * a public alphabet, and the derived ones always have 43), its content is.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface TelegramWebhookDeps {
  readonly manager: DialogManager;
  /** The secret Telegram must echo for this bot, or undefined when the bot has no Telegram webhook here. */
  readonly secretOf: (botId: string) => string | undefined;
  /** Writes a WEBHOOK line per request: DEBUG when handled, WARNING when refused (4xx), ERROR on 5xx. */
  readonly logger?: Logger;
  /** Holds updates while replies fall behind; without it every update is processed at once. */
  readonly intake?: IntakeGate;
  /**
   * How long an applied update's answer waits for its replies to go out (WEBHOOK_REPLY_WAIT_MS): Telegram sends a
   * chat's next update only after this answer, and a bot at most max_connections at once, so intake keeps pace
   * with delivery. 0 answers once the transition is committed.
   */
  readonly replyWaitMs?: number;
  /**
   * How the parts of an album are held before one combined update is handed to the dialog (default: 600 ms after
   * the last part, at most 3 s). A held part is answered 200 at once: Telegram sends a chat's next update only
   * after the previous one's answer, so holding the answer would keep the album's other parts away.
   */
  readonly mediaGroups?: MediaGroupOptions;
}

/** Resolves when `replies` settles or after `ms`, whichever comes first. */
function repliesOrTimeout(replies: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void replies.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Records one request in the HTTP metrics (labels as the Koa middleware's). */
export type RequestObserver = (method: string, route: string) => (status: number) => void;

export interface TelegramWebhook {
  /** The bot id when this request is a POST the fast path serves, else undefined (Koa serves it). */
  botIdOf(req: IncomingMessage): string | undefined;
  /** Answers the request; never throws. */
  serve(req: IncomingMessage, res: ServerResponse, botId: string, observe?: RequestObserver): Promise<void>;
  /** Hands the albums held now to the dialogs and waits for them (call before the dialog manager stops). */
  flush(): Promise<void>;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Close the connection after answering (a body left unread). */
    readonly close = false,
  ) {
    super(message);
  }
}

const CODES: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 503: 'UNAVAILABLE' };
const OK = Buffer.from('ok');
const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The update_id of a parsed body, when it has one (refusals before the body is read have none). */
function updateIdOf(body: unknown): string | undefined {
  const id = (body as { update_id?: unknown } | null | undefined)?.update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : undefined;
}

/** Whether a body is a message with a media_group_id (validated before it is held). */
function isAlbumPart(body: unknown): boolean {
  const message = (body as { message?: { media_group_id?: unknown } } | null | undefined)?.message;
  return typeof message === 'object' && message !== null && message.media_group_id !== undefined;
}

function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (type === undefined) return false;
  const semi = type.indexOf(';');
  return (semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase() === 'application/json';
}

/** The body, up to the limit; over it, reading stops and the connection closes after the 413. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > BODY_LIMIT_BYTES) return Promise.reject(new Refusal(413, 'request entity too large'));
  // A client gone while its request waited: the stream will say nothing more.
  if (req.destroyed) return Promise.reject(new Refusal(400, 'the request was aborted'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        cleanup();
        req.pause();
        reject(new Refusal(413, 'request entity too large', true));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new Refusal(400, `the body could not be read: ${err.message}`));
    };
    const onClose = (): void => {
      cleanup();
      reject(new Refusal(400, 'the request was aborted'));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  // Objects and arrays only, as the body parser's strict mode.
  if (!/^[\x20\x09\x0a\x0d]*[[{]/.test(text)) throw new Refusal(400, 'invalid JSON, only supports object and array');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Refusal(400, (err as Error).message);
  }
}

function send(res: ServerResponse, status: number, type: string, body: Buffer | string, extra?: Record<string, string>): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', bytes.length);
  if (extra) for (const name in extra) res.setHeader(name, extra[name]!);
  res.end(bytes);
}

/** The JSON error every route answers (errors-middleware.ts): client errors say what was wrong, 5xx say nothing. */
function sendError(res: ServerResponse, status: number, err: unknown, retryAfter = '5'): void {
  // A declared oversize body is left for node to discard (the connection stays usable); a streamed one is cut.
  if (err instanceof Refusal && err.close) res.setHeader('Connection', 'close');
  const message = status < 500 ? String((err as Error).message ?? 'bad request') : status === 503 ? 'temporarily unavailable, retry later' : 'internal error';
  const body = JSON.stringify({ error: { code: CODES[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL'), message } });
  send(res, status, 'application/json; charset=utf-8', body, status === 503 ? { 'Retry-After': retryAfter } : undefined);
}

/** Checks the bot and the secret before reading the body, so an unauthenticated caller cannot make the server parse a megabyte. */
export function telegramWebhook(deps: TelegramWebhookDeps): TelegramWebhook {
  const { manager, secretOf, logger, intake } = deps;
  const replyWaitMs = deps.replyWaitMs ?? 0;
  const albums = new Map<string, MediaGroupBuffer>();
  // Its parts were answered already, so Telegram will not deliver them again: a store that is briefly away is waited for.
  const applyAlbum = async (botId: string, update: MediaGroupUpdate): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await manager.processIncomingMessage({ botId, platform: 'telegram', update });
        return;
      } catch (err) {
        if (!(err instanceof StoreUnavailableError) || attempt >= ALBUM_ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** attempt)));
      }
    }
  };
  const albumsOf = (botId: string): MediaGroupBuffer => {
    let buffer = albums.get(botId);
    if (!buffer) {
      buffer = new MediaGroupBuffer((update) => applyAlbum(botId, update), {
        ...deps.mediaGroups,
        onError: (err) => logger?.error({ event_type: 'WEBHOOK', bot_id: botId, platform: 'telegram', err }, 'an album could not be processed'),
      });
      albums.set(botId, buffer);
    }
    return buffer;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, botId: string, seen: { body?: unknown; result?: IncomingResult }): Promise<number> => {
    const secret = secretOf(botId);
    if (secret === undefined) {
      throw new Refusal(404, manager.hasBot(botId) ? `bot ${JSON.stringify(botId)} has no Telegram token configured here` : `unknown bot ${JSON.stringify(botId)}`);
    }
    const given = req.headers['x-telegram-bot-api-secret-token'];
    if (!sameSecret(typeof given === 'string' ? given : '', secret)) throw new Refusal(401, 'missing or wrong X-Telegram-Bot-Api-Secret-Token');
    if (!isJson(req)) throw new Refusal(400, 'the body must be a JSON Telegram update (Content-Type: application/json)');
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') throw new Refusal(415, `unsupported content encoding ${JSON.stringify(encoding)}`);
    if (intake && !intake.tryEnter() && !(await intake.enter())) throw new Refusal(503, 'OVERLOADED');
    try {
      seen.body = parseJson(await readBody(req));
      const albums = albumsOf(botId);
      const part = isAlbumPart(seen.body);
      if (part) {
        const parsed = manager.parseUpdate('telegram', seen.body, botId);
        if (parsed.kind === 'invalid') throw new Refusal(400, `not a Telegram update: ${parsed.reason}`);
      }
      // Only an album part, or an update while albums are held, goes through the buffer.
      if ((part || albums.size > 0) && (await albums.take(seen.body))) {
        send(res, 200, 'text/plain; charset=utf-8', OK);
        return 200;
      }
      const result = await manager.processIncomingMessage({ botId, platform: 'telegram', update: seen.body, answerInline: true });
      seen.result = result;
      if (result.status === 'invalid') throw new Refusal(400, `not a Telegram update: ${result.reason}`);
      if (result.status === 'applied' && result.replies && replyWaitMs > 0) await repliesOrTimeout(result.replies, replyWaitMs);
      const answer = result.status === 'applied' || result.status === 'duplicate' ? result.webhookAnswer : undefined;
      if (answer) send(res, 200, 'application/json; charset=utf-8', JSON.stringify(answer));
      else send(res, 200, 'text/plain; charset=utf-8', OK);
      return 200;
    } finally {
      intake?.leave();
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, botId: string, observe?: RequestObserver): Promise<void> => {
    const started = performance.now();
    const done = observe?.('POST', TELEGRAM_WEBHOOK_ROUTE);
    const seen: { body?: unknown; result?: IncomingResult } = {};
    let status: number;
    try {
      status = await handle(req, res, botId, seen);
      if (logger?.isLevelEnabled('debug')) {
        const result = seen.result;
        logger.debug(
          {
            event_type: 'WEBHOOK',
            bot_id: botId,
            platform: 'telegram',
            platform_chat_id: result && 'key' in result ? result.key.chatId : undefined,
            update_id: updateIdOf(seen.body),
            status,
            result: result?.status,
            duration_ms: round(performance.now() - started),
          },
          'webhook handled',
        );
      }
    } catch (err) {
      const overloaded = err instanceof Refusal && err.status === 503;
      status = err instanceof Refusal ? err.status : statusOf(err);
      if (!res.headersSent) sendError(res, status, err, overloaded ? OVERLOAD_RETRY_AFTER : undefined);
      if (logger) {
        const fields = { event_type: 'WEBHOOK', bot_id: botId, platform: 'telegram', update_id: updateIdOf(seen.body), status, duration_ms: round(performance.now() - started) };
        if (overloaded) logger.warn({ ...fields, reason: 'replies are behind: over INTAKE_MAX_BACKLOG for INTAKE_MAX_WAIT_MS' }, 'webhook refused');
        else if (status >= 500) logger.error({ ...fields, err }, 'webhook failed');
        else logger.warn({ ...fields, reason: String((err as Error)?.message ?? err) }, 'webhook refused');
      }
    }
    done?.(status);
  };

  const botIdOf = (req: IncomingMessage): string | undefined => {
    const url = req.url;
    if (req.method !== 'POST' || url === undefined || !url.startsWith(PREFIX)) return undefined;
    const query = url.indexOf('?', PREFIX.length);
    const raw = url.slice(PREFIX.length, query === -1 ? undefined : query);
    // Anything unusual (a trailing slash, more segments, a bad escape) is left to the router.
    if (raw === '' || raw.includes('/')) return undefined;
    if (!raw.includes('%')) return raw;
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  };

  const flush = async (): Promise<void> => {
    await Promise.all([...albums.values()].map((b) => b.flush()));
  };

  return { botIdOf, serve, flush };
}
