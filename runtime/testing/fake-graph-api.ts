import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeMessenger } from './fake-graph/messenger.js';

export { FakeMessenger, messengerPayloadProblem, messengerUpdates, type FakeAttachment, type FakeMessengerCall, type MessengerWebhookBody } from './fake-graph/messenger.js';

/**
 * A fake Meta Graph API (WhatsApp Cloud API) over real HTTP, for tests and benchmarks: `POST /{v}/{phone}/messages`
 * validated as Graph does (limits, shapes, its error body), media endpoints (`GET /{v}/{media-id}`, the media URL,
 * `POST /{v}/{phone}/media` uploads), fault injection, and signed webhook bodies. The Messenger routes live in
 * fake-graph/messenger.ts (`messenger`), sharing the faults kept here.
 */

export interface FakeGraphCall {
  readonly phoneNumberId: string;
  readonly payload: Record<string, unknown>;
  /** The wamid answered (absent when refused). */
  readonly messageId?: string;
  readonly status: number;
}

export type GraphEndpoint = 'messages' | 'upload' | 'media' | 'download' | 'messenger' | 'messenger-upload' | 'messenger-download';

export interface GraphFault {
  readonly endpoint?: GraphEndpoint;
  /** Only sends to this wa_id (Messenger: this recipient PSID). */
  readonly to?: string;
  /** How many matching calls this rule answers; default 1. */
  readonly times?: number;
  /** The HTTP status; default 400 with `code`, 200 with only `delayMs`/`drop`. */
  readonly status?: number;
  /** A Graph error code (131047, 130429…) put in the error body. */
  readonly code?: number;
  /** Its error_subcode (Messenger's 2018278…). */
  readonly subcode?: number;
  readonly delayMs?: number;
  /** The call is carried out (a message recorded), then the connection is cut without an answer. */
  readonly drop?: boolean;
}

export interface FakeMedia {
  readonly id: string;
  readonly bytes: Buffer;
  readonly mime: string;
  /** The owner's token: the URL answers only its bearer. */
  readonly token: string;
  /** What GET /{media-id} declares, when not the real size (to test limits). */
  readonly declaredSize?: number;
  /** Serve the bytes chunked, without Content-Length. */
  readonly chunked?: boolean;
}

const LIMITS = { text: 4096, body: 1024, caption: 1024, header: 60, buttons: 3, buttonTitle: 20, id: 256, rows: 10, rowTitle: 24, rowDescription: 72, listButton: 20 };
const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const len = (v: unknown): number => (typeof v === 'string' ? v.length : -1);

/** Why Graph would refuse a /messages payload (undefined: it is accepted). */
export function graphPayloadProblem(p: Obj): string | undefined {
  if (p.messaging_product !== 'whatsapp') return 'messaging_product must be "whatsapp"';
  if (typeof p.to !== 'string' || p.to === '') return 'to is required';
  const type = p.type;
  if (type === 'text') {
    const body = isObj(p.text) ? p.text.body : undefined;
    return len(body) >= 1 && len(body) <= LIMITS.text ? undefined : `text.body must be 1-${LIMITS.text} characters`;
  }
  if (type === 'interactive') return interactiveProblem(p.interactive);
  if (typeof type === 'string' && MEDIA_TYPES.includes(type)) {
    const m = p[type];
    if (!isObj(m)) return `${type} object is required`;
    if ((m.id === undefined) === (m.link === undefined)) return `${type} needs exactly one of id and link`;
    if (m.caption !== undefined && (type === 'audio' || type === 'sticker')) return `${type} takes no caption`;
    if (m.caption !== undefined && len(m.caption) > LIMITS.caption) return `caption must be at most ${LIMITS.caption} characters`;
    return undefined;
  }
  if (type === 'location') {
    const l = p.location;
    return isObj(l) && typeof l.latitude === 'number' && typeof l.longitude === 'number' ? undefined : 'location needs latitude and longitude';
  }
  if (type === 'contacts') {
    return Array.isArray(p.contacts) && p.contacts.length > 0 && p.contacts.every((c) => isObj(c) && isObj(c.name) && len(c.name.formatted_name) >= 1) ? undefined : 'contacts need a name.formatted_name';
  }
  return `type "${String(type)}" is not supported`;
}

