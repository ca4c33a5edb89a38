import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Telegram Bot API server for tests and benchmarks: answers `/bot<TOKEN>/<method>` like Telegram does,
 * records calls and injects faults (errors, 429 with retry_after, slow answers). It also keeps files: those a test
 * registers (served by getFile and `/file/bot<TOKEN>/<path>`) and those uploaded with sendPhoto, sendDocument…
 * One file, since the media methods share its state and helpers with the rest.
 */

export interface FakeBotApiOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** false: only count calls (benchmarks); `calls`, `sent` and `texts` are then unavailable. */
  record?: boolean;
}

export interface FakeCall {
  token: string;
  method: string;
  payload: Record<string, unknown>;
  at: number;
  /** The HTTP status answered; 0 while the call is pending. */
  status: number;
}

export interface FaultRule {
  /** A Bot API method, or 'file' for downloads from `/file/bot<TOKEN>/<path>`. */
  method?: string;
  chatId?: string | number;
  /** How many matching calls this rule answers; default 1; Infinity allowed. */
  times?: number;
  /** 429, 500, 403, 400…; 200 with `delayMs` only slows the answer down. */
  status: number;
  /** Seconds, for 429 (default 1). */
  retryAfter?: number;
  description?: string;
  delayMs?: number;
  /** With status 200: the call is carried out (a message is delivered), then the connection is cut before the answer. */
  drop?: boolean;
}

export interface FakeWebhook {
  readonly url: string;
  readonly secretToken?: string;
  readonly allowedUpdates?: readonly string[];
  readonly maxConnections?: number;
}

/**
 * Told of every answered call, synchronously and before the answer is written: benchmarks time replies with it,
 * so it must stay cheap. Calls carried in a webhook answer (`deliver`) are told too.
 */
export type CallListener = (method: string, payload: Record<string, unknown>, status: number) => void;

/** A file part of a multipart call, as Telegram reads it (the call's payload holds it under the part's name). */
export class FakeUpload {
  constructor(
    readonly filename: string,
    readonly size: number,
    readonly bytes: Buffer,
    readonly contentType?: string,
  ) {}
}

/** A file the fake keeps: registered by a test, uploaded by a bot, or named by URL (no bytes then). */
export interface FakeFile {
  readonly fileId: string;
  readonly uniqueId: string;
  /** Where `/file/bot<TOKEN>/<path>` serves it. */
  readonly path: string;
  readonly bytes: Buffer;
  /** What getFile declares (the byte length unless a test says otherwise). */
  readonly size: number;
  readonly token: string;
  readonly name?: string;
  readonly mime?: string;
  /** Set for a file sent by URL. */
  readonly url?: string;
}

/** The Bot API's getFile answer. */
export interface FakeFileInfo {
  readonly file_id: string;
  readonly file_unique_id: string;
  readonly file_size: number;
  readonly file_path: string;
}

/** The methods that send a file, and the field that holds it. */
const FILE_METHODS: Readonly<Record<string, string>> = { sendPhoto: 'photo', sendDocument: 'document', sendVideo: 'video', sendAudio: 'audio', sendVoice: 'voice' };
const MEDIA_METHODS = new Set([...Object.keys(FILE_METHODS), 'sendLocation', 'sendVenue', 'sendContact']);
const WRONG_FILE = 'Bad Request: wrong file identifier/HTTP URL specified';

interface ActiveRule {
  readonly rule: FaultRule;
  remaining: number;
}

