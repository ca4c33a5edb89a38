// A conversation test on one channel's rendering: each bot message is read as that channel's user sees it, and each
// press is made as that user makes it (a reply button's or a list row's id, or the number of a numbered menu).
import type { ChannelId } from '../../compiler/index.js';
import { parseWhatsAppWebhook } from '../adapters/whatsapp/index.js';
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
  if (channel !== 'whatsapp') return { press: hit.item.id, channel };
  // Through the adapter's own reading of the webhook Meta posts for a tap.
  const build = hit.layout === 'list' ? whatsappUpdates.listReply : whatsappUpdates.buttonReply;
  const parsed = parseWhatsAppWebhook(build('0', '0', hit.item.id, hit.item.title));
  const event = parsed.kind === 'events' ? parsed.events[0] : undefined;
  if (event?.kind !== 'update' || event.update.kind !== 'message') return `the WhatsApp webhook of a tap on ${JSON.stringify(value)} was not read as a message`;
  const { press, text } = event.update.message;
  return { ...(press !== undefined ? { press } : {}), ...(text !== undefined ? { text } : {}), channel };
}