function interactiveProblem(i: unknown): string | undefined {
  if (!isObj(i) || !isObj(i.action)) return 'interactive.action is required';
  const body = isObj(i.body) ? i.body.text : undefined;
  if (len(body) < 1 || len(body) > LIMITS.body) return `interactive.body.text must be 1-${LIMITS.body} characters`;
  if (i.type === 'button') {
    const buttons = i.action.buttons;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > LIMITS.buttons) return `a button message has 1-${LIMITS.buttons} buttons`;
    const ids = new Set<unknown>();
    for (const b of buttons) {
      const reply = isObj(b) && isObj(b.reply) ? b.reply : undefined;
      if (!reply || len(reply.title) < 1 || len(reply.title) > LIMITS.buttonTitle) return `button title must be 1-${LIMITS.buttonTitle} characters`;
      if (len(reply.id) < 1 || len(reply.id) > LIMITS.id) return `button id must be 1-${LIMITS.id} characters`;
      if (ids.has(reply.id)) return 'button ids must be unique';
      ids.add(reply.id);
    }
    return undefined;
  }
  if (i.type === 'list') {
    if (len(i.action.button) < 1 || len(i.action.button) > LIMITS.listButton) return `list button must be 1-${LIMITS.listButton} characters`;
    const sections = i.action.sections;
    if (!Array.isArray(sections) || sections.length < 1) return 'a list has sections';
    const rows = sections.flatMap((s) => (isObj(s) && Array.isArray(s.rows) ? s.rows : [null]));
    if (rows.length < 1 || rows.length > LIMITS.rows) return `a list has 1-${LIMITS.rows} rows`;
    for (const r of rows) {
      if (!isObj(r) || len(r.title) < 1 || len(r.title) > LIMITS.rowTitle) return `row title must be 1-${LIMITS.rowTitle} characters`;
      if (len(r.id) < 1 || len(r.id) > LIMITS.id) return `row id must be 1-${LIMITS.id} characters`;
      if (r.description !== undefined && len(r.description) > LIMITS.rowDescription) return `row description must be at most ${LIMITS.rowDescription} characters`;
    }
    return undefined;
  }
  return `interactive type "${String(i.type)}" is not supported`;
}

/** Graph's error body. */
export function graphError(code: number, message: string, subcode?: number): Obj {
  return { error: { message, type: 'OAuthException', code, ...(subcode !== undefined ? { error_subcode: subcode } : {}), error_data: { messaging_product: 'whatsapp', details: message }, fbtrace_id: 'Afake' } };
}

export class FakeGraphApi {
  /** Every /messages call in order (accepted and refused). */
  readonly calls: FakeGraphCall[] = [];
  readonly uploads: FakeMedia[] = [];
  private readonly numbers = new Map<string, string>();
  private readonly media = new Map<string, FakeMedia>();
  private faults: (GraphFault & { left: number })[] = [];
  private seq = 0;
  /** The Messenger Send API of this fake: pages, calls, attachments. */
  readonly messenger: FakeMessenger;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {
    this.messenger = new FakeMessenger(url, {
      fault: (endpoint, to) => this.fault(endpoint, to),
      injected: (fault, res, json, afterWork) => this.injected(fault, res, json, afterWork),
      next: () => ++this.seq,
      error: graphError,
    });
  }

  static async start(options: { port?: number; host?: string } = {}): Promise<FakeGraphApi> {
    const server = http.createServer();
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
    const { port } = server.address() as AddressInfo;
    const api = new FakeGraphApi(server, `http://${host}:${port}`);
    server.on('request', (req, res) => void api.handle(req, res));
    return api;
  }

  /** A phone number id and the access token that may send from it. */
  addNumber(phoneNumberId: string, token: string): void {
    this.numbers.set(phoneNumberId, token);
  }

  /** A medium a user sent, downloadable with `token`; returns its media id. */
  addMedia(token: string, bytes: Buffer, options: { mime?: string; declaredSize?: number; chunked?: boolean } = {}): string {
    const id = String(1_000_000 + ++this.seq);
    this.media.set(id, { id, bytes, token, mime: options.mime ?? 'application/octet-stream', ...(options.declaredSize !== undefined ? { declaredSize: options.declaredSize } : {}), ...(options.chunked ? { chunked: true } : {}) });
    return id;
  }

