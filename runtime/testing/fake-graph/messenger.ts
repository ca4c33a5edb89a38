// The Messenger side of the fake Graph API: `POST /{v}/me/messages` validated as the Send API does (limits,
// shapes, messaging types and tags, the 24-hour window of users marked as silent, its error bodies),
// `POST /{v}/me/message_attachments` uploads, attachment URLs a user sent (no token needed), and webhook builders.
import type http from 'node:http';

export interface FakeMessengerCall {
  readonly pageId: string;
  readonly payload: Record<string, unknown>;
  /** The mid answered (absent when refused). */
  readonly messageId?: string;
  readonly status: number;
}

export interface FakeAttachment {
  readonly id: string;
  readonly bytes: Buffer;
  readonly mime: string;
  /** The attachment type of an upload (image, video, audio, file). */
  readonly type?: string;
  /** Serve the bytes chunked, without Content-Length. */
  readonly chunked?: boolean;
}

type Obj = Record<string, unknown>;
type Json = (status: number, value: unknown) => void;

/** What the fake Graph API lends its Messenger routes: fault rules, numbering and the error body. */
export interface FakeGraphHooks {
  fault(endpoint: 'messenger' | 'messenger-upload' | 'messenger-download', to?: string): { status?: number; code?: number; subcode?: number; delayMs?: number; drop?: boolean } | undefined;
  injected(fault: object, res: http.ServerResponse, json: Json, afterWork?: () => void): Promise<boolean>;
  next(): number;
  error(code: number, message: string, subcode?: number): Obj;
}

const LIMITS = { text: 2000, quickReplies: 13, quickReplyTitle: 20, payloadBytes: 1000, templateText: 640, templateButtons: 3, buttonTitle: 20 };
const TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'];
const TAGS = ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'HUMAN_AGENT'];
const MEDIA = ['image', 'video', 'audio', 'file'];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const len = (v: unknown): number => (typeof v === 'string' ? v.length : -1);
const bytes = (v: unknown): number => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : -1);

function payloadBytesProblem(what: string, payload: unknown): string | undefined {
  return bytes(payload) >= 1 && bytes(payload) <= LIMITS.payloadBytes ? undefined : `${what} payload must be 1-${LIMITS.payloadBytes} bytes`;
}

function quickRepliesProblem(q: unknown): string | undefined {
  if (q === undefined) return undefined;
  if (!Array.isArray(q) || q.length < 1 || q.length > LIMITS.quickReplies) return `quick_replies has 1-${LIMITS.quickReplies} items`;
  for (const r of q) {
    if (!isObj(r) || r.content_type !== 'text') return 'a quick reply has content_type "text"';
    if (len(r.title) < 1 || len(r.title) > LIMITS.quickReplyTitle) return `quick reply title must be 1-${LIMITS.quickReplyTitle} characters`;
    const problem = payloadBytesProblem('quick reply', r.payload);
    if (problem) return problem;
  }
  return undefined;
}

function attachmentProblem(a: unknown): string | undefined {
  if (!isObj(a) || !isObj(a.payload)) return 'attachment needs a type and a payload';
  const p = a.payload;
  if (typeof a.type === 'string' && MEDIA.includes(a.type)) {
    return (p.url === undefined) === (p.attachment_id === undefined) ? 'an attachment payload needs exactly one of url and attachment_id' : undefined;
  }
  if (a.type !== 'template') return `attachment type "${String(a.type)}" is not supported`;
  if (p.template_type !== 'button') return `template_type "${String(p.template_type)}" is not supported here`;
  if (len(p.text) < 1 || len(p.text) > LIMITS.templateText) return `button template text must be 1-${LIMITS.templateText} characters`;
  if (!Array.isArray(p.buttons) || p.buttons.length < 1 || p.buttons.length > LIMITS.templateButtons) return `a button template has 1-${LIMITS.templateButtons} buttons`;
  for (const b of p.buttons) {
    if (!isObj(b) || len(b.title) < 1 || len(b.title) > LIMITS.buttonTitle) return `button title must be 1-${LIMITS.buttonTitle} characters`;
    if (b.type === 'postback') {
      const problem = payloadBytesProblem('postback', b.payload);
      if (problem) return problem;
    } else if (b.type !== 'web_url' || len(b.url) < 1) return 'a button is a postback with a payload or a web_url with a url';
  }
  return undefined;
}

