import { durationMs } from '../agenda/index.js';
import type { CallFailure, FileKind, OutFileKind } from '../engine/index.js';
/**
 * Checks in one turn, made together: the next bot message (`bot` or `bot_matches`, with its `buttons` and `media`),
 * then the dialog's `step`, `ended` and `vars` (an object value matches the fields given: `{"name": "a.jpg"}`).
 * See docs/format.md.
 */
export interface Expectation {
  readonly bot?: string;
  readonly bot_matches?: string;
  readonly buttons?: readonly string[];
  /** The media of the bot message, in order (alone: the message's text is not checked). */
  readonly media?: readonly MediaCheck[];
  readonly step?: string;
  readonly ended?: boolean;
  readonly vars?: Readonly<Record<string, unknown>>;
}

/** What a test answers to the call the bot waits for: a status with its JSON body, or a failure. */
export type CallStub = { readonly status: number; readonly body?: unknown } | { readonly error: CallFailure; readonly status?: number; readonly body?: unknown };

/** Fields of the request the bot made that a `call` turn checks (headers: those named; secrets as written). */
export interface RequestCheck {
  readonly method?: string;
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** A medium the bot sends: a file by kind, named by its URL, shipped path or stored file name (with its caption), or a card's fields. */
export type MediaCheck =
  | (Partial<Record<OutFileKind, string>> & { readonly caption?: string })
  | { readonly location: Readonly<Record<string, unknown>> }
  | { readonly contact: Readonly<Record<string, unknown>> };

/**
 * A file the user sends: one kind key with its path (relative to the test file), with the sender's `name` and
 * declared `mime` when given; `download: "fails"` makes its download fail for good.
 */
export type FileSend = Partial<Record<FileKind, string>> & { readonly name?: string; readonly mime?: string; readonly download?: 'fails' };

export interface Coordinates {
  readonly latitude: number;
  readonly longitude: number;
  readonly title?: string;
  readonly address?: string;
}

export interface ContactCard {
  readonly phone: string;
  readonly first_name: string;
  readonly last_name?: string;
}

/** The user sends media: one file (with a `caption`), several at once (`files`), a location or a contact. */
export type MediaSend =
  | (FileSend & { readonly caption?: string })
  | { readonly files: readonly FileSend[]; readonly caption?: string }
  | { readonly location: Coordinates }
  | { readonly contact: ContactCard };

export const FILE_SEND_KINDS: readonly FileKind[] = ['photo', 'document', 'video', 'audio', 'voice'];
const OUT_KINDS: readonly OutFileKind[] = ['image', 'video', 'audio', 'document'];

/**
 * One turn of a conversation test: the user acts (one key), time passes (`wait`: a duration such as "10m", and every
 * timer that comes due meanwhile fires, in order), a call the bot makes gets its answer (`call`, after checking its
 * `request` when given), or the test checks what happened.
 */
export type Turn =
  | { readonly user: string }
  | { readonly press: string }
  | { readonly wait: string }
  | { readonly call: CallStub; readonly request?: RequestCheck }
  | MediaSend
  | Expectation;

export const CALL_FAILURES: readonly CallFailure[] = ['network', 'timeout', 'status', 'too_large', 'not_json', 'refused', 'interrupted'];

export interface ConversationTest {
  readonly name: string;
  readonly turns: readonly Turn[];
}

const ACTIONS = ['user', 'press', 'wait', 'call'];
const MEDIA_ACTIONS = [...FILE_SEND_KINDS, 'files', 'location', 'contact'];
const CHECKS = ['bot', 'bot_matches', 'buttons', 'media', 'step', 'ended', 'vars'];
const TURN_KEYS = [...ACTIONS, 'request', ...CHECKS];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a test file's JSON (one test or an array); returns the tests and a description of each problem. */
export function readConversationTests(json: unknown): { tests: ConversationTest[]; problems: string[] } {
  const list = Array.isArray(json) ? json : [json];
  const tests: ConversationTest[] = [];
  const problems: string[] = [];
  list.forEach((t, i) => {
    const where = `test ${i + 1}`;
    if (!isRecord(t) || typeof t['name'] !== 'string' || !Array.isArray(t['turns'])) {
      problems.push(`${where}: expected {"name": "...", "turns": [...]}`);
      return;
    }
    const turns = t['turns'] as unknown[];
    const bad = turns.findIndex((turn) => !validTurn(turn));
    if (bad >= 0) {
      problems.push(`${t['name']}: turn ${bad + 1} is not a turn: ${JSON.stringify(turns[bad])}. Use ${ACTIONS.join(' or ')} alone (wait takes a duration such as "90s", "10m", "24h" or "7d"; call takes {"status", "body"} or {"error"}, and may come with "request"), media (${FILE_SEND_KINDS.join(', ')}: a path, with caption, name, mime, download: "fails"; files: a list of those; location: {"latitude", "longitude"}; contact: {"phone", "first_name"}), or checks among ${CHECKS.join(', ')} (at most one of bot, bot_matches).`);
      return;
    }
    tests.push({ name: t['name'], turns: turns as Turn[] });
  });
  return { tests, problems };
}

/** An action alone (`user` or `press`), or checks: at most one of `bot`/`bot_matches` (`buttons` only with one). */
function validTurn(turn: unknown): boolean {
  if (!isRecord(turn)) return false;
  if (Object.keys(turn).some((k) => MEDIA_ACTIONS.includes(k))) return validMediaSend(turn);
  const keys = Object.keys(turn);
  if (keys.length === 0 || keys.some((k) => !TURN_KEYS.includes(k))) return false;
  if ('call' in turn) return keys.every((k) => k === 'call' || k === 'request') && validStub(turn['call']) && (turn['request'] === undefined || validRequestCheck(turn['request']));
  if ('request' in turn) return false;
  const action = keys.find((k) => ACTIONS.includes(k));
  if (action) return keys.length === 1 && typeof turn[action] === 'string' && (action !== 'wait' || durationMs(turn[action]) !== undefined);
  const message = keys.filter((k) => k === 'bot' || k === 'bot_matches');
  if (message.length > 1 || ('buttons' in turn && message.length === 0 && !('media' in turn))) return false;
  return (
    message.every((k) => typeof turn[k] === 'string') &&
    (turn['media'] === undefined || (Array.isArray(turn['media']) && turn['media'].every(validMediaCheck))) &&
    (turn['buttons'] === undefined || isStringArray(turn['buttons'])) &&
    (turn['step'] === undefined || typeof turn['step'] === 'string') &&
    (turn['ended'] === undefined || typeof turn['ended'] === 'boolean') &&
    (turn['vars'] === undefined || isRecord(turn['vars']))
  );
}

const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

function validStub(stub: unknown): boolean {
  if (!isRecord(stub) || Object.keys(stub).some((k) => !['status', 'body', 'error'].includes(k))) return false;
  const status = stub['status'];
  if (status !== undefined && !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599)) return false;
  if ('error' in stub) return CALL_FAILURES.includes(stub['error'] as CallFailure);
  return status !== undefined;
}

