import { isFileKind, type FileKind } from '../../../compiler/index.js';
import type { ContactValue, IncomingFile, LocationValue, UserMessage } from '../../engine/index.js';
import type { ParsedUpdate } from '../types.js';

/** A file of a message: an upload's id, with its kind (the server fills in the kind, type, size and name from the store). */
export interface WebChatFile {
  readonly id: string;
  readonly kind?: FileKind;
  readonly mime?: string;
  readonly size?: number;
  readonly name?: string;
}

/** What the chat page posts: one message, button press, set of uploaded files or location of a browser session. */
export interface WebChatUpdate {
  /** The browser's session id (kept in local storage): the dialog's chat id. */
  readonly session: string;
  /** Unique per message, made by the page: a message posted twice (a retry, a reload) is applied once. */
  readonly id: string;
  /** A message, or the caption of `files`. */
  readonly text?: string;
  /** The value of a pressed button. */
  readonly press?: string;
  /** Files uploaded before (POST …/uploads), by id. */
  readonly files?: readonly WebChatFile[];
  readonly location?: { readonly latitude: number; readonly longitude: number };
  /** A contact card the user typed (a browser has no address book to share from). */
  readonly contact?: { readonly phone: string; readonly first_name: string; readonly last_name?: string };
}

/** Session ids are random and unguessable: they are all that guards a transcript. */
export const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;
/** A stored file's id (the media store's ids are sha256 hex; other stores may name files otherwise, within this). */
export const FILE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Telegram's limit for a message; a chat page has no reason to send more. */
export const MAX_TEXT_LENGTH = 4096;
/** Files one message carries at most (Telegram's media group holds 10). */
export const MAX_FILES = 10;
const MAX_PRESS_BYTES = 64;
const MAX_NAME_LENGTH = 255;
const KNOWN = new Set(['session', 'id', 'text', 'press', 'files', 'location', 'contact']);
const FILE_FIELDS = new Set(['id', 'kind', 'mime', 'size', 'name']);
const LOCATION_KEYS = new Set(['latitude', 'longitude']);
const CONTACT_KEYS = new Set(['phone', 'first_name', 'last_name']);
/** Digits with the usual separators, an optional leading +: 3 to 32 characters. */
const PHONE = /^\+?[0-9][0-9 ().-]{1,30}$/;
const MAX_CONTACT_NAME = 64;

const invalid = (reason: string): ParsedUpdate => ({ kind: 'invalid', reason });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The files of a message, or why they are refused. A file without a kind is a document (the server gives the kind). */
function readFiles(raw: unknown): IncomingFile[] | string {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_FILES) return `"files" must be a list of 1 to ${MAX_FILES} files`;
  const files: IncomingFile[] = [];
  for (const [i, f] of raw.entries()) {
    const at = `"files[${i}]"`;
    if (!isObject(f)) return `${at} must be an object { id, kind }`;
    const extra = Object.keys(f).find((k) => !FILE_FIELDS.has(k));
    if (extra !== undefined) return `unknown field ${JSON.stringify(extra)} in ${at}: expected id and kind`;
    const { id, kind, mime, size, name } = f;
    if (typeof id !== 'string' || !FILE_ID.test(id)) return `${at}.id must be the id of an upload (1 to 128 characters of A-Z, a-z, 0-9, _ and -)`;
    if (kind !== undefined && (typeof kind !== 'string' || !isFileKind(kind))) return `${at}.kind must be one of photo, document, video, audio, voice`;
    if (mime !== undefined && (typeof mime !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(mime))) return `${at}.mime must be a media type`;
    if (size !== undefined && (!Number.isSafeInteger(size) || (size as number) < 0)) return `${at}.size must be a whole number of bytes`;
    if (name !== undefined && (typeof name !== 'string' || name.length > MAX_NAME_LENGTH)) return `${at}.name must be a string of at most ${MAX_NAME_LENGTH} characters`;
    files.push({
      kind: (kind as FileKind | undefined) ?? 'document',
      ref: id,
      ...(mime === undefined ? {} : { mime: mime as string }),
      ...(size === undefined ? {} : { size: size as number }),
      ...(name === undefined ? {} : { name: name as string }),
    });
  }
  return files;
}

