import { TelegramError } from 'telegraf';
import { DeliveryError } from '../types.js';
import { redactToken } from './token.js';

/** The wait for a 429 that names no retry_after. 5xx and network errors name no wait: the runtime backs off. */
export const DEFAULT_RETRY_MS = 1000;

/** A failed Bot API call outside message delivery (webhook admin, polling). The message never holds the token. */
export class TelegramApiError extends Error {
  override readonly name = 'TelegramApiError';
  constructor(
    message: string,
    /** The Bot API error_code (401, 409…) or a network error code (ECONNREFUSED…), when known. */
    readonly code?: number | string,
  ) {
    super(message);
  }
}

interface Described {
  readonly message: string;
  readonly code: number | string | undefined;
  readonly name: string;
}

/** A token-free summary of any error thrown by telegraf or node-fetch. */
export function describeError(err: unknown, token: string): Described {
  if (err instanceof TelegramError) {
    return { name: 'TelegramError', code: err.code, message: redactToken(`${err.code}: ${err.description}`, token) };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, code: typeof code === 'string' || typeof code === 'number' ? code : undefined, message: redactToken(err.message, token) };
  }
  return { name: 'Error', code: undefined, message: redactToken(String(err), token) };
}

/** A cause safe to log: name, code and the redacted message only (no URL, no payload, no stack of the original). */
function safeCause(d: Described): Error {
  const cause = new Error(d.message);
  cause.name = d.name;
  if (d.code !== undefined) Object.defineProperty(cause, 'code', { value: d.code, enumerable: true });
  return cause;
}

function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // FetchError: connection refused/reset, invalid JSON; AbortError: our timeout; system errors carry a string code.
  return err.name === 'FetchError' || err.name === 'AbortError' || err.name === 'TimeoutError' || typeof (err as { code?: unknown }).code === 'string';
}

/** Classifies a failed Bot API call for the delivery loop. */
export function toDeliveryError(err: unknown, token: string, method: string, retryMs = DEFAULT_RETRY_MS): DeliveryError {
  const d = describeError(err, token);
  const message = `telegram ${method} failed: ${d.message}`;
  const options = { cause: safeCause(d) };
  if (err instanceof TelegramError) {
    if (err.code === 429) {
      const after = err.parameters?.retry_after;
      const ms = typeof after === 'number' && Number.isFinite(after) && after >= 0 ? after * 1000 : retryMs;
      return new DeliveryError(message, 'retry', ms, options);
    }
    if (err.code === 403) return new DeliveryError(message, 'blocked', undefined, options);
    if (err.code >= 500) return new DeliveryError(message, 'retry', undefined, options);
    return new DeliveryError(message, 'permanent', undefined, options);
  }
  if (isNetworkError(err)) return new DeliveryError(message, 'retry', undefined, options);
  return new DeliveryError(message, 'permanent', undefined, options);
}

/** Wraps a failed admin/polling call in a TelegramApiError without the token. */
export function toApiError(err: unknown, token: string, what: string): TelegramApiError {
  const d = describeError(err, token);
  return new TelegramApiError(`${what} failed: ${d.message}`, d.code);
}
