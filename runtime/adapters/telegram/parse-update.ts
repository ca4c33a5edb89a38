import type { UserMessage, UserProfile } from '../../engine/index.js';
import type { ParsedUpdate } from '../types.js';
import { DEFAULT_GROUP_DIALOGS, encodeAddress, type GroupDialogs } from './address.js';
import { isMediaGroup, mediaGroupUpdateId } from './media-group.js';
import { MediaFieldError, messageMedia, type MessageMedia } from './parse-media.js';

export interface ParseUpdateOptions {
  /** Whose conversation a group message advances; default 'member'. */
  readonly groupDialogs?: GroupDialogs;
}

/** Telegram's own limit for message text. */
export const MAX_TEXT_LENGTH = 4096;
/** callback_data is at most 64 bytes at Telegram; anything far longer cannot come from our buttons. */
const MAX_DATA_LENGTH = 256;
const MAX_ID_LENGTH = 256;
const MAX_NAME_LENGTH = 256;
const MAX_USERNAME_LENGTH = 64;
const MAX_LANGUAGE_LENGTH = 35;
const MAX_REASON_KEY = 64;

/** Service messages (members joining, pins, chat changes) are not user input: answering them would spam groups. */
const SERVICE_KEYS = [
  'new_chat_members',
  'left_chat_member',
  'new_chat_title',
  'new_chat_photo',
  'delete_chat_photo',
  'group_chat_created',
  'supergroup_chat_created',
  'channel_chat_created',
  'message_auto_delete_timer_changed',
  'migrate_to_chat_id',
  'migrate_from_chat_id',
  'pinned_message',
  'forum_topic_created',
  'forum_topic_edited',
  'forum_topic_closed',
  'forum_topic_reopened',
  'general_forum_topic_hidden',
  'general_forum_topic_unhidden',
  'video_chat_scheduled',
  'video_chat_started',
  'video_chat_ended',
  'video_chat_participants_invited',
  'write_access_allowed',
  'proximity_alert_triggered',
  'boost_added',
  'chat_background_set',
  'giveaway_created',
  'giveaway_completed',
];

type Obj = Record<string, unknown>;

