// OutboundMessage -> Cloud API message payloads, within WhatsApp's limits, never by silent truncation:
// 1-3 buttons: reply buttons; 4-10: a list; more, or a title too long: a numbered text menu (the engine reads the
// number typed back, knowing the channel); long texts split.
import type { OutMedia } from '../../engine/index.js';
import type { OutboxButton } from '../../store/types.js';
import type { OutboundMessage } from '../types.js';
import { splitText } from '../telegram/split-text.js';
import { layoutOf, withMenu } from '../../../compiler/index.js';

// The menu's lines are the channel table's (compiler/channels), shared by every adapter that writes one.
export { numberedMenu } from '../../../compiler/index.js';

export const WHATSAPP_LIMITS = {
  text: 4096,
  caption: 1024,
  body: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  listButton: 20,
} as const;

/** A Cloud API message without `messaging_product` and `to` (send adds them). */
export type WhatsAppPayload = Readonly<Record<string, unknown>> & { readonly type: string };

/** The label of the list's open button. */
export const LIST_BUTTON_LABEL = 'Choose';

/** How the buttons of a message are shown: the channel table's layout for WhatsApp (compiler/channels). */
export function buttonLayout(buttons: readonly OutboxButton[]): 'none' | 'buttons' | 'list' | 'menu' {
  if (buttons.length === 0) return 'none';
  const { layout } = layoutOf('whatsapp', buttons);
  return layout === 'numbered-menu' ? 'menu' : layout;
}

const textPayload = (body: string): WhatsAppPayload => ({ type: 'text', text: { body, preview_url: false } });

function interactive(body: string, buttons: readonly OutboxButton[], layout: 'buttons' | 'list'): WhatsAppPayload {
  if (layout === 'buttons') {
    return { type: 'interactive', interactive: { type: 'button', body: { text: body }, action: { buttons: buttons.map((b) => ({ type: 'reply', reply: { id: b.value, title: b.text } })) } } };
  }
  return {
    type: 'interactive',
    interactive: { type: 'list', body: { text: body }, action: { button: LIST_BUTTON_LABEL, sections: [{ title: '', rows: buttons.map((b) => ({ id: b.value, title: b.text })) }] } },
  };
}

/**
 * A text message as the messages it goes out as, in order, each within WhatsApp's limits: a numbered menu is
 * written into the text; buttons ride on the last part, whose text is at most an interactive body (1024).
 */
export function splitWhatsApp(message: OutboundMessage): OutboundMessage[] {
  if (message.media) return [message];
  const { text, buttons } = message;
  const layout = buttonLayout(buttons);
  if (layout === 'none' || layout === 'menu') {
    const whole = layout === 'menu' ? withMenu(text, buttons) : text;
    return splitText(whole, WHATSAPP_LIMITS.text).map((part) => ({ text: part, buttons: [] }));
  }
  if (text.length <= WHATSAPP_LIMITS.body) return [message];
  const parts = splitText(text, WHATSAPP_LIMITS.body);
  const last = parts.pop()!;
  return [...splitText(parts.join('\n'), WHATSAPP_LIMITS.text).map((part) => ({ text: part, buttons: [] })), { text: last, buttons }];
}

/** Text and buttons as payloads (an interactive message needs a body: an invisible one when there is no text). */
function renderText(text: string, buttons: readonly OutboxButton[]): WhatsAppPayload[] {
  return splitWhatsApp({ text, buttons }).map((part) => {
    const layout = buttonLayout(part.buttons);
    if (layout === 'buttons' || layout === 'list') return interactive(part.text.trim() === '' ? '\u2063' : part.text, part.buttons, layout);
    return textPayload(part.text);
  });
}

/** How a medium's file is named to WhatsApp: an uploaded media id, or a link it fetches. */
export type MediaRef = { readonly id: string } | { readonly link: string };

function renderMedia(media: OutMedia, caption: string, ref: MediaRef | undefined): WhatsAppPayload[] {
  if ('kind' in media && media.kind === 'location') {
    return [{ type: 'location', location: { latitude: media.latitude, longitude: media.longitude, ...(media.title ? { name: media.title } : {}), ...(media.address ? { address: media.address } : {}) } }];
  }
  if ('kind' in media) {
    const name = { formatted_name: [media.first_name, media.last_name].filter(Boolean).join(' ') || media.phone, first_name: media.first_name, ...(media.last_name ? { last_name: media.last_name } : {}) };
    return [{ type: 'contacts', contacts: [{ name, phones: [{ phone: media.phone, type: 'CELL', ...(media.user_id ? { wa_id: media.user_id } : {}) }] }] }];
  }
  if (!ref) throw new Error('renderWhatsApp: a file medium needs its media id or link');
  // Audio takes no caption at WhatsApp; a caption too long goes as a text before the medium.
  const captioned = media.type !== 'audio' && caption !== '' && caption.length <= WHATSAPP_LIMITS.caption;
  const before = caption !== '' && !captioned ? splitText(caption, WHATSAPP_LIMITS.text).map(textPayload) : [];
  return [...before, { type: media.type, [media.type]: { ...ref, ...(captioned ? { caption } : {}) } }];
}

/**
 * The payloads that carry `message`, in order. Buttons with a medium come as a separate message after it (WhatsApp
 * has no buttons on a plain media message). `ref` names a file medium's bytes (a link, or the id of an upload).
 */
export function renderWhatsApp(message: OutboundMessage, ref?: MediaRef): WhatsAppPayload[] {
  if (!message.media) return renderText(message.text, message.buttons);
  const caption = 'kind' in message.media ? '' : message.text;
  const media = renderMedia(message.media, caption, ref);
  const rest = caption === '' && message.text !== '' ? renderText(message.text, message.buttons) : message.buttons.length > 0 ? renderText('', message.buttons) : [];
  return [...media, ...rest];
}