/** Why the Send API would refuse a /me/messages payload (undefined: it is accepted). */
export function messengerPayloadProblem(p: Obj): string | undefined {
  if (!isObj(p.recipient) || len(p.recipient.id) < 1) return 'recipient.id is required';
  if (!TYPES.includes(p.messaging_type as string)) return `messaging_type must be one of ${TYPES.join(', ')}`;
  if (p.messaging_type === 'MESSAGE_TAG' && !TAGS.includes(p.tag as string)) return `tag must be one of ${TAGS.join(', ')}`;
  if (p.messaging_type !== 'MESSAGE_TAG' && p.tag !== undefined) return 'tag is only for messaging_type MESSAGE_TAG';
  const m = p.message;
  if (!isObj(m)) return 'message is required';
  if ((m.text === undefined) === (m.attachment === undefined)) return 'message needs exactly one of text and attachment';
  if (m.text !== undefined && (len(m.text) < 1 || len(m.text) > LIMITS.text)) return `message.text must be 1-${LIMITS.text} characters`;
  if (m.attachment !== undefined) {
    const problem = attachmentProblem(m.attachment);
    if (problem) return problem;
    if (m.quick_replies !== undefined && isObj(m.attachment) && m.attachment.type === 'template') return 'a template takes no quick replies here';
  }
  return quickRepliesProblem(m.quick_replies);
}

export class FakeMessenger {
  /** Every /me/messages call in order (accepted and refused). */
  readonly calls: FakeMessengerCall[] = [];
  readonly uploads: FakeAttachment[] = [];
  /** Page access token -> page id ("me" is the page of the token). */
  private readonly pages = new Map<string, string>();
  private readonly attachments = new Map<string, FakeAttachment>();
  /** Users whose 24-hour window is closed: RESPONSE sends to them are refused with 10/2018278. */
  private readonly silent = new Set<string>();

  constructor(
    private readonly base: string,
    private readonly hooks: FakeGraphHooks,
  ) {}

  /** A page and the page access token that may send for it. */
  addPage(pageId: string, token: string): void {
    this.pages.set(token, pageId);
  }

  /** A file a user sent: returns the URL the webhook carries (downloadable without a token). */
  addAttachment(bytes: Buffer, options: { mime?: string; chunked?: boolean } = {}): string {
    const id = `att${this.hooks.next()}`;
    this.attachments.set(id, { id, bytes, mime: options.mime ?? 'application/octet-stream', ...(options.chunked ? { chunked: true } : {}) });
    return `${this.base}/messenger-cdn/${id}?oh=${id}`;
  }

  /** Closes (or reopens) the 24-hour window of a user, as Graph judges it. */
  windowClosed(psid: string, closed = true): void {
    if (closed) this.silent.add(psid);
    else this.silent.delete(psid);
  }

  /** Accepted sends to one user, in order. */
  sent(to?: string): FakeMessengerCall[] {
    return this.calls.filter((c) => c.messageId !== undefined && (to === undefined || (c.payload.recipient as Obj | undefined)?.id === to));
  }

  reset(): void {
    this.calls.length = 0;
    this.uploads.length = 0;
    this.silent.clear();
  }

  /** Whether a request is one of these routes. */
  serves(method: string | undefined, parts: readonly string[]): boolean {
    if (method === 'GET') return parts.length === 2 && parts[0] === 'messenger-cdn';
    return method === 'POST' && parts.length === 3 && parts[1] === 'me' && (parts[2] === 'messages' || parts[2] === 'message_attachments');
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse, parts: readonly string[], body: Buffer, token: string | undefined, json: Json): Promise<void> {
    if (parts[0] === 'messenger-cdn') return this.download(parts[1]!, req, res);
    const pageId = token === undefined ? undefined : this.pages.get(token);
    if (pageId === undefined) return json(400, this.hooks.error(190, 'Invalid OAuth access token - Cannot parse access token'));
    if (parts[2] === 'message_attachments') return this.upload(req, res, body, json);
    return this.message(pageId, body, res, json);
  }

