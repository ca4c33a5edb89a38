import { graphErrorName, redact, type GraphError } from '../meta/index.js';
import { DeliveryError } from '../types.js';

/** Graph's rate limits (application, user, page, and the Send API's 613): back off and try again. */
export const THROTTLED_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613]);
/** "Temporary send message failure" and "Temporary API issue": worth another try. */
export const TEMPORARY_CODES: ReadonlySet<number> = new Set([1200, 2]);
/** "This person isn't available right now": the user blocked the page or is gone. */
export const USER_UNAVAILABLE_CODE = 551;
/** Code 10 with this subcode: sent outside the 24-hour window without an allowed tag. */
export const WINDOW_CLOSED = { code: 10, subcode: 2018278 } as const;
/** Code 100 with this subcode: no user with this id for the page (the account is gone). */
const NO_MATCHING_USER = { code: 100, subcode: 2018001 } as const;

export const DEFAULT_THROTTLE_MS = 1000;
/** The standard messaging window: 24 hours from the user's last message. */
export const MESSENGER_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The message tags Messenger allows outside the window. */
export const MESSAGE_TAGS: ReadonlySet<string> = new Set(['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'HUMAN_AGENT']);

/** Classifies a failed Send API call: throttled and temporary retry, a user gone is blocked, the rest permanent. */
export function messengerDeliveryError(e: GraphError, token: string, retryMs = DEFAULT_THROTTLE_MS): DeliveryError {
  const what = graphErrorName(e);
  const detail = e.message ? `: ${redact(e.message, token)}` : '';
  if (e.code === WINDOW_CLOSED.code && e.subcode === WINDOW_CLOSED.subcode) {
    return new DeliveryError(`messenger send refused (${what}): outside the 24-hour messaging window; only a message tag may be sent${detail}`, 'permanent');
  }
  if (e.status === 429 || (e.code !== undefined && THROTTLED_CODES.has(e.code))) return new DeliveryError(`messenger send throttled (${what})${detail}`, 'retry', retryMs);
  if (e.code !== undefined && TEMPORARY_CODES.has(e.code)) return new DeliveryError(`messenger send failed for now (${what})${detail}`, 'retry', retryMs);
  if (e.code === USER_UNAVAILABLE_CODE || (e.code === NO_MATCHING_USER.code && e.subcode === NO_MATCHING_USER.subcode)) {
    return new DeliveryError(`messenger user unavailable (${what}): they blocked the page or left${detail}`, 'blocked');
  }
  if (e.status >= 500) return new DeliveryError(`messenger send failed (${what})${detail}`, 'retry');
  return new DeliveryError(`messenger send refused (${what})${detail}`, 'permanent');
}

/**
 * How a message may go out now: `RESPONSE` within 24 hours of the user's last message (or when the runtime has no
 * record of it: Graph judges), a `MESSAGE_TAG` outside the window when the scenario names one, else a permanent
 * DeliveryError, the send not attempted.
 */
export function messagingTypeOf(lastInboundAt: number | undefined, tag: string | undefined, now: number): { messaging_type: 'RESPONSE' } | { messaging_type: 'MESSAGE_TAG'; tag: string } | DeliveryError {
  if (lastInboundAt === undefined || (now >= lastInboundAt - 60_000 && now - lastInboundAt < MESSENGER_WINDOW_MS)) return { messaging_type: 'RESPONSE' };
  const since = `the user last wrote at ${new Date(lastInboundAt).toISOString()}`;
  if (tag === undefined) {
    return new DeliveryError(
      `messenger send not attempted: outside the 24-hour messaging window (${since}); name a message tag (${[...MESSAGE_TAGS].join(', ')}) in the step's outside_window to send it`,
      'permanent',
    );
  }
  if (!MESSAGE_TAGS.has(tag)) return new DeliveryError(`messenger send not attempted: outside the 24-hour messaging window (${since}) and "${tag.slice(0, 40)}" is not a message tag (${[...MESSAGE_TAGS].join(', ')})`, 'permanent');
  return { messaging_type: 'MESSAGE_TAG', tag };
}
