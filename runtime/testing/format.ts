/** One step of a conversation test; see docs/format.md. */
export type Turn =
  | { readonly user: string }
  | { readonly press: string }
  | { readonly bot: string; readonly buttons?: readonly string[] }
  | { readonly bot_matches: string; readonly buttons?: readonly string[] }
  | { readonly ended: boolean }
  | { readonly step: string }
  | { readonly vars: Readonly<Record<string, unknown>> };

export interface ConversationTest {
  readonly name: string;
  readonly turns: readonly Turn[];
}

const TURN_KEYS = ['user', 'press', 'bot', 'bot_matches', 'ended', 'step', 'vars'];

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
      problems.push(`${t['name']}: turn ${bad + 1} is not a turn: ${JSON.stringify(turns[bad])}. Use one of ${TURN_KEYS.join(', ')}.`);
      return;
    }
    tests.push({ name: t['name'], turns: turns as Turn[] });
  });
  return { tests, problems };
}

function validTurn(turn: unknown): boolean {
  if (!isRecord(turn)) return false;
  const keys = Object.keys(turn);
  const main = keys.filter((k) => TURN_KEYS.includes(k));
  if (main.length !== 1) return false;
  const extra = keys.filter((k) => !TURN_KEYS.includes(k));
  const [k] = main;
  const v = turn[k!];
  switch (k) {
    case 'user':
    case 'press':
    case 'step':
      return typeof v === 'string' && extra.length === 0;
    case 'bot':
    case 'bot_matches':
      return typeof v === 'string' && extra.every((e) => e === 'buttons') && (turn['buttons'] === undefined || isStringArray(turn['buttons']));
    case 'ended':
      return typeof v === 'boolean' && extra.length === 0;
    case 'vars':
      return isRecord(v) && extra.length === 0;
    default:
      return false;
  }
}

const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
