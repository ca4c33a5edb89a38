/**
 * What each channel can show and receive, and what its adapter does with a message that exceeds a limit. Plain
 * data: the checker reports against it, and adapters render by the same numbers, so a scenario that checks clean
 * on a channel is shown there as the checker said.
 */
import type { MediaInputKind, OutFileKind } from '../semantics/media.js';

export type ChannelId = 'telegram' | 'webchat' | 'whatsapp' | 'messenger';
export const CHANNEL_IDS: readonly ChannelId[] = ['telegram', 'webchat', 'whatsapp', 'messenger'];
/** The channels a bot runs on when its configuration names none. */
export const DEFAULT_CHANNELS: readonly ChannelId[] = ['telegram', 'webchat'];

/** What a step's media item may be on the sending side. */
export type OutMediaKind = OutFileKind | 'location' | 'contact';

/** A way to show a step's buttons; `numbered-menu` is a text list that accepts the number or the button's text. */
export type ButtonLayout = 'buttons' | 'list' | 'numbered-menu';

export interface ButtonTier {
  readonly layout: Exclude<ButtonLayout, 'numbered-menu'>;
  /** Most buttons this layout shows in one message. */
  readonly maxCount: number;
  /** Longest button title, characters (UTF-16 units); absent: no limit. */
  readonly maxTitle?: number;
  /** Longest message text shown with this layout; a longer text is sent first, in parts. */
  readonly maxText?: number;
}

export interface ChannelCapabilities {
  readonly id: ChannelId;
  /** As messages name it. */
  readonly name: string;
  /** Longest message text, characters; a longer text is split into several messages. Absent: no limit. */
  readonly maxText?: number;
  /** Longest file caption; a longer one (or any, when 0) is sent as a text message after the file. Absent: no limit. */
  readonly maxCaption?: number;
  /** Native button layouts, tried in order; a step that fits none is shown as a numbered menu. */
  readonly buttonTiers: readonly ButtonTier[];
  /** Largest button value, UTF-8 bytes, carried to the platform and back; absent: no limit. */
  readonly maxPayloadBytes?: number;
  /** Media a message may carry as such; the others are sent as text (`mediaAsText`). */
  readonly sends: readonly OutMediaKind[];
  /** How a medium the channel cannot send is shown instead. */
  readonly mediaAsText: Partial<Record<OutMediaKind, string>>;
  /** Media inputs a user of this channel can send. */
  readonly receives: readonly MediaInputKind[];
}

const ALL_OUT: readonly OutMediaKind[] = ['image', 'video', 'audio', 'document', 'location', 'contact'];
const ALL_IN: readonly MediaInputKind[] = ['photo', 'document', 'video', 'audio', 'voice', 'location', 'contact'];

export const CHANNELS: Readonly<Record<ChannelId, ChannelCapabilities>> = {
  telegram: {
    id: 'telegram',
    name: 'Telegram',
    maxText: 4096,
    maxCaption: 1024,
    // An inline keyboard holds at most 100 buttons; Telegram documents no title limit.
    buttonTiers: [{ layout: 'buttons', maxCount: 100 }],
    maxPayloadBytes: 64,
    sends: ALL_OUT,
    mediaAsText: {},
    receives: ALL_IN,
  },
  webchat: {
    id: 'webchat',
    name: 'web chat',
    buttonTiers: [{ layout: 'buttons', maxCount: Number.POSITIVE_INFINITY }],
    sends: ALL_OUT,
    mediaAsText: {},
    // Voice is an uploaded audio file; a contact is typed into a form.
    receives: ALL_IN,
  },
  whatsapp: {
    id: 'whatsapp',
    name: 'WhatsApp',
    maxText: 4096,
    maxCaption: 1024,
    buttonTiers: [
      { layout: 'buttons', maxCount: 3, maxTitle: 20, maxText: 1024 },
      { layout: 'list', maxCount: 10, maxTitle: 24, maxText: 1024 },
    ],
    maxPayloadBytes: 256,
    sends: ALL_OUT,
    mediaAsText: {},
    receives: ALL_IN,
  },
  messenger: {
    id: 'messenger',
    name: 'Messenger',
    maxText: 2000,
    // Attachments carry no caption.
    maxCaption: 0,
    buttonTiers: [{ layout: 'buttons', maxCount: 13, maxTitle: 20 }],
    maxPayloadBytes: 1000,
    sends: ['image', 'video', 'audio', 'document'],
    mediaAsText: { location: 'a text with a map link', contact: 'a text with the name and phone number' },
    // Voice clips arrive as audio attachments; users cannot share a location or a contact card.
    receives: ['photo', 'document', 'video', 'audio', 'voice'],
  },
};

export const isChannelId = (s: string): s is ChannelId => (CHANNEL_IDS as readonly string[]).includes(s);