function readLocation(raw: unknown): LocationValue | string {
  const rule = '"location" must be { latitude: -90 to 90, longitude: -180 to 180 }';
  if (!isObject(raw) || Object.keys(raw).some((k) => !LOCATION_KEYS.has(k))) return rule;
  const { latitude, longitude } = raw;
  if (typeof latitude !== 'number' || !Number.isFinite(latitude) || Math.abs(latitude) > 90) return rule;
  if (typeof longitude !== 'number' || !Number.isFinite(longitude) || Math.abs(longitude) > 180) return rule;
  return { kind: 'location', latitude, longitude };
}

function readContact(raw: unknown): ContactValue | string {
  const rule = `"contact" must be { phone, first_name, last_name? }: a phone number and names of 1 to ${MAX_CONTACT_NAME} characters`;
  if (!isObject(raw) || Object.keys(raw).some((k) => !CONTACT_KEYS.has(k))) return rule;
  const { phone, first_name: first, last_name: last } = raw;
  const name = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= MAX_CONTACT_NAME;
  if (typeof phone !== 'string' || !PHONE.test(phone.trim()) || !name(first) || (last !== undefined && !name(last))) return rule;
  return { kind: 'contact', phone: phone.trim(), first_name: first.trim(), ...(last === undefined ? {} : { last_name: last.trim() }) };
}

/** Validates a posted body; every refusal says what was wrong. */
export function parseWebChatUpdate(body: unknown): ParsedUpdate {
  if (!isObject(body)) return invalid('expected a JSON object { session, id, text | press | files | location | contact }');
  const b = body;
  const unknown = Object.keys(b).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) return invalid(`unknown field ${JSON.stringify(unknown[0])}: expected session, id, text, press, files, location or contact`);
  if (typeof b['session'] !== 'string' || !SESSION_ID.test(b['session'])) return invalid('"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -');
  if (typeof b['id'] !== 'string' || !MESSAGE_ID.test(b['id'])) return invalid('"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -');
  const { text, press, files, location, contact } = b;
  // A text may caption files; otherwise a message is exactly one thing.
  const parts = [text !== undefined && files === undefined, press !== undefined, files !== undefined, location !== undefined, contact !== undefined].filter(Boolean).length;
  if (parts !== 1) return invalid('send exactly one of "text", "press", "files" (with an optional "text" caption), "location" and "contact"');
  const message: { -readonly [K in keyof UserMessage]: UserMessage[K] } = {};
  if (text !== undefined) {
    if (typeof text !== 'string') return invalid('"text" must be a string');
    if (text.trim() === '') return invalid('"text" is empty');
    if (text.length > MAX_TEXT_LENGTH) return invalid(`"text" is longer than ${MAX_TEXT_LENGTH} characters`);
    message.text = text;
  }
  if (press !== undefined) {
    if (typeof press !== 'string' || press === '' || Buffer.byteLength(press) > MAX_PRESS_BYTES) return invalid(`"press" must be a button value of 1 to ${MAX_PRESS_BYTES} bytes`);
    message.press = press;
  }
  if (files !== undefined) {
    const read = readFiles(files);
    if (typeof read === 'string') return invalid(read);
    message.files = read;
  }
  if (location !== undefined) {
    const read = readLocation(location);
    if (typeof read === 'string') return invalid(read);
    message.location = read;
  }
  if (contact !== undefined) {
    const read = readContact(contact);
    if (typeof read === 'string') return invalid(read);
    message.contact = read;
  }
  return { kind: 'message', updateId: b['id'], chatId: b['session'], message };
}
