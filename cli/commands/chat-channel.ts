// How a bot message looks on one channel in `scenarist chat --channel`: the channel view of runtime/testing, as lines.
import { CHANNEL_IDS, isChannelId, isNumberedMenu, type ChannelId, type IrButton } from '../../compiler/index.js';
import { channelView } from '../../runtime/testing/index.js';
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
  return channelView(channel, text, buttons).messages.map((m) => {
    if (!m.buttons) return { text: m.text, below: [] };
    if (m.buttons.layout === 'buttons') return { text: m.text, below: [m.buttons.items.map((b) => `[${b.title}]`).join(' ')] };
    return { text: m.text, below: [`[${m.buttons.label} ▾]`, ...m.buttons.items.map((b) => `  · ${b.title}`)] };
  });
}

/**
 * The button a typed line taps where the channel draws buttons: its text or value (the terminal has no taps).
 * Where the buttons are a numbered menu, nothing: the line goes to the engine as typed text with the channel, and the
 * engine reads the number or the text as the server would.
 */
export function channelPick(channel: ChannelId, buttons: readonly IrButton[], text: string): string | undefined {
  if (buttons.length === 0 || isNumberedMenu(channel, buttons)) return undefined;
  const folded = text.trim().toLocaleLowerCase();
  return (buttons.find((b) => b.value === text) ?? buttons.find((b) => b.text.trim().toLocaleLowerCase() === folded))?.value;
}