  fail(fault: GraphFault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Accepted sends to one user, in order. */
  sent(to?: string): FakeGraphCall[] {
    return this.calls.filter((c) => c.messageId !== undefined && (to === undefined || c.payload.to === to));
  }

  reset(): void {
    this.calls.length = 0;
    this.uploads.length = 0;
    this.faults = [];
    this.messenger.reset();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private fault(endpoint: GraphEndpoint, to?: string): (GraphFault & { left: number }) | undefined {
    const rule = this.faults.find((f) => f.left > 0 && (f.endpoint ?? 'messages') === endpoint && (f.to === undefined || f.to === to));
    if (rule) rule.left--;
    return rule;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.url);
    const parts = url.pathname.split('/').filter(Boolean);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (this.messenger.serves(req.method, parts)) return this.messenger.handle(req, res, parts, body, bearer ?? url.searchParams.get('access_token') ?? undefined, json);
    if (parts[0] === 'media-bytes' && req.method === 'GET') return this.download(parts[1] ?? '', bearer, res);
    if (parts.length === 3 && req.method === 'POST' && (parts[2] === 'messages' || parts[2] === 'media')) {
      const phone = parts[1]!;
      if (this.numbers.get(phone) !== bearer) return json(401, graphError(190, 'Invalid OAuth access token'));
      if (parts[2] === 'media') return this.upload(bearer!, req, res, body, json);
      return this.message(phone, body, res, json);
    }
    if (parts.length === 2 && req.method === 'GET') {
      const fault = this.fault('media');
      if (fault && (await this.injected(fault, res, json))) return;
      const m = this.media.get(parts[1]!);
      if (!m || m.token !== bearer) return json(m ? 401 : 404, graphError(m ? 190 : 100, m ? 'Invalid OAuth access token' : 'Unsupported get request'));
      return json(200, { messaging_product: 'whatsapp', id: m.id, url: `${this.url}/media-bytes/${m.id}?hash=${randomBytes(4).toString('hex')}`, mime_type: m.mime, sha256: sha256(m.bytes), file_size: m.declaredSize ?? m.bytes.length });
    }
    json(404, graphError(100, 'Unknown path'));
  }

  /** True when the fault answered (or cut) the call. */
  private async injected(fault: GraphFault, res: http.ServerResponse, json: (s: number, v: unknown) => void, afterWork?: () => void): Promise<boolean> {
    if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.drop) {
      afterWork?.();
      res.socket?.destroy();
      return true;
    }
    const status = fault.status ?? (fault.code !== undefined ? 400 : 200);
    if (status === 200) return false;
    json(status, graphError(fault.code ?? (status === 429 ? 130429 : 1), `injected fault ${fault.code ?? status}`, fault.subcode));
    return true;
  }

  private async message(phone: string, body: Buffer, res: http.ServerResponse, json: (s: number, v: unknown) => void): Promise<void> {
    let payload: Obj;
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (!isObj(parsed)) throw new Error('not an object');
      payload = parsed;
    } catch {
      return json(400, graphError(100, 'Invalid JSON'));
    }
    const record = (status: number, messageId?: string) => this.calls.push({ phoneNumberId: phone, payload, status, ...(messageId ? { messageId } : {}) });
    const fault = this.fault('messages', typeof payload.to === 'string' ? payload.to : undefined);
    const messageId = `wamid.FAKE${++this.seq}`;
    if (fault && (await this.injected(fault, res, (s, v) => (record(s), json(s, v)), () => record(200, messageId)))) return;
    const problem = graphPayloadProblem(payload);
    if (problem) {
      record(400);
      return json(400, graphError(100, `(#100) Invalid parameter: ${problem}`));
    }
    record(200, messageId);
    json(200, { messaging_product: 'whatsapp', contacts: [{ input: payload.to, wa_id: payload.to }], messages: [{ id: messageId }] });
  }

  private async upload(token: string, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, json: (s: number, v: unknown) => void): Promise<void> {
    const fault = this.fault('upload');
    if (fault && (await this.injected(fault, res, json))) return;
    const boundary = /boundary=(.+)$/.exec(req.headers['content-type'] ?? '')?.[1];
    const file = boundary ? filePart(body, boundary) : undefined;
    if (!file) return json(400, graphError(100, '(#100) The parameter file is required'));
    const id = String(2_000_000 + ++this.seq);
    const m: FakeMedia = { id, bytes: file.bytes, mime: file.mime, token };
    this.media.set(id, m);
    this.uploads.push(m);
    json(200, { id });
  }

  private async download(id: string, bearer: string | undefined, res: http.ServerResponse): Promise<void> {
    const fault = this.fault('download');
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.drop) return void res.socket?.destroy();
    if (fault && (fault.status ?? 200) !== 200) {
      res.writeHead(fault.status!);
      return void res.end();
    }
    const m = this.media.get(id);
    if (!m || m.token !== bearer) {
      res.writeHead(m ? 401 : 404);
      return void res.end();
    }
    res.writeHead(200, { 'content-type': m.mime, ...(m.chunked ? {} : { 'content-length': String(m.bytes.length) }) });
    res.end(m.bytes);
  }
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('base64');

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The `file` part of a multipart body. */
function filePart(body: Buffer, boundary: string): { bytes: Buffer; mime: string } | undefined {
  const marker = Buffer.from(`--${boundary}`);
  let at = body.indexOf(marker);
  while (at >= 0) {
    const next = body.indexOf(marker, at + marker.length);
    if (next < 0) return undefined;
    const part = body.subarray(at + marker.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    if (/name="file"/.test(head)) return { bytes: Buffer.from(part.subarray(split + 4)), mime: /Content-Type: (.+)/i.exec(head)?.[1]?.trim() ?? 'application/octet-stream' };
    at = next;
  }
  return undefined;
}

// ---- webhook bodies Meta posts, and signing ----

interface Change {
  value: Obj & { metadata: { display_phone_number: string; phone_number_id: string }; messages?: unknown[]; statuses?: unknown[]; contacts?: unknown[] };
  field: 'messages';
}
export interface WhatsAppWebhookBody {
  object: 'whatsapp_business_account';
  entry: { id: string; changes: Change[] }[];
}
interface MessageExtra {
  id?: string;
  name?: string;
  timestamp?: number;
}

let counter = 0;
function inbound(phone: string, from: string, message: Obj, extra: MessageExtra = {}): WhatsAppWebhookBody {
  const id = extra.id ?? `wamid.IN${++counter}`;
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: phone },
              contacts: [{ profile: { name: extra.name ?? 'User' }, wa_id: from }],
              messages: [{ from, id, timestamp: String(extra.timestamp ?? 1_700_000_000), ...message }],
            },
          },
        ],
      },
    ],
  };
}

