// How a bot message looks on one channel, from the adapters' own pure renderers and the compiler's channel table:
// `scenarist chat --channel` draws it, and `scenarist test --channel` checks expectations against it.
import { layoutOf, textLimit, withMenu, type ChannelId, type MenuButton } from '../../compiler/index.js';
import { splitText } from '../adapters/telegram/split-text.js';
import { renderWhatsApp, type WhatsAppPayload } from '../adapters/whatsapp/render.js';

/** A button drawn with a message: its title, and the id a press sends back to the bot. */
export interface ShownButton {
  readonly title: string;
  readonly id: string;
}

/** One message the user sees: its text and the buttons drawn with it (a row of buttons, or a list behind `label`). */
export interface ChannelMessage {
  readonly text: string;
  readonly buttons?: { readonly layout: 'buttons' | 'list'; readonly label?: string; readonly items: readonly ShownButton[] };
}

/** The messages one bot message goes out as, in order; `menu`: its buttons are a numbered menu ending the text. */
export interface ChannelView {
  readonly messages: readonly ChannelMessage[];
  readonly menu: boolean;
}

/** The messages a user of `channel` sees for a text with buttons. */
export function channelView(channel: ChannelId, text: string, buttons: readonly MenuButton[]): ChannelView {
  const layout = buttons.length > 0 ? layoutOf(channel, buttons) : undefined;
  const menu = layout?.layout === 'numbered-menu';
  if (channel === 'whatsapp') return { messages: renderWhatsApp({ text, buttons }).map(whatsAppMessage), menu };
  const parts = splitText(menu ? withMenu(text, buttons) : text, textLimit(channel, layout) ?? Number.MAX_SAFE_INTEGER);
  const drawn = layout && !menu ? { layout: 'buttons' as const, items: buttons.map((b) => ({ title: b.text, id: b.value })) } : undefined;
  return { messages: parts.map((part, i) => (i === parts.length - 1 && drawn ? { text: part, buttons: drawn } : { text: part })), menu };
}

function whatsAppMessage(p: WhatsAppPayload): ChannelMessage {
  if (p.type === 'text') return { text: (p['text'] as { body: string }).body };
  const i = p['interactive'] as {
    type: string;
    body: { text: string };
    action: { button?: string; buttons?: { reply: { id: string; title: string } }[]; sections?: { rows: { id: string; title: string }[] }[] };
  };
  // An interactive message needs a body: an invisible one stands for none.
  const text = i.body.text === '\u2063' ? '' : i.body.text;
  if (i.type === 'button') return { text, buttons: { layout: 'buttons', items: i.action.buttons!.map((b) => ({ title: b.reply.title, id: b.reply.id })) } };
  return { text, buttons: { layout: 'list', label: i.action.button!, items: i.action.sections!.flatMap((s) => s.rows).map((r) => ({ title: r.title, id: r.id })) } };
}

/** What the user reads back from a view: the text parts (without the menu) and the titles of the buttons, in order. */
export interface ReadBack {
  readonly parts: readonly string[];
  readonly titles: readonly string[];
}

/**
 * Reads a view as a user would: drawn buttons are those of the last message; a numbered menu is the last `count`
 * lines ("1. Drinks"), taken off the text with the blank line before them.
 */
export function readBack(view: ChannelView, count: number): ReadBack {
  const texts = view.messages.map((m) => m.text);
  if (!view.menu) return { parts: texts.filter((t, i) => t !== '' || i === 0), titles: view.messages.at(-1)?.buttons?.items.map((b) => b.title) ?? [] };
  const lines = texts.map((t) => t.split('\n'));
  const titles: string[] = [];
  for (let left = count; left > 0 && lines.length > 0; ) {
    const last = lines.at(-1)!;
    const line = last.pop()!;
    const item = /^(\d+)\. (.*)$/.exec(line);
    titles.unshift(item && Number(item[1]) === left ? item[2]! : `(not a menu line: ${line})`);
    left--;
    if (last.length === 0) lines.pop();
  }
  const parts = lines.map((l) => l.join('\n'));
  // The blank line between the text and the menu, unless a cut fell there.
  if (parts.length > 0) parts[parts.length - 1] = parts.at(-1)!.replace(/\n$/, '');
  const kept = parts.filter((p) => p !== '');
  return { parts: kept.length > 0 ? kept : [''], titles };
}

/**
 * Whether a text sent in parts is `expected`: the parts, in order, are the expected text with the white space at
 * each cut left out (the adapters cut at a blank line, a line break or a space, and drop it).
 */
export function partsMatch(expected: string, parts: readonly string[]): boolean {
  let at = 0;
  for (const [i, part] of parts.entries()) {
    if (i > 0) while (at < expected.length && /\s/.test(expected[at]!)) at++;
    if (!expected.startsWith(part, at)) return false;
    at += part.length;
  }
  return at === expected.length;
}
