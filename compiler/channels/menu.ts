// The numbered text menu a channel shows when a step's buttons fit none of its native layouts, and how a typed
// answer picks from it. One place for the adapters (that write it), the engine (that reads answers) and the tools.
import { CHANNELS, type ButtonLayout, type ButtonTier, type ChannelId } from './table.js';
import { buttonLayout } from './layout.js';

/** A button as it travels at run time: what the user sees and the value a press brings back. */
export interface MenuButton {
  readonly text: string;
  readonly value: string;
}

/**
 * How a channel shows these buttons at run time: `buttonLayout` by count and titles, and a numbered menu also when a
 * value cannot travel as the platform's payload (empty, over the channel's bytes, or shared by two buttons), since a
 * press could not tell the buttons apart. Telegram's 64-byte callback data is refused by the checker instead.
 */
export function layoutOf(channel: ChannelId, buttons: readonly MenuButton[]): { readonly layout: ButtonLayout; readonly tier?: ButtonTier } {
  const max = CHANNELS[channel].maxPayloadBytes;
  if (channel !== 'telegram' && max !== undefined) {
    const unfit = buttons.some((b) => b.value === '' || Buffer.byteLength(b.value, 'utf8') > max) || new Set(buttons.map((b) => b.value)).size !== buttons.length;
    if (unfit) return { layout: 'numbered-menu' };
  }
  return buttonLayout(channel, buttons.map((b) => b.text));
}

/** Whether the channel shows these buttons as a numbered menu, so that a typed number picks one. */
export const isNumberedMenu = (channel: ChannelId, buttons: readonly MenuButton[]): boolean => buttons.length > 0 && layoutOf(channel, buttons).layout === 'numbered-menu';

/** "1. Yes\n2. No": one line per button. */
export function numberedMenu(buttons: readonly MenuButton[]): string {
  return buttons.map((b, i) => `${i + 1}. ${b.text}`).join('\n');
}

/** A message's text with its numbered menu after a blank line (the menu alone when there is no text). */
export const withMenu = (text: string, buttons: readonly MenuButton[]): string => (text === '' ? numberedMenu(buttons) : `${text}\n\n${numberedMenu(buttons)}`);

/** The 0-based button a typed menu number names ("2", " 2. "), or undefined for anything else or out of range. */
export function menuNumber(text: string, count: number): number | undefined {
  const digits = /^(\d{1,3})\.?$/.exec(text.trim());
  if (!digits) return undefined;
  const n = Number(digits[1]);
  return n >= 1 && n <= count ? n - 1 : undefined;
}
