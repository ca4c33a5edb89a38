import { isNumberedMenu, menuNumber, parseAnswer, type IrInput } from '../../compiler/index.js';
import { parseMedia, type MediaAnswer } from './media.js';
import type { InboundEvent } from './types.js';

/** An answer's value to store, or why there is none yet: `fetch` lists declared files a media input takes once downloaded. */
export type ParsedInput = MediaAnswer;

const INVALID: ParsedInput = { ok: false };

function parseButton(input: IrInput, event: Extract<InboundEvent, { type: 'user.input' }>): ParsedInput {
  if (event.press !== undefined) {
    const hit = input.buttons.find((b) => b.value === event.press);
    return hit ? { ok: true, value: hit.value } : INVALID;
  }
  const typed = event.text?.trim().toLowerCase();
  if (!typed) return INVALID;
  // A number picks from a numbered menu only where the channel showed one: elsewhere "2" is text like any other.
  const index = event.channel !== undefined && isNumberedMenu(event.channel, input.buttons) ? menuNumber(typed, input.buttons.length) : undefined;
  if (index !== undefined) return { ok: true, value: input.buttons[index]!.value };
  const hit = input.buttons.find((b) => b.text.trim().toLowerCase() === typed) ?? input.buttons.find((b) => b.value.toLowerCase() === typed);
  return hit ? { ok: true, value: hit.value } : INVALID;
}

/** Validates a message against a step's expected input; returns the value to store. */
export function parseInput(input: IrInput, event: InboundEvent): ParsedInput {
  if (input.type === 'media') return input.media ? parseMedia(input.media, event) : INVALID;
  if (event.type !== 'user.input') return INVALID;
  if (input.type === 'button') return parseButton(input, event);
  // A text input takes no media: a photo (even with a caption) is not the answer.
  if (event.files !== undefined || event.location !== undefined || event.contact !== undefined) return INVALID;
  const raw = event.press ?? event.text;
  return raw === undefined ? INVALID : parseAnswer({ type: input.type, validation: input.validation }, raw);
}
