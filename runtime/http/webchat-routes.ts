import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { SESSION_ID, type WebChatHub } from '../adapters/webchat/index.js';
import type { DialogManager } from '../dialogs/index.js';
import { SENSITIVE_MASK } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import type { MediaStore } from '../media/index.js';
import type { DialogKey, HistoryEntry, MediaNote, Store } from '../store/index.js';
import { botOf, param } from './admin-context.js';
import { rateLimit } from './rate-limit.js';
import { resumeFrom, type SseStream, type SseStreams } from './sse.js';
import { StreamQuota, type StreamLimits } from './stream-quota.js';
import { DEFAULT_MAX_UPLOAD_BYTES, expectsNow, mountWebChatMedia, resolveFiles, WEBCHAT_PLATFORM } from './webchat-media.js';

export { DEFAULT_MAX_UPLOAD_BYTES, WEBCHAT_PLATFORM };

export interface WebChatDeps {
  readonly manager: DialogManager;
  readonly store: Store;
  readonly hub: WebChatHub;
  readonly streams: SseStreams;
  readonly logger: Logger;
  /** The bots a visitor may talk to, with the names the page shows. */
  readonly bots: () => readonly { readonly id: string; readonly name: string }[];
  /** Streams re-read the store this often, for replies committed by another process. Default 5 s. */
  readonly pollMs?: number | undefined;
  /** Messages a minute one client address may post (WEBCHAT_RATE_LIMIT). Default 120. */
  readonly ratePerMinute?: number | undefined;
  /** Open event streams per client address and per session (WEBCHAT_STREAMS_PER_ADDRESS, WEBCHAT_STREAMS_PER_SESSION). */
  readonly streamLimits?: StreamLimits | undefined;
  /** Where uploads go and files are served from; without it the page takes no files. */
  readonly media?: MediaStore | undefined;
  /** The largest upload (WEBCHAT_MAX_UPLOAD_BYTES); a step's own max_bytes may be smaller. Default 20 MB. */
  readonly maxUploadBytes?: number | undefined;
}

/** A chat message is small; a megabyte body would only be an attack. */
const BODY_LIMIT = '16kb';
const PAGE = 200;

/** A medium as the page shows it: a stored file by reference (the page reads it from this session's media route), a URL, or a card. */
function chatMedia(m: MediaNote) {
  if (m.kind === 'location' || m.kind === 'contact') return m;
  const { kind, file, url, caption } = m;
  const name = file?.name ?? m.name;
  return { kind, ...(file ? { file: { id: file.id, mime: file.mime, size: file.size, name: file.name } } : {}), ...(url ? { url } : {}), ...(name ? { name } : {}), ...(caption ? { caption } : {}) };
}

/** One history entry as the page shows it; `text` replaces the stored one (a reply the user may see in clear). */
function chatEntry(h: HistoryEntry, text = h.text) {
  return { direction: h.direction, text, press: h.press, buttons: h.buttons ?? [], step: h.step, at: h.at, id: h.updateId, ...(h.media?.length ? { media: h.media.map(chatMedia) } : {}) };
}

/**
 * The history keeps replies that show a sensitive value masked; this stream is the user's own chat, so it shows
 * them as sent, from the record's outbox, for as long as the outbox holds them (a later write prunes delivered
 * replies: a page that replays the history after that shows the masked text, as every other view does).
 */
async function clearReplies(store: Store, key: DialogKey, entries: readonly HistoryEntry[]): Promise<(rev: number, reply: number) => string | undefined> {
  const none = (): undefined => undefined;
  if (!entries.some((e) => e.direction === 'out' && e.text?.includes(SENSITIVE_MASK))) return none;
  const dialog = await store.getDialog(key);
  const clear = new Map<string, string>();
  for (const m of dialog?.outbox ?? []) if (m.masked) clear.set(`${m.masked.rev}:${m.masked.reply}`, m.text);
  return clear.size === 0 ? none : (rev, reply) => clear.get(`${rev}:${reply}`);
}

/**
 * The web chat's API: POST a message, and one Server-Sent Events stream per session that replays the dialog's
 * history from a revision on and then follows it. Events carry the revision as their id, so an EventSource
 * that reconnects resumes where it stopped.
 */
