// What a Telegram message carries besides text: files (announced by file_id, downloaded later through getFile), a
// location (or venue), a contact. Untrusted input: every field is type-checked and capped.
import type { ContactValue, FileKind, IncomingFile, LocationValue } from '../../engine/index.js';

type Obj = Record<string, unknown>;

/** Telegram's file_ids are well under this; anything longer is not one. */
const MAX_FILE_ID = 512;
const MAX_NAME = 256;
const MAX_MIME = 128;
const MAX_FIELD = 256;
const MAX_PHONE = 64;

export interface MessageMedia {
  readonly files?: readonly IncomingFile[];
  readonly location?: LocationValue;
  readonly contact?: ContactValue;
}

/** A parse failure: the message is not one Telegram would send. */
export class MediaFieldError extends Error {}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function str(o: Obj, key: string, max: number): string | undefined {
  const v = own(o, key);
  return typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined;
}

function size(o: Obj): number | undefined {
  const v = own(o, 'file_size');
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

function fileId(o: unknown, where: string): string {
  const id = isObj(o) ? own(o, 'file_id') : undefined;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_FILE_ID) throw new MediaFieldError(`${where}.file_id is missing or not a string`);
  return id;
}

/** A file of `kind` from a Document/Video/Audio/Voice object: its file_id and what Telegram declares of it. */
function fileOf(kind: FileKind, o: unknown, where: string): IncomingFile {
  const ref = fileId(o, where);
  const f = o as Obj;
  const mime = str(f, 'mime_type', MAX_MIME);
  const bytes = size(f);
  const name = str(f, 'file_name', MAX_NAME);
  return { kind, ref, ...(mime !== undefined ? { mime } : {}), ...(bytes !== undefined ? { size: bytes } : {}), ...(name !== undefined ? { name } : {}) };
}

/** The largest of a photo's sizes (Telegram lists them smallest first; the area decides, then the byte size). */
function photoOf(sizes: unknown): IncomingFile {
  if (!Array.isArray(sizes) || sizes.length === 0) throw new MediaFieldError('message.photo is not a list of sizes');
  let best: Obj | undefined;
  let bestArea = -1;
  let bestBytes = -1;
  for (const s of sizes) {
    fileId(s, 'message.photo[]');
    const o = s as Obj;
    const w = own(o, 'width');
    const h = own(o, 'height');
    const area = typeof w === 'number' && typeof h === 'number' ? w * h : 0;
    const bytes = size(o) ?? 0;
    if (area > bestArea || (area === bestArea && bytes >= bestBytes)) [best, bestArea, bestBytes] = [o, area, bytes];
  }
  const bytes = size(best!);
  // Telegram re-encodes photos as JPEG.
  return { kind: 'photo', ref: own(best!, 'file_id') as string, mime: 'image/jpeg', ...(bytes !== undefined ? { size: bytes } : {}) };
}

function coordinate(o: Obj, key: 'latitude' | 'longitude', where: string): number {
  const v = own(o, key);
  const limit = key === 'latitude' ? 90 : 180;
  if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > limit) throw new MediaFieldError(`${where}.${key} is not a coordinate`);
  return v;
}

function locationOf(message: Obj): LocationValue | undefined {
  const venue = own(message, 'venue');
  const raw = isObj(venue) ? own(venue, 'location') : own(message, 'location');
  if (raw === undefined) return undefined;
  const where = isObj(venue) ? 'message.venue.location' : 'message.location';
  if (!isObj(raw)) throw new MediaFieldError(`${where} is not an object`);
  const out: { -readonly [K in keyof LocationValue]: LocationValue[K] } = { kind: 'location', latitude: coordinate(raw, 'latitude', where), longitude: coordinate(raw, 'longitude', where) };
  if (isObj(venue)) {
    const title = str(venue, 'title', MAX_FIELD);
    const address = str(venue, 'address', MAX_FIELD);
    if (title !== undefined) out.title = title;
    if (address !== undefined) out.address = address;
  }
  return out;
}

function contactOf(raw: unknown): ContactValue {
  if (!isObj(raw)) throw new MediaFieldError('message.contact is not an object');
  const phone = str(raw, 'phone_number', MAX_PHONE);
  const first = str(raw, 'first_name', MAX_FIELD);
  if (phone === undefined || first === undefined) throw new MediaFieldError('message.contact needs phone_number and first_name');
  const out: { -readonly [K in keyof ContactValue]: ContactValue[K] } = { kind: 'contact', phone, first_name: first };
  const last = str(raw, 'last_name', MAX_FIELD);
  if (last !== undefined) out.last_name = last;
  const user = own(raw, 'user_id');
  if (typeof user === 'number' && Number.isSafeInteger(user)) out.user_id = String(user);
  return out;
}

/**
 * The media of a message. An animation (which Telegram also fills `document` for) and a sticker or video note are
 * not files a scenario asks for: they carry nothing here, as before. Throws MediaFieldError on malformed fields.
 */
export function messageMedia(message: Obj): MessageMedia | undefined {
  if (own(message, 'animation') !== undefined) return undefined;
  let file: IncomingFile | undefined;
  if (own(message, 'photo') !== undefined) file = photoOf(own(message, 'photo'));
  else if (own(message, 'document') !== undefined) file = fileOf('document', own(message, 'document'), 'message.document');
  else if (own(message, 'video') !== undefined) file = fileOf('video', own(message, 'video'), 'message.video');
  else if (own(message, 'audio') !== undefined) file = fileOf('audio', own(message, 'audio'), 'message.audio');
  else if (own(message, 'voice') !== undefined) file = fileOf('voice', own(message, 'voice'), 'message.voice');
  if (file) return { files: [file] };
  const location = locationOf(message);
  if (location) return { location };
  if (own(message, 'contact') !== undefined) return { contact: contactOf(own(message, 'contact')) };
  return undefined;
}