interface Waiter {
  readonly offset: number;
  readonly limit: number;
  readonly timer: NodeJS.Timeout;
  /** Answers the held getUpdates call and records its status. */
  readonly reply: (answer: Answer) => void;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const TOKEN_RE = /^\d+:[A-Za-z0-9_-]+$/;
const SECRET_RE = /^[A-Za-z0-9_-]{1,256}$/;
const PATH_RE = /^\/bot([^/]+)\/([^/?]+)$/;
const FILE_RE = /^\/file\/bot([^/]+)\/(.+)$/;
/** Fields Telegram accepts as JSON-serialized strings in form bodies. */
const JSON_FIELDS = new Set(['reply_markup', 'allowed_updates', 'entities', 'link_preview_options', 'reply_parameters', 'results']);
/** Telegram takes uploads up to 50 MB; a little over for the form around the file. */
const MAX_BODY = 51 * 1024 * 1024;
/** getFile refuses files over 20 MB. */
const MAX_DOWNLOAD = 20 * 1024 * 1024;
const MAX_CAPTION = 1024;
const MAX_TEXT = 4096;
const MAX_POLL_SECONDS = 50;
const WEBHOOK_CONFLICT = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
const POLL_CONFLICT = 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request: injected fault',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: POLL_CONFLICT,
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export class FakeBotApi {
  readonly url: string;
  readonly calls: FakeCall[] = [];
  private readonly record: boolean;
  private total = 0;
  private readonly counts = new Map<string, number>();
  private faults: ActiveRule[] = [];
  private readonly updates = new Map<string, Record<string, unknown>[]>();
  private readonly nextUpdateId = new Map<string, number>();
  private readonly webhooks = new Map<string, FakeWebhook>();
  private readonly waiters = new Map<string, Waiter>();
  private nextMessageId = 1;
  private nextFileId = 1;
  private readonly files = new Map<string, FakeFile>();
  private readonly filesByPath = new Map<string, FakeFile>();
  private accepted = 0;
  private listener: CallListener | undefined;
  private closed = false;

  private constructor(
    readonly server: http.Server,
    record: boolean,
  ) {
    this.record = record;
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    this.url = `http://${host}:${port}`;
    server.on('connection', () => this.accepted++);
  }

  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    // Long keep-alive so benchmark clients do not race the server closing idle sockets.
    const server = http.createServer({ keepAliveTimeout: 65_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const api = new FakeBotApi(server, options.record ?? true);
    server.on('request', (req, res) => api.handle(req, res));
    return api;
  }

  /** TCP connections accepted since start (or the last reset). */
  get connections(): number {
    return this.accepted;
  }

  count(method?: string): number {
    return method === undefined ? this.total : (this.counts.get(method) ?? 0);
  }

  /** sendMessage calls answered with success (delivered), optionally of one chat. */
  sent(chatId?: string | number): FakeCall[] {
    this.needRecord('sent');
    const chat = chatId === undefined ? undefined : String(chatId);
    return this.calls.filter((c) => c.method === 'sendMessage' && c.status === 200 && (chat === undefined || String(c.payload['chat_id']) === chat));
  }

  texts(chatId: string | number): string[] {
    return this.sent(chatId).map((c) => String(c.payload['text']));
  }

  /** Media calls (sendPhoto, sendDocument, sendLocation…) answered with success, optionally of one chat. */
  mediaSent(chatId?: string | number): FakeCall[] {
    this.needRecord('mediaSent');
    const chat = chatId === undefined ? undefined : String(chatId);
    return this.calls.filter((c) => MEDIA_METHODS.has(c.method) && c.status === 200 && (chat === undefined || String(c.payload['chat_id']) === chat));
  }

  /**
   * Registers a file for the bot of `token` (file_ids are valid for one bot only), as if a user had sent it: getFile
   * answers with it and `/file/bot<token>/<path>` serves its bytes. `size` overrides the size getFile declares.
   */
  addFile(token: string, bytes: Buffer, options: { size?: number; name?: string; mime?: string } = {}): FakeFileInfo {
    const file = this.keepFile(token, bytes, options);
    return { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.size, file_path: file.path };
  }

  /** A file by its file_id (registered, uploaded or sent by URL). */
  fileOf(fileId: string): FakeFile | undefined {
    return this.files.get(fileId);
  }

  /** Sets (or, with undefined, removes) the one listener told of every answered call. */
  observe(listener: CallListener | undefined): void {
    this.listener = listener;
  }

  /**
   * Carries out a call found in a webhook's HTTP answer, as Telegram does: counted, recorded and told to the
   * listener like a call over HTTP (fault rules do not apply). Returns the status Telegram would have had.
   */
  deliver(token: string, method: string, payload: Record<string, unknown>): number {
    this.total++;
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    const status = !TOKEN_RE.test(token) ? 401 : method === 'getUpdates' ? 400 : this.dispatch(token, method, payload).status;
    if (this.record) this.calls.push({ token, method, payload, at: Date.now(), status });
    this.listener?.(method, payload, status);
    return status;
  }

  fail(rule: FaultRule): void {
    const times = rule.times ?? 1;
    if (!(times > 0)) throw new Error('FakeBotApi.fail: times must be positive');
    this.faults.push({ rule, remaining: times });
  }

  /** Queues an update for getUpdates; assigns `update_id` when absent. */
  pushUpdate(token: string, update: Record<string, unknown>): void {
    let id = update['update_id'];
    const next = this.nextUpdateId.get(token) ?? 1;
    if (typeof id !== 'number') id = next;
    this.nextUpdateId.set(token, Math.max(next, (id as number) + 1));
    const queue = this.updates.get(token) ?? [];
    queue.push({ ...update, update_id: id });
    this.updates.set(token, queue);
    const waiter = this.waiters.get(token);
    if (waiter) {
      const batch = this.select(token, waiter.offset, waiter.limit);
      if (batch.length > 0) this.release(token, { status: 200, body: { ok: true, result: batch } });
    }
  }

  /** The webhook a bot set, with its secret (Telegram's getWebhookInfo does not tell the secret). */
  webhookOf(token: string): FakeWebhook | undefined {
    return this.webhooks.get(token);
  }

  async waitFor(predicate: (api: FakeBotApi) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() >= deadline) {
        const seen = [...this.counts].map(([m, n]) => `${m}×${n}`).join(', ') || 'none';
        throw new Error(`FakeBotApi.waitFor: condition not met within ${timeoutMs} ms (calls so far: ${seen})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  reset(): void {
    this.calls.length = 0;
    this.total = 0;
    this.counts.clear();
    this.faults = [];
    for (const token of [...this.waiters.keys()]) this.release(token, { status: 200, body: { ok: true, result: [] } });
    this.updates.clear();
    this.nextUpdateId.clear();
    this.webhooks.clear();
    this.files.clear();
    this.filesByPath.clear();
    this.nextMessageId = 1;
    this.accepted = 0;
    this.listener = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.values()) clearTimeout(w.timer);
    this.waiters.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive clients would otherwise hold close() open.
    this.server.closeAllConnections();
    await done;
  }

  private needRecord(what: string): void {
    if (!this.record) throw new Error(`FakeBotApi.${what}() needs record: true`);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const match = PATH_RE.exec(q === -1 ? url : url.slice(0, q));
    if (!match && req.method === 'GET' && url.startsWith('/file/')) {
      void this.download(url, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (!match) return send(res, { status: 404, body: error(404, 'Not Found') });
      if (size > MAX_BODY) return send(res, { status: 413, body: error(413, 'Request Entity Too Large') });
      let payload: Record<string, unknown>;
      try {
        payload = parsePayload(req.headers['content-type'], Buffer.concat(chunks), q === -1 ? '' : url.slice(q + 1));
      } catch {
        return send(res, { status: 400, body: error(400, "Bad Request: can't parse request body") });
      }
      void this.call(match[1]!, match[2]!, payload, res);
    });
  }

  private async call(token: string, method: string, payload: Record<string, unknown>, res: http.ServerResponse): Promise<void> {
    this.total++;
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    const call: FakeCall | undefined = this.record ? { token, method, payload, at: Date.now(), status: 0 } : undefined;
    if (call) this.calls.push(call);
    const reply = (answer: Answer): void => {
      if (call) call.status = answer.status;
      this.listener?.(method, payload, answer.status);
      send(res, answer);
    };
    if (!TOKEN_RE.test(token)) return reply({ status: 401, body: error(401, 'Unauthorized') });
    const fault = this.takeFault(method, payload);
    if (fault) {
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (this.closed) return;
      if (fault.status !== 200) return reply({ status: fault.status, body: faultBody(fault) });
    }
    if (method === 'getUpdates') return this.getUpdates(token, payload, res, reply);
    if (fault?.drop) {
      const status = this.dispatch(token, method, payload).status;
      if (call) call.status = status;
      this.listener?.(method, payload, status);
      res.socket?.destroy();
      return;
    }
    reply(this.dispatch(token, method, payload));
  }

  /** GET /file/bot<TOKEN>/<path>: the bytes of a kept file, as Telegram's file server answers. */
  private async download(url: string, res: http.ServerResponse): Promise<void> {
    this.total++;
    this.counts.set('file', (this.counts.get('file') ?? 0) + 1);
    const m = FILE_RE.exec(url);
    const fault = this.takeFault('file', {});
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (this.closed) return;
    if (fault && fault.status !== 200) return send(res, { status: fault.status, body: faultBody(fault) });
    const file = m ? this.filesByPath.get(m[2]!) : undefined;
    if (!m || !file || file.token !== m[1]) return send(res, { status: 404, body: error(404, 'Not Found') });
    res.writeHead(200, { 'content-type': file.mime ?? 'application/octet-stream', 'content-length': file.bytes.length });
    if (fault?.drop) {
      // Half the bytes, then the connection is cut.
      res.write(file.bytes.subarray(0, file.bytes.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(file.bytes);
  }

  private keepFile(token: string, bytes: Buffer, options: { size?: number; name?: string; mime?: string; url?: string }): FakeFile {
    const n = this.nextFileId++;
    const fileId = `AgAC${n}${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
    const uniqueId = `AQAD${createHash('sha256').update(options.url ?? bytes).digest('hex').slice(0, 16)}`;
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(options.name ?? '')?.[1] ?? 'bin';
    const file: FakeFile = {
      fileId,
      uniqueId,
      path: `documents/file_${n}.${ext}`,
      bytes,
      size: options.size ?? bytes.length,
      token,
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.mime !== undefined ? { mime: options.mime } : {}),
      ...(options.url !== undefined ? { url: options.url } : {}),
    };
    this.files.set(fileId, file);
    this.filesByPath.set(file.path, file);
    return file;
  }

  private getFile(token: string, p: Record<string, unknown>): Answer {
    const file = typeof p['file_id'] === 'string' ? this.files.get(p['file_id']) : undefined;
    if (!file || file.token !== token) return bad('Bad Request: invalid file_id');
    if (file.size > MAX_DOWNLOAD) return bad('Bad Request: file is too big');
    return ok({ file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.size, file_path: file.path });
  }

  /**
   * The file of a media call, read as Telegram reads it: a file part under the field's name, `attach://<part>`, an
   * HTTP URL (Telegram would fetch it), or a file_id of this bot.
   */
  private inputFile(token: string, p: Record<string, unknown>, field: string): FakeFile | Answer {
    let value = p[field];
    if (typeof value === 'string' && value.startsWith('attach://')) {
      value = p[value.slice('attach://'.length)];
      if (!(value instanceof FakeUpload)) return bad(WRONG_FILE);
    }
    if (value instanceof FakeUpload) {
      if (value.size === 0) return bad('Bad Request: file must be non-empty');
      return this.keepFile(token, value.bytes, { name: value.filename, ...(value.contentType !== undefined ? { mime: value.contentType } : {}) });
    }
    if (typeof value !== 'string' || value === '') return bad(`Bad Request: there is no ${field} in the request`);
    if (/^https?:\/\//i.test(value)) return this.keepFile(token, Buffer.alloc(0), { url: value, name: new URL(value).pathname.split('/').pop() ?? '' });
    const known = this.files.get(value);
    return known && known.token === token ? known : bad(WRONG_FILE);
  }

  private sendMedia(token: string, method: string, p: Record<string, unknown>): Answer {
    const chatId = p['chat_id'];
    if (chatId === undefined || chatId === '') return bad('Bad Request: chat_id is empty');
    const caption = p['caption'];
    if (caption !== undefined && (typeof caption !== 'string' || caption.length > MAX_CAPTION)) return bad('Bad Request: message caption is too long');
    if (!buttonsFit(p['reply_markup'])) return bad('Bad Request: BUTTON_DATA_INVALID');
    const content: Record<string, unknown> = {};
    const field = FILE_METHODS[method];
    if (field !== undefined) {
      const file = this.inputFile(token, p, field);
      if ('status' in file) return file;
      const described = { file_id: file.fileId, file_unique_id: file.uniqueId, file_size: file.size };
      if (field === 'photo') {
        // Telegram answers with the sizes it made, smallest first; the last is the largest.
        const thumb = this.keepFile(token, file.bytes.subarray(0, 16), { name: 'thumb.jpg' });
        content['photo'] = [
          { file_id: thumb.fileId, file_unique_id: thumb.uniqueId, file_size: thumb.size, width: 90, height: 90 },
          { ...described, width: 1280, height: 1280 },
        ];
      } else {
        content[field] = { ...described, ...(file.name ? { file_name: file.name } : {}), ...(file.mime ? { mime_type: file.mime } : {}) };
      }
      if (typeof caption === 'string' && caption !== '') content['caption'] = caption;
    } else if (method === 'sendContact') {
      if (typeof p['phone_number'] !== 'string' || typeof p['first_name'] !== 'string') return bad('Bad Request: phone number and first name are required');
      content['contact'] = { phone_number: p['phone_number'], first_name: p['first_name'], ...(p['last_name'] !== undefined ? { last_name: p['last_name'] } : {}) };
    } else {
      const latitude = Number(p['latitude']);
      const longitude = Number(p['longitude']);
      if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) return bad('Bad Request: wrong coordinates');
      content['location'] = { latitude, longitude };
      if (method === 'sendVenue') {
        if (typeof p['title'] !== 'string' || p['title'] === '' || typeof p['address'] !== 'string' || p['address'] === '') return bad('Bad Request: venue title and address are required');
        content['venue'] = { location: { latitude, longitude }, title: p['title'], address: p['address'] };
      }
    }
    return ok(this.message(token, chatId, p, content));
  }

  private message(token: string, chatId: unknown, p: Record<string, unknown>, content: Record<string, unknown>): Record<string, unknown> {
    const id = typeof chatId === 'string' && /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
    const message: Record<string, unknown> = {
      message_id: this.nextMessageId++,
      from: botUser(token),
      chat: { id, type: typeof id === 'number' && id > 0 ? 'private' : 'group' },
      date: Math.floor(Date.now() / 1000),
      ...content,
    };
    if (p['reply_markup'] !== undefined) message['reply_markup'] = p['reply_markup'];
    if (p['message_thread_id'] !== undefined) Object.assign(message, { message_thread_id: Number(p['message_thread_id']), is_topic_message: true });
    return message;
  }

  private takeFault(method: string, payload: Record<string, unknown>): FaultRule | undefined {
    if (this.faults.length === 0) return undefined;
    const chat = payload['chat_id'] === undefined ? undefined : String(payload['chat_id']);
    const i = this.faults.findIndex(
      (f) => (f.rule.method === undefined || f.rule.method === method) && (f.rule.chatId === undefined || String(f.rule.chatId) === chat),
    );
    if (i === -1) return undefined;
    const active = this.faults[i]!;
    if (--active.remaining <= 0) this.faults.splice(i, 1);
    return active.rule;
  }

  private dispatch(token: string, method: string, p: Record<string, unknown>): Answer {
    switch (method) {
      case 'getMe':
        return ok(botUser(token));
      case 'sendMessage':
        return this.sendMessage(token, p);
      case 'answerCallbackQuery':
        if (typeof p['callback_query_id'] !== 'string' || p['callback_query_id'] === '') return bad('Bad Request: query_id is empty');
        return ok(true);
      case 'editMessageReplyMarkup':
        return ok(true);
      case 'getFile':
        return this.getFile(token, p);
      case 'sendPhoto':
      case 'sendDocument':
      case 'sendVideo':
      case 'sendAudio':
      case 'sendVoice':
      case 'sendLocation':
      case 'sendVenue':
      case 'sendContact':
        return this.sendMedia(token, method, p);
      case 'setWebhook':
        return this.setWebhook(token, p);
      case 'deleteWebhook':
        this.webhooks.delete(token);
        if (isTrue(p['drop_pending_updates'])) this.updates.delete(token);
        return ok(true, 'Webhook was deleted');
      case 'getWebhookInfo': {
        const hook = this.webhooks.get(token);
        const info: Record<string, unknown> = { url: hook?.url ?? '', has_custom_certificate: false, pending_update_count: this.updates.get(token)?.length ?? 0 };
        if (hook?.maxConnections !== undefined) info['max_connections'] = hook.maxConnections;
        if (hook?.allowedUpdates !== undefined) info['allowed_updates'] = hook.allowedUpdates;
        return ok(info);
      }
      default:
        return { status: 404, body: error(404, 'Not Found: method not found') };
    }
  }

  private sendMessage(token: string, p: Record<string, unknown>): Answer {
    const chatId = p['chat_id'];
    if (chatId === undefined || chatId === '') return bad('Bad Request: chat_id is empty');
    const text = p['text'];
    if (typeof text !== 'string' || text.trim() === '') return bad('Bad Request: message text is empty');
    if (text.length > MAX_TEXT) return bad('Bad Request: message is too long');
    if (!buttonsFit(p['reply_markup'])) return bad('Bad Request: BUTTON_DATA_INVALID');
    const id = typeof chatId === 'string' && /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
    const message: Record<string, unknown> = {
      message_id: this.nextMessageId++,
      from: botUser(token),
      chat: { id, type: typeof id === 'number' && id > 0 ? 'private' : 'group' },
      date: Math.floor(Date.now() / 1000),
      text,
    };
    if (p['reply_markup'] !== undefined) message['reply_markup'] = p['reply_markup'];
    // A reply into a forum topic (kept in the recorded payload as message_thread_id too).
    if (p['message_thread_id'] !== undefined) Object.assign(message, { message_thread_id: Number(p['message_thread_id']), is_topic_message: true });
    return ok(message);
  }

  private setWebhook(token: string, p: Record<string, unknown>): Answer {
    const url = p['url'];
    if (typeof url !== 'string') return bad('Bad Request: bad webhook: url is empty');
    if (url === '') {
      this.webhooks.delete(token);
      return ok(true, 'Webhook was deleted');
    }
    const secret = p['secret_token'];
    if (secret !== undefined && (typeof secret !== 'string' || !SECRET_RE.test(secret))) {
      return bad('Bad Request: secret token contains unallowed characters');
    }
    const allowed = p['allowed_updates'];
    const max = Number(p['max_connections']);
    this.webhooks.set(token, {
      url,
      secretToken: typeof secret === 'string' ? secret : undefined,
      allowedUpdates: Array.isArray(allowed) ? allowed.map(String) : undefined,
      maxConnections: Number.isFinite(max) ? max : undefined,
    });
    if (isTrue(p['drop_pending_updates'])) this.updates.delete(token);
    if (this.waiters.has(token)) this.release(token, { status: 409, body: error(409, WEBHOOK_CONFLICT) });
    return ok(true, 'Webhook was set');
  }

  private getUpdates(token: string, p: Record<string, unknown>, res: http.ServerResponse, reply: (a: Answer) => void): void {
    if (this.webhooks.has(token)) return reply({ status: 409, body: error(409, WEBHOOK_CONFLICT) });
    if (this.waiters.has(token)) this.release(token, { status: 409, body: error(409, POLL_CONFLICT) });
    const offset = toInt(p['offset'], 0);
    const limit = Math.min(Math.max(toInt(p['limit'], 100), 1), 100);
    const timeout = Math.min(Math.max(toInt(p['timeout'], 0), 0), MAX_POLL_SECONDS);
    // Like Telegram: an offset confirms (drops) every earlier update.
    const queue = this.updates.get(token);
    if (queue && offset > 0) {
      const keep = queue.filter((u) => (u['update_id'] as number) >= offset);
      this.updates.set(token, keep);
    }
    const batch = this.select(token, offset, limit);
    if (batch.length > 0 || timeout === 0) return reply({ status: 200, body: { ok: true, result: batch } });
    const timer = setTimeout(() => this.release(token, { status: 200, body: { ok: true, result: [] } }), timeout * 1000);
    const waiter: Waiter = { offset, limit, timer, reply };
    this.waiters.set(token, waiter);
    res.on('close', () => {
      if (this.waiters.get(token) === waiter) {
        clearTimeout(timer);
        this.waiters.delete(token);
      }
    });
  }

  private select(token: string, offset: number, limit: number): Record<string, unknown>[] {
    const queue = this.updates.get(token) ?? [];
    const from = offset < 0 ? queue.slice(offset) : queue.filter((u) => (u['update_id'] as number) >= offset);
    return from.slice(0, limit);
  }

  private release(token: string, answer: Answer): void {
    const waiter = this.waiters.get(token);
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.waiters.delete(token);
    waiter.reply(answer);
  }
}

function send(res: http.ServerResponse, answer: Answer): void {
  if (res.writableEnded || res.destroyed) return;
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function ok(result: unknown, description?: string): Answer {
  return { status: 200, body: description === undefined ? { ok: true, result } : { ok: true, result, description } };
}

function bad(description: string): Answer {
  return { status: 400, body: error(400, description) };
}

function error(code: number, description: string, parameters?: Record<string, unknown>): Record<string, unknown> {
  return parameters ? { ok: false, error_code: code, description, parameters } : { ok: false, error_code: code, description };
}

function faultBody(rule: FaultRule): Record<string, unknown> {
  if (rule.status === 429) {
    const retryAfter = rule.retryAfter ?? 1;
    return error(429, rule.description ?? `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
  }
  return error(rule.status, rule.description ?? DEFAULT_DESCRIPTIONS[rule.status] ?? `Error ${rule.status}`);
}

function botUser(token: string): Record<string, unknown> {
  const id = Number(token.slice(0, token.indexOf(':')));
  return { id, is_bot: true, first_name: `Fake Bot ${id}`, username: `fake_${id}_bot`, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
}

/** Telegram limits callback_data to 1-64 bytes. */
function buttonsFit(markup: unknown): boolean {
  if (typeof markup !== 'object' || markup === null) return true;
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows)) return true;
  for (const row of rows) {
    if (!Array.isArray(row)) return false;
    for (const b of row as { callback_data?: unknown }[]) {
      const data = b?.callback_data;
      if (data !== undefined && (typeof data !== 'string' || data === '' || Buffer.byteLength(data) > 64)) return false;
    }
  }
  return true;
}

function isTrue(v: unknown): boolean {
  return v === true || v === 'true';
}

function toInt(v: unknown, fallback: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isInteger(n) ? n : fallback;
}

/** Own, enumerable, and safe for keys like `__proto__`. */
function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  const v = JSON_FIELDS.has(key) && typeof value === 'string' ? parseJsonLoose(value) : value;
  Object.defineProperty(target, key, { value: v, enumerable: true, writable: true, configurable: true });
}

function parseJsonLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parsePayload(contentType: string | undefined, body: Buffer, query: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (query !== '') for (const [k, v] of new URLSearchParams(query)) setField(out, k, v);
  if (body.length === 0) return out;
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    // The common (benchmark) path: JSON.parse output is already safe to hand out.
    if (query === '') return parsed as Record<string, unknown>;
    for (const [k, v] of Object.entries(parsed)) setField(out, k, v);
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) setField(out, k, v);
  } else if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
    if (!boundary) throw new Error('no boundary');
    parseMultipart(body, boundary, out);
  } else {
    throw new Error('unsupported content type');
  }
  return out;
}

/** Text fields become strings; file fields become FakeUploads (name, size, bytes, content type). */
function parseMultipart(body: Buffer, boundary: string, out: Record<string, unknown>): void {
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const name = /(?:^|;)\s*name="([^"]*)"/im.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      const type = /^content-type:\s*([^\r\n]+)/im.exec(headers)?.[1]?.trim();
      if (name !== undefined) setField(out, name, filename === undefined ? content.toString('utf8') : new FakeUpload(filename, content.length, Buffer.from(content), type));
    }
    pos = next;
  }
}

/** A user as updates built here name them. */
const FAKE_USER = { id: 1001, is_bot: false, first_name: 'Test', username: 'test_user' };

type UpdateExtra = { readonly caption?: string; readonly mediaGroupId?: string; readonly from?: Record<string, unknown> };

function userMessage(chatId: number, content: Record<string, unknown>, extra: UpdateExtra = {}): Record<string, unknown> {
  const from = extra.from ?? { ...FAKE_USER, id: chatId };
  const message: Record<string, unknown> = { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: chatId > 0 ? 'private' : 'group' }, from, ...content };
  if (extra.caption !== undefined) message['caption'] = extra.caption;
  if (extra.mediaGroupId !== undefined) message['media_group_id'] = extra.mediaGroupId;
  return { message };
}

/**
 * Updates as Telegram sends them when a user sends media (for `pushUpdate`, or a webhook body once given an
 * update_id). Files come from `FakeBotApi.addFile`, so getFile and the download serve them.
 */
export const fakeUpdates = {
  /** A photo: Telegram lists a small size and the file itself (the largest). */
  photo(chatId: number, file: FakeFileInfo, extra?: UpdateExtra): Record<string, unknown> {
    const sizes = [
      { file_id: `${file.file_id}_thumb`, file_unique_id: `${file.file_unique_id}_t`, file_size: 100, width: 90, height: 60 },
      { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, width: 1280, height: 853 },
    ];
    return userMessage(chatId, { photo: sizes }, extra);
  },
  document(chatId: number, file: FakeFileInfo, meta: { name?: string; mime?: string } = {}, extra?: UpdateExtra): Record<string, unknown> {
    const document = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, ...(meta.name ? { file_name: meta.name } : {}), ...(meta.mime ? { mime_type: meta.mime } : {}) };
    return userMessage(chatId, { document }, extra);
  },
  /** The parts of an album, one update each, with the same media_group_id (the caption on the first). */
  album(chatId: number, files: readonly FakeFileInfo[], mediaGroupId: string, caption?: string): Record<string, unknown>[] {
    return files.map((f, i) => fakeUpdates.photo(chatId, f, { mediaGroupId, ...(i === 0 && caption !== undefined ? { caption } : {}) }));
  },
  location(chatId: number, latitude: number, longitude: number, venue?: { title: string; address: string }): Record<string, unknown> {
    const location = { latitude, longitude };
    return userMessage(chatId, venue ? { location, venue: { location, ...venue } } : { location });
  },
  contact(chatId: number, contact: { phone_number: string; first_name: string; last_name?: string; user_id?: number }): Record<string, unknown> {
    return userMessage(chatId, { contact });
  },
};
