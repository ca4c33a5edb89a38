import type { CallMethod, CallRequest } from '../../engine/index.js';
import type { AgendaEntry } from '../../store/index.js';

const METHODS: readonly CallMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Methods a repeated request does no more harm with: only these are retried, or made again after a crash. */
export const isIdempotent = (method: CallMethod): boolean => method === 'GET' || method === 'PUT' || method === 'DELETE';

/** Waits before the attempts after the first of one holder: 1, 2, then 4 s. */
export const CALL_BACKOFF_MS: readonly number[] = Object.freeze([1_000, 2_000, 4_000]);
export const backoffMs = (attemptsMade: number): number => CALL_BACKOFF_MS[Math.min(Math.max(attemptsMade, 1), CALL_BACKOFF_MS.length) - 1]!;

/** A call entry's request as stored (JSON), checked; undefined when the record does not hold a usable one. */
export function requestOf(entry: AgendaEntry): CallRequest | undefined {
  const r = entry.request;
  if (r === undefined || r === null || typeof r !== 'object') return undefined;
  const { method, url, headers, body, timeoutMs, retries } = r as Record<string, unknown>;
  if (typeof method !== 'string' || !METHODS.includes(method as CallMethod) || typeof url !== 'string') return undefined;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) return undefined;
  const hs: Record<string, string> = {};
  // A store may drop an empty object (MongoDB's minimize): no headers then.
  if (headers !== undefined && headers !== null) {
    if (typeof headers !== 'object') return undefined;
    for (const [k, v] of Object.entries(headers)) {
      if (typeof v !== 'string') return undefined;
      hs[k] = v;
    }
  }
  const tries = typeof retries === 'number' && Number.isInteger(retries) && retries > 0 ? retries : 0;
  const base = { method: method as CallMethod, url, headers: hs, timeoutMs, retries: isIdempotent(method as CallMethod) ? tries : 0 };
  return body === undefined ? base : { ...base, body };
}