/** A plain object as JSON.parse makes it (arrays, null and class instances are not). */
function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Own properties only: an inherited `toString` or a polluted prototype must not look like data. */
function own(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function cap(s: string, max: number): string {
  if (s.length <= max) return s;
  // Do not leave half of a surrogate pair at the end.
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

function invalid(reason: string): ParsedUpdate {
  return { kind: 'invalid', reason };
}

/** chat.id: an integer (users, groups) or a string (a channel's @username). */
function chatIdOf(chat: unknown): string | undefined {
  if (!isPlainObject(chat)) return undefined;
  const id = own(chat, 'id');
  if (typeof id === 'number') return Number.isSafeInteger(id) ? String(id) : undefined;
  if (typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH) return id;
  return undefined;
}

/** Copies the profile fields of `from`, strings and safe integers only, capped. */
function userOf(from: Obj): UserProfile | undefined {
  const user: { -readonly [K in keyof UserProfile]: UserProfile[K] } = {};
  const id = own(from, 'id');
  if (typeof id === 'number' && Number.isSafeInteger(id)) user.id = id;
  else if (typeof id === 'string' && id.length > 0) user.id = cap(id, MAX_ID_LENGTH);
  const text = (key: 'first_name' | 'last_name' | 'username' | 'language_code', max: number) => {
    const v = own(from, key);
    if (typeof v === 'string') user[key] = cap(v, max);
  };
  text('first_name', MAX_NAME_LENGTH);
  text('last_name', MAX_NAME_LENGTH);
  text('username', MAX_USERNAME_LENGTH);
  text('language_code', MAX_LANGUAGE_LENGTH);
  return Object.keys(user).length > 0 ? user : undefined;
}

/** `from` is optional, but when present it must be an object. */
function readUser(holder: Obj): { ok: true; user: UserProfile | undefined } | { ok: false } {
  const from = own(holder, 'from');
  if (from === undefined) return { ok: true, user: undefined };
  if (!isPlainObject(from)) return { ok: false };
  return { ok: true, user: userOf(from) };
}

/**
 * The dialog a message belongs to (see address.ts): its chat, its forum topic when it has one, and in groups with
 * member-scoped dialogs the member (`sender` holds `from`: the message's, or the button press's).
 */
function dialogAddress(chatId: string, message: Obj, sender: Obj, groupDialogs: GroupDialogs): string {
  const rawThread = own(message, 'message_thread_id');
  const thread = own(message, 'is_topic_message') === true && typeof rawThread === 'number' && Number.isSafeInteger(rawThread) ? rawThread : undefined;
  const chat = own(message, 'chat') as Obj;
  const type = own(chat, 'type');
  const from = own(sender, 'from');
  const rawUser = isPlainObject(from) ? own(from, 'id') : undefined;
  const user = groupDialogs === 'member' && (type === 'group' || type === 'supergroup') && typeof rawUser === 'number' && Number.isSafeInteger(rawUser) ? rawUser : undefined;
  return encodeAddress({ chat: chatId, ...(thread !== undefined ? { thread } : {}), ...(user !== undefined ? { user } : {}) });
}

function parseMessage(updateId: string, message: unknown, groupDialogs: GroupDialogs): ParsedUpdate {
  if (!isPlainObject(message)) return invalid('message is not an object');
  const rawChatId = chatIdOf(own(message, 'chat'));
  if (rawChatId === undefined) return invalid('message.chat.id is missing or not an integer/string');
  const from = readUser(message);
  if (!from.ok) return invalid('message.from is not an object');
  const text = own(message, 'text');
  if (text !== undefined && typeof text !== 'string') return invalid('message.text is not a string');
  let media: MessageMedia | undefined;
  let caption: unknown;
  if (text === undefined) {
    const service = SERVICE_KEYS.find((k) => own(message, k) !== undefined);
    if (service !== undefined) return { kind: 'ignored', updateId, reason: `service message (${service})` };
    caption = own(message, 'caption');
    if (caption !== undefined && typeof caption !== 'string') return invalid('message.caption is not a string');
    try {
      media = messageMedia(message);
    } catch (err) {
      // A medium we cannot read is dropped, not the update: a 400 would make Telegram redeliver it for a day and
      // hold the bot's later updates back; the step sees a message without media and asks again.
      if (!(err instanceof MediaFieldError)) throw err;
    }
  }
  const out: { -readonly [K in keyof UserMessage]: UserMessage[K] } = {};
  if (text !== undefined) out.text = cap(text, MAX_TEXT_LENGTH);
  // A file's caption is the message's text (only media carry captions).
  else if (typeof caption === 'string' && caption !== '') out.text = cap(caption, MAX_TEXT_LENGTH);
  if (from.user) out.user = from.user;
  if (media?.files) out.files = media.files;
  if (media?.location) out.location = media.location;
  if (media?.contact) out.contact = media.contact;
  return { kind: 'message', updateId, chatId: dialogAddress(rawChatId, message, message, groupDialogs), message: out };
}

function parseCallback(updateId: string, query: unknown, groupDialogs: GroupDialogs): ParsedUpdate {
  if (!isPlainObject(query)) return invalid('callback_query is not an object');
  const id = own(query, 'id');
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) return invalid('callback_query.id is missing or not a string');
  const data = own(query, 'data');
  if (data !== undefined && typeof data !== 'string') return invalid('callback_query.data is not a string');
  if (typeof data === 'string' && data.length > MAX_DATA_LENGTH) return invalid('callback_query.data is too long');
  const from = readUser(query);
  if (!from.ok) return invalid('callback_query.from is not an object');
  const message = own(query, 'message');
  // Inline-mode buttons have no message (and no chat): there is no dialog to press them in.
  if (message === undefined) return { kind: 'ignored', updateId, reason: 'callback query without a message (inline mode)' };
  if (!isPlainObject(message)) return invalid('callback_query.message is not an object');
  const rawChatId = chatIdOf(own(message, 'chat'));
  if (rawChatId === undefined) return invalid('callback_query.message.chat.id is missing or not an integer/string');
  if (data === undefined) return { kind: 'ignored', updateId, reason: 'callback query without data (a game)' };
  const out: { -readonly [K in keyof UserMessage]: UserMessage[K] } = { press: data };
  if (from.user) out.user = from.user;
  // The press belongs to the dialog of the member who pressed, in the topic of the message that holds the button.
  return { kind: 'message', updateId, chatId: dialogAddress(rawChatId, message, query, groupDialogs), message: out, ackId: id };
}

/**
 * The parts of a media group (media-group.ts) as one message: the files of every part in update order, the first
 * caption as its text, and an update id of the group, so a part delivered again is recognised as applied.
 */
function parseGroup(parts: readonly unknown[], groupDialogs: GroupDialogs): ParsedUpdate {
  const parsed = parts.map((p) => parseTelegramUpdate(p, { groupDialogs }));
  // Webhook deliveries may arrive out of order: the files keep the order the user sent them in.
  const messages = parsed.filter((p): p is ParsedUpdate & { kind: 'message' } => p.kind === 'message').sort((a, b) => Number(a.updateId) - Number(b.updateId));
  const first = messages[0];
  if (!first) return parsed[0] ?? invalid('an empty media group');
  const files = messages.flatMap((m) => m.message.files ?? []);
  const text = messages.find((m) => m.message.text !== undefined)?.message.text;
  const message: UserMessage = { ...first.message, ...(text !== undefined ? { text } : {}), ...(files.length > 0 ? { files } : {}) };
  return { kind: 'message', updateId: mediaGroupUpdateId(parts[0]) ?? first.updateId, chatId: first.chatId, message };
}

/** Validates an untrusted Telegram update (a webhook body or a polled update) and classifies it. */
export function parseTelegramUpdate(update: unknown, options: ParseUpdateOptions = {}): ParsedUpdate {
  const groupDialogs = options.groupDialogs ?? DEFAULT_GROUP_DIALOGS;
  if (isMediaGroup(update)) return parseGroup(update.parts, groupDialogs);
  if (!isPlainObject(update)) return invalid('update is not a JSON object');
  const rawId = own(update, 'update_id');
  if (typeof rawId !== 'number' || !Number.isSafeInteger(rawId) || rawId < 0) return invalid('update_id is missing or not a non-negative integer');
  const updateId = String(rawId);
  if (own(update, 'message') !== undefined) return parseMessage(updateId, update['message'], groupDialogs);
  if (own(update, 'callback_query') !== undefined) return parseCallback(updateId, update['callback_query'], groupDialogs);
  const kind = Object.keys(update).find((k) => k !== 'update_id');
  if (kind === undefined) return { kind: 'ignored', updateId, reason: 'update without content' };
  return { kind: 'ignored', updateId, reason: `${cap(kind, MAX_REASON_KEY)} updates are not handled` };
}
