// OutboundMessage -> Send API `message` objects, within Messenger's limits, never by silent truncation:
// 1-3 buttons under a text of at most 640 characters: a button template (its buttons send postbacks); up to 13:
// quick replies; more, a title too long or a payload too big: a numbered text menu; long texts split.
import { buttonLayout, CHANNELS } from '../../../compiler/index.js';
import type { OutMedia } from '../../engine/index.js';
import type { OutboxButton } from '../../store/types.js';
import { splitText } from '../telegram/split-text.js';
import type { OutboundMessage } from '../types.js';
import { numberedMenu } from '../whatsapp/render.js';

const channel = CHANNELS.messenger;
const quickReplies = channel.buttonTiers[0]!;

/** The numbers the checker's channel table has, and the button template's own. */
export const MESSENGER_LIMITS = {
  text: channel.maxText!,
  quickReplies: quickReplies.maxCount,
  quickReplyTitle: quickReplies.maxTitle!,
  payloadBytes: channel.maxPayloadBytes!,
  templateButtons: 3,
  templateText: 640,
  templateTitle: 20,
} as const;

/** A Send API `message` object (send wraps it with the recipient and messaging type). */
export type MessengerMessage = Readonly<Record<string, unknown>>;

/** How a stored file or a link is named to Messenger: an uploaded attachment id, or a URL it fetches. */
export type AttachmentRef = { readonly attachmentId: string } | { readonly url: string };

/** An interactive message needs a text: an invisible one when it has none. */
const INVISIBLE = '\u2063';

const payloadFits = (b: OutboxButton): boolean => b.value !== '' && Buffer.byteLength(b.value, 'utf8') <= MESSENGER_LIMITS.payloadBytes;

/** How the buttons of a text are shown. */
export function messengerLayout(text: string, buttons: readonly OutboxButton[]): 'none' | 'template' | 'quick_replies' | 'menu' {
  if (buttons.length === 0) return 'none';
  if (!buttons.every(payloadFits)) return 'menu';
  if (buttonLayout('messenger', buttons.map((b) => b.text)).layout === 'numbered-menu') return 'menu';
  const templateFits = buttons.length <= MESSENGER_LIMITS.templateButtons && buttons.every((b) => b.text.length <= MESSENGER_LIMITS.templateTitle);
  if (templateFits && text.trim() !== '' && text.length <= MESSENGER_LIMITS.templateText) return 'template';
  return 'quick_replies';
}

const withMenu = (text: string, buttons: readonly OutboxButton[]): string => (text === '' ? numberedMenu(buttons) : `${text}\n\n${numberedMenu(buttons)}`);

/**
 * A message as the messages it goes out as, in order, each within Messenger's limits: a numbered menu is written
 * into the text; buttons ride on the last part. A medium is one part (its text follows it in the same part).
 */
export function splitMessenger(message: OutboundMessage): OutboundMessage[] {
  if (message.media) return [message];
  // Every part keeps what else the message says (its window facts): each is sent as the whole would be.
  const { text, buttons, ...rest } = message;
  const layout = messengerLayout(text, buttons);
  if (layout === 'none' || layout === 'menu') {
    const whole = layout === 'menu' ? withMenu(text, buttons) : text;
    return splitText(whole, MESSENGER_LIMITS.text).map((part) => ({ ...rest, text: part, buttons: [] }));
  }
  if (text.length <= MESSENGER_LIMITS.text) return [message];
  const parts = splitText(text, MESSENGER_LIMITS.text);
  const last = parts.pop()!;
  return [...parts.map((part) => ({ ...rest, text: part, buttons: [] })), { ...rest, text: last, buttons }];
}

const quickRepliesOf = (buttons: readonly OutboxButton[]) => buttons.map((b) => ({ content_type: 'text', title: b.text, payload: b.value }));

function renderText(text: string, buttons: readonly OutboxButton[]): MessengerMessage[] {
  return splitMessenger({ text, buttons }).map((part) => {
    const layout = messengerLayout(part.text, part.buttons);
    if (layout === 'template') {
      const postbacks = part.buttons.map((b) => ({ type: 'postback', title: b.text, payload: b.value }));
      return { attachment: { type: 'template', payload: { template_type: 'button', text: part.text, buttons: postbacks } } };
    }
    if (layout === 'quick_replies') return { text: part.text.trim() === '' ? INVISIBLE : part.text, quick_replies: quickRepliesOf(part.buttons) };
    return { text: part.text };
  });
}

const ATTACHMENT_TYPES = { image: 'image', video: 'video', audio: 'audio', document: 'file' } as const;

/** A location or contact card as text (Messenger sends neither as such). */
function cardText(media: Exclude<OutMedia, { type: unknown }>): string {
  if (media.kind === 'location') {
    const map = `https://www.google.com/maps/search/?api=1&query=${media.latitude},${media.longitude}`;
    return [media.title, media.address, map].filter(Boolean).join('\n');
  }
  const name = [media.first_name, media.last_name].filter(Boolean).join(' ');
  return name === '' ? media.phone : `${name}: ${media.phone}`;
}

/**
 * The `message` objects that carry `message`, in order. A file goes first, its text after it (attachments carry
 * no caption); buttons without a text ride on the file as quick replies. Locations and contacts are texts.
 * `ref` names a file medium's bytes (a link, or the id of an upload).
 */
export function renderMessenger(message: OutboundMessage, ref?: AttachmentRef): MessengerMessage[] {
  const { media, text, buttons } = message;
  if (!media) return renderText(text, buttons);
  if ('kind' in media) return renderText(text === '' ? cardText(media) : `${cardText(media)}\n\n${text}`, buttons);
  if (!ref) throw new Error('renderMessenger: a file medium needs its attachment id or URL');
  const payload = 'url' in ref ? { url: ref.url, is_reusable: true } : { attachment_id: ref.attachmentId };
  const attachment = { attachment: { type: ATTACHMENT_TYPES[media.type], payload } };
  if (text === '' && buttons.length > 0 && messengerLayout(INVISIBLE, buttons) !== 'menu') return [{ ...attachment, quick_replies: quickRepliesOf(buttons) }];
  return [attachment, ...(text !== '' || buttons.length > 0 ? renderText(text, buttons) : [])];
}