  private async message(pageId: string, body: Buffer, res: http.ServerResponse, json: Json): Promise<void> {
    let payload: Obj;
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (!isObj(parsed)) throw new Error('not an object');
      payload = parsed;
    } catch {
      return json(400, this.hooks.error(100, 'Invalid JSON'));
    }
    const to = isObj(payload.recipient) && typeof payload.recipient.id === 'string' ? payload.recipient.id : undefined;
    const record = (status: number, messageId?: string) => this.calls.push({ pageId, payload, status, ...(messageId ? { messageId } : {}) });
    const messageId = `m_FAKE${this.hooks.next()}`;
    const fault = this.hooks.fault('messenger', to);
    if (fault && (await this.hooks.injected(fault, res, (s, v) => (record(s), json(s, v)), () => record(200, messageId)))) return;
    const problem = messengerPayloadProblem(payload);
    if (problem) {
      record(400);
      return json(400, this.hooks.error(100, `(#100) ${problem}`));
    }
    if (to !== undefined && this.silent.has(to) && payload.messaging_type !== 'MESSAGE_TAG') {
      record(400);
      return json(400, this.hooks.error(10, '(#10) This message is sent outside of allowed window.', 2018278));
    }
    record(200, messageId);
    json(200, { recipient_id: to, message_id: messageId });
  }

  private async upload(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, json: Json): Promise<void> {
    const fault = this.hooks.fault('messenger-upload');
    if (fault && (await this.hooks.injected(fault, res, json))) return;
    const boundary = /boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1];
    const fields = boundary ? multipartFields(body, boundary) : new Map<string, { bytes: Buffer; mime?: string }>();
    const file = fields.get('filedata');
    let type: unknown;
    try {
      const message = JSON.parse(fields.get('message')?.bytes.toString('utf8') ?? 'null') as { attachment?: { type?: unknown; payload?: { is_reusable?: unknown } } } | null;
      type = message?.attachment?.type;
    } catch {
      type = undefined;
    }
    if (!file || typeof type !== 'string' || !MEDIA.includes(type)) return json(400, this.hooks.error(100, '(#100) message.attachment.type and filedata are required'));
    const id = String(3_000_000 + this.hooks.next());
    const a: FakeAttachment = { id, bytes: file.bytes, mime: file.mime ?? 'application/octet-stream', type };
    this.attachments.set(id, a);
    this.uploads.push(a);
    json(200, { attachment_id: id });
  }

  private async download(id: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const fault = this.hooks.fault('messenger-download');
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.drop) return void res.socket?.destroy();
    if (fault && (fault.status ?? 200) !== 200) {
      res.writeHead(fault.status!);
      return void res.end();
    }
    const a = this.attachments.get(id);
    // The URL is the credential: a client that sends its page token along leaks it to the CDN.
    if (req.headers.authorization !== undefined) {
      res.writeHead(400);
      return void res.end();
    }
    if (!a) {
      res.writeHead(404);
      return void res.end();
    }
    res.writeHead(200, { 'content-type': a.mime, ...(a.chunked ? {} : { 'content-length': String(a.bytes.length) }) });
    res.end(a.bytes);
  }
}

/** The named parts of a multipart body. */
function multipartFields(body: Buffer, boundary: string): Map<string, { bytes: Buffer; mime?: string }> {
  const out = new Map<string, { bytes: Buffer; mime?: string }>();
  const marker = Buffer.from(`--${boundary}`);
  let at = body.indexOf(marker);
  while (at >= 0) {
    const next = body.indexOf(marker, at + marker.length);
    if (next < 0) break;
    const part = body.subarray(at + marker.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const name = /name="([^"]+)"/.exec(head)?.[1];
    const mime = /Content-Type: (.+)/i.exec(head)?.[1]?.trim();
    if (name) out.set(name, { bytes: Buffer.from(part.subarray(split + 4)), ...(mime ? { mime } : {}) });
    at = next;
  }
  return out;
}

// ---- webhook bodies Meta posts for a page ----

export interface MessengerWebhookBody {
  object: 'page';
  entry: { id: string; time: number; messaging: Obj[] }[];
}
export interface EventExtra {
  mid?: string;
  timestamp?: number;
}

let counter = 0;
function event(pageId: string, psid: string, fields: Obj, extra: EventExtra = {}): MessengerWebhookBody {
  const timestamp = extra.timestamp ?? 1_700_000_000_000 + ++counter;
  return { object: 'page', entry: [{ id: pageId, time: timestamp, messaging: [{ sender: { id: psid }, recipient: { id: pageId }, timestamp, ...fields }] }] };
}
const mid = (extra?: EventExtra): string => extra?.mid ?? `m_IN${++counter}`;

/** Builders of the webhook bodies Meta posts for a page (shapes of the Messenger Platform's webhook reference). */
export const messengerUpdates = {
  text: (pageId: string, psid: string, text: string, extra?: EventExtra) => event(pageId, psid, { message: { mid: mid(extra), text } }, extra),
  quickReply: (pageId: string, psid: string, payload: string, title: string, extra?: EventExtra) => event(pageId, psid, { message: { mid: mid(extra), text: title, quick_reply: { payload } } }, extra),
  /** A tap on a button template's postback button. */
  postback: (pageId: string, psid: string, payload: string, title: string, extra?: EventExtra) => event(pageId, psid, { postback: { mid: mid(extra), title, payload } }, extra),
  attachments: (pageId: string, psid: string, attachments: readonly { type: 'image' | 'video' | 'audio' | 'file'; url: string }[], extra?: EventExtra) =>
    event(pageId, psid, { message: { mid: mid(extra), attachments: attachments.map((a) => ({ type: a.type, payload: { url: a.url } })) } }, extra),
  location: (pageId: string, psid: string, lat: number, long: number, extra?: EventExtra) =>
    event(pageId, psid, { message: { mid: mid(extra), attachments: [{ type: 'location', title: 'Pinned location', payload: { coordinates: { lat, long } } }] } }, extra),
  echo: (pageId: string, psid: string, text: string, extra?: EventExtra) => event(pageId, psid, { message: { mid: mid(extra), is_echo: true, text } }, extra),
  delivery: (pageId: string, psid: string, mids: readonly string[]) => event(pageId, psid, { delivery: { mids, watermark: 1_700_000_000_000 } }),
  read: (pageId: string, psid: string) => event(pageId, psid, { read: { watermark: 1_700_000_000_000 } }),
};
