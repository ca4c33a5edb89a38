/**
 * A Telegram dialog's chat id is an address: the chat, plus the forum topic and the member when the dialog is
 * narrower than the chat.
 *
 *   77                  a private chat (and a group dialog shared by the whole chat): the bare chat id
 *   -100123:t42         forum topic 42 of a supergroup, shared by its members
 *   -100123:u77         member 77 of a group (its General topic, or a group without topics)
 *   -100123:t42:u77     member 77 in forum topic 42
 *
 * Telegram chat ids are integers or `@username`s, so `:` never occurs in one. A private chat keeps its bare id,
 * so dialogs stored before addresses existed keep their keys.
 */
export interface TelegramAddress {
  readonly chat: string;
  /** The forum topic (message_thread_id) replies go to. */
  readonly thread?: number;
  /** The member whose dialog this is (only narrows the dialog: replies go to the chat or topic). */
  readonly user?: number;
}

/** Whose conversation a group message advances: each member's own (default), or one for the whole chat. */
export type GroupDialogs = 'member' | 'chat';
export const GROUP_DIALOGS: readonly GroupDialogs[] = ['member', 'chat'];
export const DEFAULT_GROUP_DIALOGS: GroupDialogs = 'member';

export function encodeAddress(address: TelegramAddress): string {
  let out = address.chat;
  if (address.thread !== undefined) out += `:t${address.thread}`;
  if (address.user !== undefined) out += `:u${address.user}`;
  return out;
}

const PART = /^([tu])(-?\d{1,20})$/;

/** Reads an address; anything that is not one is taken as a bare chat id (Telegram then judges it). */
export function decodeAddress(text: string): TelegramAddress {
  const [chat, ...rest] = text.split(':');
  if (rest.length === 0 || rest.length > 2 || chat === '') return { chat: text };
  const out: { chat: string; thread?: number; user?: number } = { chat: chat! };
  for (const part of rest) {
    const m = PART.exec(part);
    const n = m ? Number(m[2]) : NaN;
    if (!m || !Number.isSafeInteger(n)) return { chat: text };
    if (m[1] === 't' && out.thread === undefined && out.user === undefined) out.thread = n;
    else if (m[1] === 'u' && out.user === undefined) out.user = n;
    else return { chat: text };
  }
  return out;
}
