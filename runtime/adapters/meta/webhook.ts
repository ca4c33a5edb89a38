import { createHmac, timingSafeEqual } from 'node:crypto';

/** Both sides hashed first, so the compare takes the same time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHmac('sha256', 'scenarist-compare').update(given).digest();
  const b = createHmac('sha256', 'scenarist-compare').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'mismatch' };

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of the raw body bytes with the app secret,
 * in constant time. Call it before parsing: a body parsed and serialised again does not hash the same.
 */
export function checkSignature(rawBody: Buffer, header: string | readonly string[] | undefined, appSecret: string): SignatureCheck {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value === '') return { ok: false, reason: 'missing' };
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(value.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(match[1]!.toLowerCase(), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** The header value Meta sends for `rawBody` (for tests and the fake Graph API). */
export function signBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export type VerificationAnswer =
  /** Answer 200 with `challenge` as the plain-text body. */
  | { readonly ok: true; readonly challenge: string }
  /** Answer 403 (wrong token or mode) or 400 (parameters missing). */
  | { readonly ok: false; readonly status: 400 | 403; readonly reason: string };

type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

const one = (v: string | readonly string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : (v as string | undefined));

/** The webhook subscription GET: `hub.mode=subscribe`, `hub.verify_token` (compared in constant time), `hub.challenge` echoed. */
export function answerVerification(query: Query, verifyToken: string): VerificationAnswer {
  const mode = one(query['hub.mode']);
  const token = one(query['hub.verify_token']);
  const challenge = one(query['hub.challenge']);
  if (mode === undefined || token === undefined || challenge === undefined) {
    return { ok: false, status: 400, reason: 'hub.mode, hub.verify_token and hub.challenge are required' };
  }
  if (mode !== 'subscribe') return { ok: false, status: 403, reason: `hub.mode must be "subscribe", not "${mode.slice(0, 32)}"` };
  if (!sameSecret(token, verifyToken)) return { ok: false, status: 403, reason: 'hub.verify_token does not match the configured verify token' };
  if (challenge.length > 1024) return { ok: false, status: 400, reason: 'hub.challenge is longer than 1024 characters' };
  return { ok: true, challenge };
}