function validRequestCheck(check: unknown): boolean {
  if (!isRecord(check) || Object.keys(check).some((k) => !['method', 'url', 'headers', 'body'].includes(k))) return false;
  const headers = check['headers'];
  return (
    (check['method'] === undefined || typeof check['method'] === 'string') &&
    (check['url'] === undefined || typeof check['url'] === 'string') &&
    (headers === undefined || (isRecord(headers) && Object.values(headers).every((v) => typeof v === 'string')))
  );
}

const onlyKeys = (r: Record<string, unknown>, allowed: readonly string[]): boolean => Object.keys(r).every((k) => allowed.includes(k));
const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';

/** One file kind with its path, and the sender's name and type, or a failing download. */
function validFileSend(f: unknown, extra: readonly string[] = []): boolean {
  if (!isRecord(f) || !onlyKeys(f, [...FILE_SEND_KINDS, 'name', 'mime', 'download', ...extra])) return false;
  const kinds = FILE_SEND_KINDS.filter((k) => k in f);
  return kinds.length === 1 && typeof f[kinds[0]!] === 'string' && optionalString(f['name']) && optionalString(f['mime']) && (f['download'] === undefined || f['download'] === 'fails');
}

function validMediaSend(turn: Record<string, unknown>): boolean {
  if ('files' in turn) {
    const files = turn['files'];
    return onlyKeys(turn, ['files', 'caption']) && optionalString(turn['caption']) && Array.isArray(files) && files.length > 0 && files.every((f) => validFileSend(f));
  }
  if ('location' in turn) return onlyKeys(turn, ['location']) && validCoordinates(turn['location']);
  if ('contact' in turn) {
    const c = turn['contact'];
    return onlyKeys(turn, ['contact']) && isRecord(c) && onlyKeys(c, ['phone', 'first_name', 'last_name']) && typeof c['phone'] === 'string' && typeof c['first_name'] === 'string' && optionalString(c['last_name']);
  }
  return validFileSend(turn, ['caption']) && optionalString(turn['caption']);
}

function validCoordinates(v: unknown): boolean {
  if (!isRecord(v) || !onlyKeys(v, ['latitude', 'longitude', 'title', 'address'])) return false;
  const { latitude: lat, longitude: lon } = v;
  return typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && optionalString(v['title']) && optionalString(v['address']);
}

function validMediaCheck(m: unknown): boolean {
  if (!isRecord(m)) return false;
  if ('location' in m || 'contact' in m) return Object.keys(m).length === 1 && isRecord(m['location'] ?? m['contact']);
  const kinds = OUT_KINDS.filter((k) => k in m);
  return kinds.length === 1 && onlyKeys(m, [...OUT_KINDS, 'caption']) && typeof m[kinds[0]!] === 'string' && optionalString(m['caption']);
}
