import { isDeepStrictEqual } from 'node:util';
import type { ChannelId, MachineConfig } from '../../compiler/index.js';
import { checkRegex, compileRegex } from '../../grammar/index.js';
import { Dialog, type Effect } from '../engine/index.js';
import { durationMs } from '../agenda/index.js';
import type { CallResult } from '../agenda/index.js';
import type { CallRequest } from '../engine/index.js';
import type { CallStub, ConversationTest, Expectation, MediaSend, RequestCheck, Turn } from './format.js';
import { VirtualAgenda } from './virtual-time.js';
import { LocalMedia } from './media.js';
import { describeSend, isMediaSend, mediaMatch, sendMedia, showMedia, varMatches } from './media-turns.js';
import { partsMatch } from './channel-view.js';
import { channelPress, readSaid, showRead } from './channel-turns.js';

export interface Divergence {
  /** 1-based index of the turn where the conversation went another way. */
  readonly turn: number;
  readonly expected: string;
  readonly actual: string;
}

export interface TestResult {
  readonly name: string;
  readonly passed: boolean;
  readonly failure?: Divergence;
}

type Said = Extract<Effect, { type: 'say' }>;

const showSaid = (s: Said | undefined, channel: ChannelId | undefined): string => (s ? showRead(channel, readSaid(channel, s)) : 'no more bot messages');

/** What a turn knows of the run: its channel, and the last bot message with buttons (what a press answers). */
interface RunState {
  readonly channel: ChannelId | undefined;
  readonly asked: Said | undefined;
}

export interface RunOptions {
  /** Where the paths of files the test sends are read from (the test file's directory); default: the working directory. */
  readonly dir?: string;
  /**
   * Run on this channel's rendering: each bot message is read as the channel shows it (a text in parts, a list, a
   * numbered menu), typed text carries the channel, and presses are made as its users make them. Default: the
   * engine's own messages, as without any channel.
   */
  readonly channel?: ChannelId;
}

/**
 * Runs one conversation test on a fresh dialog; stops at the first divergence. Files the user sends are fetched at
 * once, through the same ingest as the server's media stores (size limits, the type read from the bytes).
 */
