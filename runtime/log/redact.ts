// Redaction applied to every line before it reaches any sink: secrets always, personal data unless turned off.

export interface RedactOptions {
  /** Mask e-mail addresses and phone numbers in text. */
  readonly pii: boolean;
}

export const MASK = '***';

/** A Telegram bot token (digits, colon, 35 characters of base64url); the bot id before the colon is kept. */
const TOKEN = /(\d{5,}):[A-Za-z0-9_-]{30,}/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/**
 * 7 to 15 digits with the separators people write; a leading + optional. Not inside a word (a hex hash, `bot<id>` in
 * a Bot API URL), nor an id before a masked token (ours, or telegraf's `[REDACTED]`).
 */
const PHONE = /(?<![\w+])\+?\d(?:[\s().-]*\d){6,14}(?![\w]|:\*\*\*|:\[REDACTED\])/g;

/**
 * Secret values the process uses (the HTTP calls' `SCENARIST_SECRET_*`): masked wherever they appear in any line,
 * whatever the field. Process-wide and append-only: a value once used stays masked; values under 4 characters are
 * not taken (they would mask ordinary words).
 */
const secretValues = new Set<string>();

/** Masks these values in every later log line of the process. */
export function addSecretValues(values: Iterable<string>): void {
  for (const v of values) if (v.length >= 4) secretValues.add(v);
}

function withoutSecretValues(text: string): string {
  let out = text;
  for (const v of secretValues) if (out.includes(v)) out = out.split(v).join(MASK);
  return out;
}

/** Tokens out of any text; e-mails and phone numbers too when `pii` is set. Cheap for text that holds none. */
export function redactText(text: string, options: RedactOptions): string {
  let out = secretValues.size === 0 ? text : withoutSecretValues(text);
  if (out.includes(':')) out = out.replace(TOKEN, `$1:${MASK}`);
  if (!options.pii) return out;
  if (out.includes('@')) out = out.replace(EMAIL, '[email]');
  if (countDigits(out) >= 7) out = out.replace(PHONE, (m) => (countDigits(m) >= 7 ? '[phone]' : m));
  return out;
}

function countDigits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Fields that identify rather than say anything: never rewritten (a chat id is digits, not a phone number). */
const IDENTIFIERS = new Set(['bot_id', 'platform', 'platform_chat_id', 'dialog_id', 'update_id', 'chatId', 'botId', 'updateId', 'time', 'level', 'event_type', 'step', 'from', 'to', 'hostname']);

/** Field names whose values are secrets wherever they appear. */
const SECRET_FIELDS = new Set(['token', 'secret', 'secretToken', 'secret_token', 'password', 'authorization', 'ciphertext', 'encryptionKey', 'apiKey', 'x-telegram-bot-api-secret-token']);

/** A deep copy of a log record with every string redacted and secret fields censored. */
export function redactRecord(value: unknown, options: RedactOptions, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, options);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redactRecord(v, options, depth + 1));
  if (value instanceof Error) return redactError(value, options);
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const key in value) put(out, key, (value as Record<string, unknown>)[key], options, depth);
  return out;
}

const enum FieldKind {
  Secret,
  Identifier,
  Other,
}

/** What each field name is, learnt once: every line asks again for the same few names. Bounded, for odd records. */
const fieldKinds = new Map<string, FieldKind>();
const FIELD_KINDS_LIMIT = 4096;

function kindOf(key: string): FieldKind {
  let kind = fieldKinds.get(key);
  if (kind === undefined) {
    kind = SECRET_FIELDS.has(key) || SECRET_FIELDS.has(key.toLowerCase()) ? FieldKind.Secret : IDENTIFIERS.has(key) ? FieldKind.Identifier : FieldKind.Other;
    if (fieldKinds.size < FIELD_KINDS_LIMIT) fieldKinds.set(key, kind);
  }
  return kind;
}

function put(out: Record<string, unknown>, key: string, v: unknown, options: RedactOptions, depth: number): void {
  const kind = kindOf(key);
  if (kind === FieldKind.Secret) out[key] = v === undefined ? v : '[redacted]';
  else if (typeof v !== 'object' && (kind === FieldKind.Identifier || typeof v !== 'string')) out[key] = kind === FieldKind.Identifier && typeof v === 'string' && secretValues.size > 0 ? withoutSecretValues(v) : v;
  else out[key] = redactRecord(v, options, depth + 1);
}

/**
 * A log line's fields, redacted: the flow's context first, then the record's own fields (which win). One copy per
 * line, the record and the context are left untouched.
 */
export function redactLine(record: Readonly<Record<string, unknown>>, context: Readonly<Record<string, unknown>> | undefined, options: RedactOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (context) for (const key in context) put(out, key, context[key], options, 0);
  for (const key in record) put(out, key, record[key], options, 0);
  return out;
}

/** An error as plain data (type, message, stack, code, cause), redacted: its text often quotes URLs with tokens. */
export function redactError(err: Error, options: RedactOptions, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.name, message: redactText(String(err.message), options) };
  if (err.stack !== undefined) out['stack'] = redactText(err.stack, options);
  for (const key of Object.keys(err)) {
    if (key === 'message' || key === 'stack') continue;
    out[key] = SECRET_FIELDS.has(key) ? '[redacted]' : redactRecord((err as unknown as Record<string, unknown>)[key], options, depth + 1);
  }
  if (err.cause !== undefined && depth < 3) out['cause'] = err.cause instanceof Error ? redactError(err.cause, options, depth + 1) : redactRecord(err.cause, options, depth + 1);
  return out;
}
