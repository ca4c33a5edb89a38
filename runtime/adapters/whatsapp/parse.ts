// WhatsApp Cloud API webhook bodies: `entry[].changes[].value` with `messages`, `statuses`, `contacts` and the
// bot's `metadata.phone_number_id`. Hostile bodies give an 'invalid' result or 'ignored' events, never a throw.
import type { ContactValue, IncomingFile, LocationValue, UserMessage } from '../../engine/index.js';
import type { ParsedUpdate } from '../types.js';

type Obj = Record<string, unknown>;

/** A delivery status of a sent message; they arrive in any order, and more than once. */
export interface WhatsAppStatus {
  readonly kind: 'status';
  /** The wamid of the message we sent. */
  readonly messageId: string;
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  /** The user's wa_id. */
  readonly chatId: string;
  /** Seconds since the epoch, as Meta sends it. */
  readonly timestamp?: number;
  /** For 'failed': Meta's error codes and titles. */
  readonly errors?: readonly { readonly code?: number; readonly title?: string }[];
}

/** One event of a webhook body, with the bot's phone number id it was sent to. */
export type WhatsAppEvent = { readonly phoneNumberId: string } & ({ readonly kind: 'update'; readonly update: ParsedUpdate } | WhatsAppStatus);

export type WhatsAppWebhook = { readonly kind: 'invalid'; readonly reason: string } | { readonly kind: 'events'; readonly events: readonly WhatsAppEvent[] };

/** The longest text a WhatsApp user can send. */
const MAX_TEXT = 65536;
const MAX_ID = 256;
const MAX_FIELD = 512;
const MAX_ITEMS = 100;

const isObj = (v: unknown): v is Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const own = (o: Obj, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);
const str = (o: Obj, key: string, max = MAX_FIELD): string | undefined => {
  const v = own(o, key);
  return typeof v === 'string' && v !== '' && v.length <= max ? v : undefined;
};
const objAt = (o: Obj, key: string): Obj | undefined => {
  const v = own(o, key);
  return isObj(v) ? v : undefined;
};
const listAt = (o: Obj, key: string): unknown[] => {
  const v = own(o, key);
  return Array.isArray(v) ? v.slice(0, MAX_ITEMS) : [];
};
const ignored = (reason: string, updateId?: string): ParsedUpdate => ({ kind: 'ignored', reason, ...(updateId !== undefined ? { updateId } : {}) });

/** Media message types and the engine's file kinds (a voice note is `audio` with `voice: true`). */
const MEDIA_KINDS: Readonly<Record<string, IncomingFile['kind']>> = { image: 'photo', document: 'document', video: 'video', audio: 'audio', sticker: 'photo' };

function mediaOf(type: string, m: Obj): { file: IncomingFile; caption?: string } | undefined {
  const body = objAt(m, type);
  const id = body && str(body, 'id', MAX_ID);
  if (!body || !id) return undefined;
  const kind = type === 'audio' && own(body, 'voice') === true ? 'voice' : MEDIA_KINDS[type]!;
  const mime = str(body, 'mime_type', 255);
  const name = str(body, 'filename', 255);
  const sha256 = str(body, 'sha256', 128);
  const file: IncomingFile = { kind, ref: id, ...(mime ? { mime } : {}), ...(name ? { name } : {}), ...(sha256 ? { sha256 } : {}) };
  const caption = str(body, 'caption', 1024);
  return { file, ...(caption !== undefined ? { caption } : {}) };
}

function locationOf(m: Obj): LocationValue | undefined {
  const loc = objAt(m, 'location');
  if (!loc) return undefined;
  const latitude = own(loc, 'latitude');
  const longitude = own(loc, 'longitude');
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  const title = str(loc, 'name');
  const address = str(loc, 'address');
  return { kind: 'location', latitude, longitude, ...(title ? { title } : {}), ...(address ? { address } : {}) };
}

/** The first contact card with a phone number. */
function contactOf(m: Obj): ContactValue | undefined {
  for (const c of listAt(m, 'contacts')) {
    if (!isObj(c)) continue;
    const phone = listAt(c, 'phones').find((p): p is Obj => isObj(p) && str(p, 'phone', 64) !== undefined);
    if (!phone) continue;
    const name = objAt(c, 'name') ?? {};
    const first = str(name, 'first_name', 256) ?? str(name, 'formatted_name', 256) ?? '';
    const last = str(name, 'last_name', 256);
    const waId = str(phone, 'wa_id', 64);
    return { kind: 'contact', phone: str(phone, 'phone', 64)!, first_name: first, ...(last ? { last_name: last } : {}), ...(waId ? { user_id: waId } : {}) };
  }
  return undefined;
}