export async function runConversationTest(config: MachineConfig, test: ConversationTest, options: RunOptions = {}): Promise<TestResult> {
  const dialog = new Dialog(config);
  const time = new VirtualAgenda(config);
  const media = new LocalMedia();
  let pending: Said[] = [];
  // The last bot message with buttons: what a press answers.
  let asked: Said | undefined;
  const channel = options.channel;
  const setPending = (effects: Said[]): void => {
    pending = effects;
    for (const s of effects) if (s.buttons.length > 0) asked = s;
  };
  const fail = (turn: number, expected: string, actual: string): TestResult => ({ name: test.name, passed: false, failure: { turn, expected, actual } });
  let n = 0;
  try {
    for (const [i, turn] of test.turns.entries()) {
      n = i + 1;
      if (isMediaSend(turn)) {
        if (pending[0]) return fail(n, `user ${describeSend(turn)}`, showSaid(pending[0], channel));
        setPending(await sendMedia(dialog, time, media, turn, options.dir ?? process.cwd()));
        continue;
      }
      const problem = applyTurn(dialog, time, turn, pending, setPending, { channel, asked });
      if (problem) return fail(n, problem.expected, problem.actual);
    }
    if (pending.length > 0) return fail(test.turns.length + 1, 'the end of the test', showSaid(pending[0], channel));
    return { name: test.name, passed: true };
  } catch (err) {
    return fail(n, 'the turn to run', `an error: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    dialog.stop();
  }
}

const said = (effects: readonly Effect[]): Said[] => effects.filter((e): e is Said => e.type === 'say');

function applyTurn(dialog: Dialog, time: VirtualAgenda, turn: Exclude<Turn, MediaSend>, pending: Said[], setPending: (s: Said[]) => void, run: RunState): { expected: string; actual: string } | undefined {
  const { channel } = run;
  if ('call' in turn) {
    const request = time.pendingCall;
    const what = `the answer ${JSON.stringify(turn.call)} to a call`;
    if (pending[0]) return { expected: what, actual: showSaid(pending[0], channel) };
    if (!request) return { expected: what, actual: `no call: ${describeState(dialog)}` };
    const mismatch = turn.request && requestMismatch(turn.request, request);
    if (mismatch) return mismatch;
    setPending(said(time.respond(dialog, resultOf(turn.call))!.effects));
    return undefined;
  }
  if ('user' in turn || 'press' in turn || 'wait' in turn) {
    const next = pending[0];
    const what = 'user' in turn ? `user ${JSON.stringify(turn.user)}` : 'press' in turn ? `press ${JSON.stringify(turn.press)}` : `wait ${JSON.stringify(turn.wait)}`;
    if (next) return { expected: what, actual: showSaid(next, channel) };
    if ('wait' in turn) {
      // The reader accepted only valid durations.
      setPending(time.advance(dialog, durationMs(turn.wait)!).flatMap((f) => said(f.effects)));
      return undefined;
    }
    const message = 'user' in turn ? (channel ? { text: turn.user, channel } : { text: turn.user }) : channel ? channelPress(channel, run.asked, turn.press) : { press: turn.press };
    if (typeof message === 'string') return { expected: what, actual: message };
    setPending(said(time.send(dialog, message).effects));
    return undefined;
  }
  return checkTurn(dialog, turn, pending, channel);
}

/** The checks of one turn, in order: the next bot message, then the step, whether the dialog ended, and variables. */
function checkTurn(dialog: Dialog, turn: Expectation, pending: Said[], channel: ChannelId | undefined): { expected: string; actual: string } | undefined {
  if (turn.bot !== undefined || turn.bot_matches !== undefined || turn.media !== undefined) {
    const said = pending.shift();
    const expected = turn.bot !== undefined ? `bot ${JSON.stringify(turn.bot)}` : turn.bot_matches !== undefined ? `bot matching /${turn.bot_matches}/` : 'a bot message';
    // On a channel: the text as its parts (see partsMatch; a pattern sees them joined by line breaks), the titles as drawn or as the menu's lines.
    const read = said && readSaid(channel, said);
    const textOk = read && (turn.bot !== undefined ? partsMatch(turn.bot, read.parts) : turn.bot_matches === undefined || botMatches(turn.bot_matches, read.parts.join('\n')));
    const buttonsOk = read && (!turn.buttons || isDeepStrictEqual([...read.titles], [...turn.buttons]));
    const mediaOk = said && (!turn.media || mediaMatch(turn.media, said.media ?? []));
    if (!textOk || !buttonsOk || !mediaOk) {
      const withButtons = turn.buttons ? `${expected} with buttons ${JSON.stringify(turn.buttons)}` : expected;
      return {
        expected: turn.media ? `${withButtons} with media ${JSON.stringify(turn.media)}` : withButtons,
        actual: turn.media && said ? `${showSaid(said, channel)} with media ${JSON.stringify(showMedia(said.media ?? []))}` : showSaid(said, channel),
      };
    }
  }
  if (turn.step !== undefined && dialog.step !== turn.step) return { expected: `step ${JSON.stringify(turn.step)}`, actual: describeState(dialog) };
  if (turn.ended !== undefined && dialog.ended !== turn.ended) {
    return { expected: turn.ended ? 'the dialog has ended' : 'the dialog is running', actual: describeState(dialog) };
  }
  for (const [name, value] of Object.entries(turn.vars ?? {})) {
    const actual = dialog.vars[name];
    if (!varMatches(actual, value)) {
      return { expected: `${name} = ${JSON.stringify(value)}`, actual: `${name} = ${actual === undefined ? 'unset' : JSON.stringify(actual)}` };
    }
  }
  return undefined;
}

function describeState(dialog: Dialog): string {
  if (dialog.ended) return 'the dialog has ended';
  return dialog.step ? `step ${JSON.stringify(dialog.step)}` : 'no dialog yet';
}

/** The scenario's own regex engine, so a test's pattern means what a `matches` condition would. */
function botMatches(pattern: string, text: string): boolean {
  const regex = compileRegex(pattern);
  if (!regex) throw new Error(`Invalid regular expression /${pattern}/: ${checkRegex(pattern)?.message ?? ''}`);
  return regex.test(text);
}

/** A test's stub as the result of a call: a 2xx status is an answer, any other a `status` failure. */
function resultOf(stub: CallStub): CallResult {
  const body = stub.body === undefined ? undefined : stub.body;
  if ('error' in stub) return { ok: false, error: stub.error, ...(stub.status === undefined ? {} : { status: stub.status }), ...(body === undefined ? {} : { body }) };
  if (stub.status >= 200 && stub.status < 300) return { ok: true, status: stub.status, body: body ?? null };
  return { ok: false, error: 'status', status: stub.status, ...(body === undefined ? {} : { body }) };
}

/** The first field of the request that differs from what the test expects. */
function requestMismatch(check: RequestCheck, request: CallRequest): { expected: string; actual: string } | undefined {
  if (check.method !== undefined && check.method.toUpperCase() !== request.method) return { expected: `request method ${check.method}`, actual: `request method ${request.method}` };
  if (check.url !== undefined && check.url !== request.url) return { expected: `request url ${JSON.stringify(check.url)}`, actual: `request url ${JSON.stringify(request.url)}` };
  for (const [name, value] of Object.entries(check.headers ?? {})) {
    const actual = Object.entries(request.headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    if (actual !== value) return { expected: `request header ${name}: ${JSON.stringify(value)}`, actual: `request header ${name}: ${actual === undefined ? 'absent' : JSON.stringify(actual)}` };
  }
  if (check.body !== undefined && !isDeepStrictEqual(check.body, request.body)) return { expected: `request body ${JSON.stringify(check.body)}`, actual: `request body ${JSON.stringify(request.body)}` };
  return undefined;
}
