// A conversation test on one channel's rendering: each bot message is read as that channel's user sees it, and each
// press is made as that user makes it (a reply button's or a list row's id, or the number of a numbered menu).
import type { ChannelId } from '../../compiler/index.js';
import { parseTelegramUpdate } from '../adapters/telegram/parse-update.js';
import type { ParsedUpdate } from '../adapters/types.js';
import { parseWebChatUpdate } from '../adapters/webchat/parse-update.js';
import { parseWhatsAppWebhook } from '../adapters/whatsapp/parse.js';
import type { Effect, UserMessage } from '../engine/index.js';
import { channelView, readBack, type ReadBack } from './channel-view.js';
import { whatsappUpdates } from './fake-graph-api.js';

type Said = Extract<Effect, { type: 'say' }>;

/** A bot message as the test reads it: the channel's parts and titles, or (with no channel) the engine's own. */
export function readSaid(channel: ChannelId | undefined, said: Said): ReadBack & { readonly menu: boolean } {
  if (!channel) return { parts: [said.text], titles: said.buttons.map((b) => b.text), menu: false };
  const view = channelView(channel, said.text, said.buttons);
  return { ...readBack(view, said.buttons.length), menu: view.menu };
}

/** How a divergence shows what the channel's user saw. */
export function showRead(channel: ChannelId | undefined, read: ReturnType<typeof readSaid>): string {
  const text = read.parts.length === 1 ? JSON.stringify(read.parts[0]) : `${JSON.stringify(read.parts)} (in ${read.parts.length} messages)`;
  if (read.titles.length === 0) return `bot ${text}`;
  return `bot ${text} with ${read.menu ? 'a numbered menu' : 'buttons'} ${JSON.stringify(read.titles)}${channel ? ` on ${channel}` : ''}`;
}

/**
 * The message a press of the button with `value` makes on the channel, answering `said` (the last bot message with
 * buttons); an error string when that message has the button but the channel does not show it.
 */
export function channelPress(channel: ChannelId, said: Said | undefined, value: string): UserMessage | string {
  const index = said ? said.buttons.findIndex((b) => b.value === value) : -1;
  // A button of an older message, or none: pressed as it is.
  if (!said || index < 0) return { press: value, channel };
  const view = channelView(channel, said.text, said.buttons);
  if (view.menu) return { text: String(index + 1), channel };
  const drawn = view.messages.flatMap((m) => (m.buttons ? m.buttons.items.map((item) => ({ item, layout: m.buttons!.layout })) : []));
  const hit = drawn.find((d) => d.item.id === value);
  if (!hit) return `the button ${JSON.stringify(value)} is not shown on ${channel}`;
  const parsed = tapped(channel, hit.layout, hit.item.id, hit.item.title);
  if (parsed === undefined) return { press: hit.item.id, channel };
  if (parsed.kind !== 'message') return `the ${channel} adapter did not read a tap on ${JSON.stringify(value)} as a message`;
  // The user's profile is the platform's; the test's dialog has none.
  const { press, text } = parsed.message;
  return { ...(press !== undefined ? { press } : {}), ...(text !== undefined ? { text } : {}), channel };
}

/** A tap as the adapter reads the update its platform sends for it; undefined where this tree has no such reader. */
function tapped(channel: ChannelId, layout: 'buttons' | 'list', id: string, title: string): ParsedUpdate | undefined {
  if (channel === 'whatsapp') {
    const parsed = parseWhatsAppWebhook((layout === 'list' ? whatsappUpdates.listReply : whatsappUpdates.buttonReply)('0', '0', id, title));
    const event = parsed.kind === 'events' ? parsed.events[0] : undefined;
    return event?.kind === 'update' ? event.update : { kind: 'invalid', reason: 'no message' };
  }
  if (channel === 'telegram') {
    const chat = { id: 1, type: 'private' };
    const from = { id: 1, is_bot: false, first_name: 'Test' };
    return parseTelegramUpdate({ update_id: 1, callback_query: { id: 'tap', from, chat_instance: '1', data: id, message: { message_id: 1, chat, date: 0, text: '' } } });
  }
  if (channel === 'webchat') return parseWebChatUpdate({ session: 'conversation-test-session', id: 'tap', press: id });
  return undefined;
}