function pressOf(m: Obj): { press: string; text?: string } | undefined {
  const interactive = objAt(m, 'interactive');
  if (interactive) {
    const reply = objAt(interactive, 'button_reply') ?? objAt(interactive, 'list_reply');
    const id = reply && str(reply, 'id', MAX_ID);
    if (!reply || !id) return undefined;
    const title = str(reply, 'title', 256);
    return { press: id, ...(title ? { text: title } : {}) };
  }
  // A quick-reply button of a template message.
  const button = objAt(m, 'button');
  const payload = button && (str(button, 'payload', MAX_ID) ?? str(button, 'text', MAX_ID));
  return payload ? { press: payload } : undefined;
}

/** The user's profile from the `contacts` of the change (their WhatsApp name). */
function profileOf(value: Obj, waId: string): UserMessage['user'] {
  for (const c of listAt(value, 'contacts')) {
    if (!isObj(c) || str(c, 'wa_id', 64) !== waId) continue;
    const name = str(objAt(c, 'profile') ?? {}, 'name', 256);
    return { id: waId, ...(name ? { first_name: name } : {}) };
  }
  return { id: waId };
}

function messageOf(m: unknown, value: Obj): ParsedUpdate {
  if (!isObj(m)) return ignored('a message that is not an object');
  const id = str(m, 'id', MAX_ID);
  const from = str(m, 'from', 64);
  const type = str(m, 'type', 64);
  if (!id || !from || !type) return ignored('a message without id, from or type');
  const base = { kind: 'message', updateId: id, chatId: from } as const;
  const user = profileOf(value, from);
  const at = (message: UserMessage): ParsedUpdate => ({ ...base, message: { ...message, user } });
  switch (type) {
    case 'text': {
      const body = str(objAt(m, 'text') ?? {}, 'body', MAX_TEXT);
      return body === undefined ? ignored('a text message without a body of 1-65536 characters', id) : at({ text: body });
    }
    case 'interactive':
    case 'button': {
      const press = pressOf(m);
      return press ? at(press) : ignored(`an ${type} message without a reply id`, id);
    }
    case 'image':
    case 'document':
    case 'video':
    case 'audio':
    case 'sticker': {
      const media = mediaOf(type, m);
      if (!media) return ignored(`a ${type} message without a media id`, id);
      return at({ files: [media.file], ...(media.caption !== undefined ? { text: media.caption } : {}) });
    }
    case 'location': {
      const location = locationOf(m);
      return location ? at({ location }) : ignored('a location without valid coordinates', id);
    }
    case 'contacts': {
      const contact = contactOf(m);
      return contact ? at({ contact }) : ignored('a contact card without a phone number', id);
    }
    default:
      return ignored(`message type "${type.slice(0, 32)}" is not handled`, id);
  }
}

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

function statusOf(s: unknown, phoneNumberId: string): WhatsAppEvent | undefined {
  if (!isObj(s)) return undefined;
  const messageId = str(s, 'id', MAX_ID);
  const status = str(s, 'status', 32);
  const chatId = str(s, 'recipient_id', 64);
  if (!messageId || !status || !chatId || !STATUSES.has(status)) return undefined;
  const ts = Number(own(s, 'timestamp'));
  const errors = listAt(s, 'errors')
    .filter(isObj)
    .map((e) => {
      const code = own(e, 'code');
      const title = str(e, 'title');
      return { ...(typeof code === 'number' ? { code } : {}), ...(title ? { title } : {}) };
    });
  return {
    phoneNumberId,
    kind: 'status',
    messageId,
    status: status as WhatsAppStatus['status'],
    chatId,
    ...(Number.isFinite(ts) && ts > 0 ? { timestamp: ts } : {}),
    ...(errors.length > 0 ? { errors } : {}),
  };
}

/**
 * Every message and status of a webhook body. Messages become ParsedUpdates whose `chatId` is the user's wa_id and
 * `updateId` the wamid (the dedupe key); statuses come apart, for the outbox entry of the message they name.
 */
export function parseWhatsAppWebhook(body: unknown): WhatsAppWebhook {
  if (!isObj(body)) return { kind: 'invalid', reason: 'the body is not a JSON object' };
  if (own(body, 'object') !== 'whatsapp_business_account') return { kind: 'invalid', reason: 'object is not "whatsapp_business_account"' };
  const entries = own(body, 'entry');
  if (!Array.isArray(entries)) return { kind: 'invalid', reason: 'entry is not an array' };
  const events: WhatsAppEvent[] = [];
  for (const entry of entries.slice(0, MAX_ITEMS)) {
    if (!isObj(entry)) continue;
    for (const change of listAt(entry, 'changes')) {
      if (!isObj(change)) continue;
      const value = objAt(change, 'value');
      const phoneNumberId = value && str(objAt(value, 'metadata') ?? {}, 'phone_number_id', 64);
      if (!value || !phoneNumberId) continue;
      for (const m of listAt(value, 'messages')) events.push({ phoneNumberId, kind: 'update', update: messageOf(m, value) });
      for (const s of listAt(value, 'statuses')) {
        const status = statusOf(s, phoneNumberId);
        events.push(status ?? { phoneNumberId, kind: 'update', update: ignored('a status without id, recipient or a known status') });
      }
    }
  }
  return { kind: 'events', events };
}