/** Builders of the webhook bodies Meta posts (shapes of the Cloud API's webhook reference). */
export const whatsappUpdates = {
  text: (phone: string, from: string, body: string, extra?: MessageExtra) => inbound(phone, from, { type: 'text', text: { body } }, extra),
  buttonReply: (phone: string, from: string, id: string, title: string, extra?: MessageExtra) =>
    inbound(phone, from, { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title } } }, extra),
  listReply: (phone: string, from: string, id: string, title: string, extra?: MessageExtra) =>
    inbound(phone, from, { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title } } }, extra),
  media: (phone: string, from: string, type: 'image' | 'document' | 'video' | 'audio' | 'sticker', media: Obj, extra?: MessageExtra) => inbound(phone, from, { type, [type]: media }, extra),
  location: (phone: string, from: string, latitude: number, longitude: number, place: { name?: string; address?: string } = {}, extra?: MessageExtra) =>
    inbound(phone, from, { type: 'location', location: { latitude, longitude, ...place } }, extra),
  contact: (phone: string, from: string, c: { phone: string; first_name: string; last_name?: string; wa_id?: string }, extra?: MessageExtra) =>
    inbound(
      phone,
      from,
      {
        type: 'contacts',
        contacts: [
          {
            name: { formatted_name: [c.first_name, c.last_name].filter(Boolean).join(' '), first_name: c.first_name, ...(c.last_name ? { last_name: c.last_name } : {}) },
            phones: [{ phone: c.phone, type: 'CELL', ...(c.wa_id ? { wa_id: c.wa_id } : {}) }],
          },
        ],
      },
      extra,
    ),
  /** Status callbacks of sent messages, in the order given. */
  statuses: (phone: string, statuses: readonly (Obj & { id: string; status: string; recipient_id: string })[]): WhatsAppWebhookBody => ({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA1',
        changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: phone }, statuses: statuses.map((s) => ({ timestamp: '1700000000', ...s })) } }],
      },
    ],
  }),
};

/** The raw body and its `X-Hub-Signature-256` header, as Meta signs them with the app secret. */
export function signWebhook(body: unknown, appSecret: string): { raw: Buffer; signature: string } {
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, signature: `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}` };
}

/** Posts a signed webhook body to `url` as Meta does; resolves to the HTTP status. */
export async function postWebhook(url: string, body: unknown, appSecret: string): Promise<number> {
  const { raw, signature } = signWebhook(body, appSecret);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: raw });
  await res.arrayBuffer();
  return res.status;
}