export function mountWebChat(router: Router, deps: WebChatDeps): void {
  const knownBot = (ctx: Context): string => botOf(ctx, deps).id;
  const quota = new StreamQuota(deps.streamLimits);
  // Messages and uploads share one budget per address.
  const limit = rateLimit(deps.ratePerMinute ?? 120);
  const maxUploadBytes = deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;

  router.get('/chat/api/bots', (ctx) => {
    ctx.body = { bots: deps.bots().map((b) => ({ id: b.id, name: b.name })) };
  });

  router.post('/chat/api/bots/:botId/messages', limit, bodyParser({ enableTypes: ['json'], jsonLimit: BODY_LIMIT, encoding: 'utf-8' }), async (ctx) => {
    const botId = knownBot(ctx);
    if (!ctx.is('application/json')) ctx.throw(415, 'send the message as JSON (Content-Type: application/json)');
    const update = await resolveFiles(ctx, { ...deps, maxUploadBytes }, botId, ctx.request.body);
    const result = await deps.manager.processIncomingMessage({ botId, platform: WEBCHAT_PLATFORM, update });
    if (result.status === 'invalid' || result.status === 'ignored') return ctx.throw(400, result.reason);
    // The page learns of its own message through the stream, also when the turn sent no reply.
    deps.hub.notify(botId, result.key.chatId);
    ctx.body = result.status === 'applied' ? { status: 'applied', rev: result.rev } : { status: result.status };
  });

  router.get('/chat/api/bots/:botId/sessions/:session/events', async (ctx) => {
    const botId = knownBot(ctx);
    const session = param(ctx, 'session');
    if (!SESSION_ID.test(session)) ctx.throw(400, 'the session id must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -');
    const key: DialogKey = { botId, platform: WEBCHAT_PLATFORM, chatId: session };
    const sessionKey = `${botId}\n${session}`;
    quota.admit(ctx, sessionKey);
    const stream = deps.streams.start(ctx);
    quota.track(ctx, sessionKey, stream);
    follow(stream, key, resumeFrom(ctx), { ...deps, maxUploadBytes });
  });

  if (deps.media) mountWebChatMedia(router, { manager: deps.manager, store: deps.store, media: deps.media, maxUploadBytes }, knownBot, limit);
}

/** Sends what the store holds after `cursor`, then again whenever the hub wakes the stream or the poll ticks. */
function follow(stream: SseStream, key: DialogKey, from: number, deps: WebChatDeps & { maxUploadBytes: number }): void {
  let cursor = from;
  let lastState = '';
  let running = false;
  let again = false;
  let ready = false;
  const pump = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        // Advanced page by page: a read failing after a page was sent must not send that page again.
        await sendAfter(stream, key, cursor, deps.store, (rev) => (cursor = rev));
        const dialog = await deps.store.getDialog(key);
        // What the step takes besides text: the page offers an upload (files only with a media store) or a location.
        const expects = expectsNow(deps, key.botId, dialog);
        const files = deps.media ? expects?.files : undefined;
        const state = {
          rev: dialog?.rev ?? 0,
          step: dialog?.step ?? null,
          status: dialog ? dialog.status : 'new',
          ...(expects ? { expects: { ...(files ? { files } : {}), location: expects.location, contact: expects.contact } } : {}),
        };
        const text = JSON.stringify(state);
        if (text !== lastState && !stream.closed) stream.send('state', state);
        lastState = text;
        if (!ready && !stream.closed) stream.send('ready', { rev: cursor });
        ready = true;
      } while (again && !stream.closed);
    } catch (err) {
      deps.logger.warn({ event_type: 'ADAPTER', platform: WEBCHAT_PLATFORM, bot_id: key.botId, err }, 'web chat stream could not read the store');
      if (!stream.closed) stream.send('problem', { message: 'the server cannot read this conversation right now; retrying' });
    } finally {
      running = false;
    }
  };
  const unsubscribe = deps.hub.subscribe(key.botId, key.chatId, () => void pump());
  const poll = setInterval(() => void pump(), deps.pollMs ?? 5_000);
  poll.unref();
  stream.onClose(() => {
    unsubscribe();
    clearInterval(poll);
  });
  void pump();
}

/** Sends the history after `cursor`, one event per revision (never half a revision); reports each page's last revision sent. */
async function sendAfter(stream: SseStream, key: DialogKey, cursor: number, store: Store, sent: (rev: number) => void): Promise<void> {
  for (;;) {
    const entries = await store.history(key, { afterRev: cursor, limit: PAGE });
    if (entries.length === 0 || stream.closed) return;
    const lastRev = entries[entries.length - 1]!.rev;
    // A full page may end inside a revision: keep that one for the next read, unless it is all there is.
    const complete = entries.length < PAGE || entries[0]!.rev === lastRev ? entries : entries.filter((e) => e.rev !== lastRev);
    // Read after the page: the record is as new as the page or newer, so it holds the outbox of the page's replies.
    const clearText = await clearReplies(store, key, complete);
    let rev = -1;
    let batch: HistoryEntry[] = [];
    const flush = (): void => {
      let reply = 0;
      const shown = batch.map((e) => (e.direction === 'out' ? chatEntry(e, clearText(e.rev, reply++) ?? e.text) : chatEntry(e)));
      if (batch.length > 0) stream.send('messages', { rev, entries: shown }, rev);
      batch = [];
    };
    for (const e of complete) {
      if (e.rev !== rev) flush();
      rev = e.rev;
      batch.push(e);
    }
    flush();
    cursor = rev;
    sent(rev);
    if (entries.length < PAGE) return;
  }
}
