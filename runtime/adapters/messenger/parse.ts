// Messenger webhook bodies: `object: "page"`, `entry[].messaging[]` events of the page `entry[].id`. Hostile
// bodies give an 'invalid' result or 'ignored' events, never a throw.
import type { IncomingFile, LocationValue, UserMessage } from '../../engine/index.js';
import type { ParsedUpdate } from '../types.js';

type Obj = Record<string, unknown>;

/** One messaging event of a webhook body, with the page it was sent to. */
export interface MessengerEvent {
  readonly pageId: string;
  readonly update: ParsedUpdate;
}

export type MessengerWebhook = { readonly kind: 'invalid'; readonly reason: string } | { readonly kind: 'events'; readonly events: readonly MessengerEvent[] };

const MAX_TEXT = 20_000;
const MAX_ID = 256;
const MAX_PAYLOAD = 1000;
const MAX_URL = 4096;
const MAX_ITEMS = 100;

const isObj = (v: unknown): v is Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const own = (o: Obj, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);
const str = (o: Obj, key: string, max = 512): string | undefined => {
  const v = own(o, key);
  return typeof v === 'string' && v !== '' && v.length <= max ? v : undefined;
};
/** Ids are strings of digits in Messenger's bodies; a number is taken too. */
const idAt = (o: Obj, key: string): string | undefined => {
  const v = own(o, key);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return typeof v === 'string' && /^[\w.:-]{1,64}$/.test(v) ? v : undefined;
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

/** Attachment types and the engine's file kinds (a voice clip is an audio attachment; a sticker an image). */
const FILE_KINDS: Readonly<Record<string, IncomingFile['kind']>> = { image: 'photo', video: 'video', audio: 'audio', file: 'document' };

function fileOf(a: Obj): IncomingFile | undefined {
  const kind = FILE_KINDS[str(a, 'type', 32) ?? ''];
  const url = str(objAt(a, 'payload') ?? {}, 'url', MAX_URL);
  if (!kind || !url || !/^https?:\/\//.test(url)) return undefined;
  return { kind, ref: url };
}

function locationOf(a: Obj): LocationValue | undefined {
  const coordinates = objAt(objAt(a, 'payload') ?? {}, 'coordinates');
  if (str(a, 'type', 32) !== 'location' || !coordinates) return undefined;
  const latitude = own(coordinates, 'lat');
  const longitude = own(coordinates, 'long');
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  const title = str(a, 'title');
  return { kind: 'location', latitude, longitude, ...(title ? { title } : {}) };
}

function messageOf(m: Obj, base: { updateId: string; chatId: string }, user: UserMessage['user']): ParsedUpdate {
  const at = (message: UserMessage): ParsedUpdate => ({ kind: 'message', ...base, message: { ...message, user } });
  const text = str(m, 'text', MAX_TEXT);
  const quick = objAt(m, 'quick_reply');
  const press = quick && str(quick, 'payload', MAX_PAYLOAD);
  if (press) return at({ press, ...(text !== undefined ? { text } : {}) });
  const attachments = listAt(m, 'attachments').filter(isObj);
  const files = attachments.map(fileOf).filter((f): f is IncomingFile => f !== undefined);
  const location = attachments.map(locationOf).find((l) => l !== undefined);
  if (files.length > 0 || location) return at({ ...(files.length > 0 ? { files } : {}), ...(location ? { location } : {}), ...(text !== undefined ? { text } : {}) });
  if (text !== undefined) return at({ text });
  return ignored(attachments.length > 0 ? 'attachments of no handled type (a shared link, a template)' : 'a message without text or attachments', base.updateId);
}

function eventOf(e: unknown): ParsedUpdate {
  if (!isObj(e)) return ignored('an event that is not an object');
  const chatId = idAt(objAt(e, 'sender') ?? {}, 'id');
  const timestamp = own(e, 'timestamp');
  const message = objAt(e, 'message');
  const postback = objAt(e, 'postback');
  if (!message && !postback) {
    const what = ['delivery', 'read', 'reaction', 'optin', 'referral', 'account_linking'].find((k) => own(e, k) !== undefined) ?? 'unknown';
    return ignored(`a ${what} event`);
  }
  if (!chatId) return ignored('an event without sender.id');
  const user = { id: chatId };
  if (message) {
    const mid = str(message, 'mid', MAX_ID);
    if (!mid) return ignored('a message without mid');
    if (own(message, 'is_echo') === true) return ignored('an echo of a message the page sent', mid);
    return messageOf(message, { updateId: mid, chatId }, user);
  }
  // A postback has a mid today; older ones are told apart by sender and timestamp.
  const id = str(postback!, 'mid', MAX_ID) ?? (typeof timestamp === 'number' ? `postback:${chatId}:${timestamp}` : undefined);
  const payload = str(postback!, 'payload', MAX_PAYLOAD);
  if (!id) return ignored('a postback without mid or timestamp');
  if (!payload) return ignored('a postback without a payload', id);
  const title = str(postback!, 'title', 256);
  return { kind: 'message', updateId: id, chatId, message: { press: payload, ...(title ? { text: title } : {}), user } };
}

/**
 * Every messaging event of a webhook body: messages, quick replies and postbacks become ParsedUpdates whose
 * `chatId` is the user's page-scoped id (PSID) and `updateId` the message mid (the dedupe key); echoes,
 * deliveries and reads are 'ignored'.
 */
export function parseMessengerWebhook(body: unknown): MessengerWebhook {
  if (!isObj(body)) return { kind: 'invalid', reason: 'the body is not a JSON object' };
  if (own(body, 'object') !== 'page') return { kind: 'invalid', reason: 'object is not "page"' };
  const entries = own(body, 'entry');
  if (!Array.isArray(entries)) return { kind: 'invalid', reason: 'entry is not an array' };
  const events: MessengerEvent[] = [];
  for (const entry of entries.slice(0, MAX_ITEMS)) {
    if (!isObj(entry)) continue;
    const pageId = idAt(entry, 'id');
    if (!pageId) continue;
    for (const e of listAt(entry, 'messaging')) events.push({ pageId, update: eventOf(e) });
  }
  return { kind: 'events', events };
}
