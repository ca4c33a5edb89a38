import { readGraphError, redact, type GraphError } from '../meta/index.js';
import { DeliveryError } from '../types.js';

export { readGraphError, redact, type GraphError };

/** Graph error codes of throttling (as courier classifies them): back off and try again. */
export const THROTTLED_CODES: ReadonlySet<number> = new Set([4, 80007, 130429, 131048, 131056, 133016]);
/** Media could not be fetched from the link or upload: worth another try. */
export const MEDIA_FETCH_CODE = 131053;
/** The 24-hour customer-service window is closed: only an approved template may go out. */
export const WINDOW_CLOSED_CODE = 131047;

/** The wait before another try after throttling; the pair rate (131056) allows about one message per 6 s to a user. */
export const DEFAULT_THROTTLE_MS = 1000;
export const PAIR_RATE_MS = 6000;

/** Classifies a failed /messages call: throttled and 131053 retry, 5xx retry, the rest (131047 included) is permanent. */
export function deliveryErrorOf(e: GraphError, token: string, retryMs = DEFAULT_THROTTLE_MS): DeliveryError {
  const what = e.code !== undefined ? `Graph error ${e.code}${e.subcode !== undefined ? `/${e.subcode}` : ''}` : `HTTP ${e.status}`;
  const detail = e.message ? `: ${redact(e.message, token)}` : '';
  if (e.code === WINDOW_CLOSED_CODE) {
    return new DeliveryError(`whatsapp send refused (${what}): the 24-hour customer-service window is closed; only an approved template may be sent${detail}`, 'permanent');
  }
  if (e.status === 429 || (e.code !== undefined && THROTTLED_CODES.has(e.code))) {
    return new DeliveryError(`whatsapp send throttled (${what})${detail}`, 'retry', e.code === 131056 ? PAIR_RATE_MS : retryMs);
  }
  if (e.code === MEDIA_FETCH_CODE) return new DeliveryError(`whatsapp could not fetch the media (${what})${detail}`, 'retry', retryMs);
  if (e.status >= 500) return new DeliveryError(`whatsapp send failed (${what})${detail}`, 'retry');
  return new DeliveryError(`whatsapp send refused (${what})${detail}`, 'permanent');
}

/** The customer-service window: 24 hours from the user's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Whether a free-form message may be sent now, given when the user last wrote (ms since the epoch; undefined: never). */
export function withinServiceWindow(lastInboundAt: number | undefined, now: number): boolean {
  return lastInboundAt !== undefined && now >= lastInboundAt - 60_000 && now - lastInboundAt < SERVICE_WINDOW_MS;
}

/** The error for a free-form send outside the window, not attempted (the same class Graph's 131047 gets). */
export function windowClosedError(lastInboundAt: number | undefined): DeliveryError {
  const since = lastInboundAt === undefined ? 'the user has never written' : `the user last wrote at ${new Date(lastInboundAt).toISOString()}`;
  return new DeliveryError(`whatsapp send not attempted: outside the 24-hour customer-service window (${since}); only an approved template may be sent (Graph error ${WINDOW_CLOSED_CODE})`, 'permanent');
}
