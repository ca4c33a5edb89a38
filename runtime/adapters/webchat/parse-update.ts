import type { ParsedUpdate } from '../types.js';

/** What the chat page posts: one message or button press of a browser session. */
export interface WebChatUpdate {
  /** The browser's session id (kept in local storage): the dialog's chat id. */
  readonly session: string;
  /** Unique per message, made by the page: a message posted twice (a retry, a reload) is applied once. */
  readonly id: string;
  readonly text?: string;
  /** The value of a pressed button. */
  readonly press?: string;
}

/** Session ids are random and unguessable: they are all that guards a transcript. */
export const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Telegram's limit for a message; a chat page has no reason to send more. */
export const MAX_TEXT_LENGTH = 4096;
const MAX_PRESS_BYTES = 64;
const KNOWN = new Set(['session', 'id', 'text', 'press']);

const invalid = (reason: string): ParsedUpdate => ({ kind: 'invalid', reason });

/** Validates a posted body; every refusal says what was wrong. */
export function parseWebChatUpdate(body: unknown): ParsedUpdate {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('expected a JSON object { session, id, text | press }');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) return invalid(`unknown field ${JSON.stringify(unknown[0])}: expected session, id, text or press`);
  if (typeof b['session'] !== 'string' || !SESSION_ID.test(b['session'])) return invalid('"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -');
  if (typeof b['id'] !== 'string' || !MESSAGE_ID.test(b['id'])) return invalid('"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -');
  const { text, press } = b;
  if ((text === undefined) === (press === undefined)) return invalid('send exactly one of "text" and "press"');
  if (text !== undefined) {
    if (typeof text !== 'string') return invalid('"text" must be a string');
    if (text.trim() === '') return invalid('"text" is empty');
    if (text.length > MAX_TEXT_LENGTH) return invalid(`"text" is longer than ${MAX_TEXT_LENGTH} characters`);
    return { kind: 'message', updateId: b['id'], chatId: b['session'], message: { text } };
  }
  if (typeof press !== 'string' || press === '' || Buffer.byteLength(press) > MAX_PRESS_BYTES) return invalid(`"press" must be a button value of 1 to ${MAX_PRESS_BYTES} bytes`);
  return { kind: 'message', updateId: b['id'], chatId: b['session'], message: { press } };
}
