import { durationMs } from '../agenda/index.js';
import type { CallFailure } from '../engine/index.js';
/**
 * Checks in one turn, made together: the next bot message (`bot` or `bot_matches`, with its `buttons`), then the
 * dialog's `step`, `ended` and `vars`. See docs/format.md.
 */
export interface Expectation {
  readonly bot?: string;
  readonly bot_matches?: string;
  readonly buttons?: readonly string[];
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
  | Expectation;

export const CALL_FAILURES: readonly CallFailure[] = ['network', 'timeout', 'status', 'too_large', 'not_json', 'refused', 'interrupted'];

export interface ConversationTest {
  readonly name: string;
  readonly turns: readonly Turn[];
}

const ACTIONS = ['user', 'press', 'wait', 'call'];
const CHECKS = ['bot', 'bot_matches', 'buttons', 'step', 'ended', 'vars'];
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
      problems.push(`${t['name']}: turn ${bad + 1} is not a turn: ${JSON.stringify(turns[bad])}. Use ${ACTIONS.join(' or ')} alone (wait takes a duration such as "90s", "10m", "24h" or "7d"; call takes {"status", "body"} or {"error"}, and may come with "request"), or checks among ${CHECKS.join(', ')} (at most one of bot, bot_matches).`);
      return;
    }
    tests.push({ name: t['name'], turns: turns as Turn[] });
  });
  return { tests, problems };
}

/** An action alone (`user` or `press`), or checks: at most one of `bot`/`bot_matches` (`buttons` only with one). */
function validTurn(turn: unknown): boolean {
  if (!isRecord(turn)) return false;
  const keys = Object.keys(turn);
  if (keys.length === 0 || keys.some((k) => !TURN_KEYS.includes(k))) return false;
  if ('call' in turn) return keys.every((k) => k === 'call' || k === 'request') && validStub(turn['call']) && (turn['request'] === undefined || validRequestCheck(turn['request']));
  if ('request' in turn) return false;
  const action = keys.find((k) => ACTIONS.includes(k));
  if (action) return keys.length === 1 && typeof turn[action] === 'string' && (action !== 'wait' || durationMs(turn[action]) !== undefined);
  const message = keys.filter((k) => k === 'bot' || k === 'bot_matches');
  if (message.length > 1 || ('buttons' in turn && message.length === 0)) return false;
  return (
    message.every((k) => typeof turn[k] === 'string') &&
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
