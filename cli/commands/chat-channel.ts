// How a bot message looks on one channel in `scenarist chat --channel`: the adapters' own layouts, as lines.
import { buttonLayout, CHANNEL_IDS, isChannelId, textLimit, type ChannelId } from '../../compiler/index.js';
import type { IrButton } from '../../compiler/index.js';
import { splitText } from '../../runtime/adapters/telegram/split-text.js';
import { menuReply, numberedMenu, renderWhatsApp, type WhatsAppPayload } from '../../runtime/adapters/whatsapp/render.js';
import { UsageError } from '../io.js';

export function channelOf(value: unknown): ChannelId | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isChannelId(value)) throw new UsageError(`unknown channel ${JSON.stringify(value)}: one of ${CHANNEL_IDS.join(', ')}`);
  return value;
}

/** One shown message: its text lines and the buttons drawn under it ("[Yes] [No]", a list's rows). */
export interface ShownMessage {
  readonly text: string;
  readonly below: readonly string[];
}

/** The messages a user of `channel` sees for a text with buttons, in order. */
export function channelMessages(channel: ChannelId, text: string, buttons: readonly IrButton[]): ShownMessage[] {
  if (channel === 'whatsapp') return renderWhatsApp({ text, buttons }).map(whatsAppShown);
  const titles = buttons.map((b) => b.text);
  const layout = buttons.length > 0 ? buttonLayout(channel, titles) : undefined;
  const menu = layout?.layout === 'numbered-menu';
  const whole = menu ? (text === '' ? numberedMenu(buttons) : `${text}\n\n${numberedMenu(buttons)}`) : text;
  const parts = splitText(whole, textLimit(channel, layout) ?? Number.MAX_SAFE_INTEGER);
  const below = !layout || menu ? [] : [titles.map((t) => `[${t}]`).join(' ')];
  return parts.map((part, i) => ({ text: part, below: i === parts.length - 1 ? below : [] }));
}

function whatsAppShown(p: WhatsAppPayload): ShownMessage {
  if (p.type === 'text') return { text: (p['text'] as { body: string }).body, below: [] };
  const i = p['interactive'] as { type: string; body: { text: string }; action: { button?: string; buttons?: { reply: { title: string } }[]; sections?: { rows: { title: string }[] }[] } };
  const body = i.body.text === '\u2063' ? '' : i.body.text;
  if (i.type === 'button') return { text: body, below: [i.action.buttons!.map((b) => `[${b.reply.title}]`).join(' ')] };
  return { text: body, below: [`[${i.action.button} ▾]`, ...i.action.sections![0]!.rows.map((r) => `  · ${r.title}`)] };
}

/** The button a typed answer presses on the channel: the adapter's menu reading where it has one. */
export function channelPick(channel: ChannelId, buttons: readonly IrButton[], text: string): string | undefined {
  if (buttons.length === 0) return undefined;
  return menuReply(text, buttons) ?? buttons.find((b) => b.value === text)?.value;
}
