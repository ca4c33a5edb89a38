/** Correctness check of a target on a few dialogs, against a recording fake Bot API. */
import type { FakeBotApi } from '../../runtime/testing/fake-bot-api.js';
import { nameOf } from './load.js';

const INFO = 'This bot was built with Scenarist: a JSON scenario compiled into a state machine.';
const BUTTONS = [
  { text: 'Tell me more', callback_data: 'more_info' },
  { text: 'Goodbye', callback_data: 'end' },
];

/** Flat list of inline buttons, whatever the row layout (a layout choice, not a behaviour). */
function buttonsOf(markup: unknown): unknown[] {
  const m = (typeof markup === 'string' ? JSON.parse(markup) : markup) as { inline_keyboard?: unknown[][] } | undefined;
  return (m?.inline_keyboard ?? []).flat().map((b) => {
    const { text, callback_data } = b as Record<string, unknown>;
    return { text, callback_data };
  });
}

/** Throws with every difference found for the dialogs of chats firstChatId .. firstChatId + chats - 1. */
export function checkDialogs(api: FakeBotApi, firstChatId: number, chats: number): void {
  const problems: string[] = [];
  for (let chatId = firstChatId; chatId < firstChatId + chats; chatId++) {
    const name = nameOf(chatId);
    const expected = ['Welcome to our bot!', "What's your name?", `Nice to meet you, ${name}!`, INFO, `Goodbye, ${name}!`];
    const sent = api.sent(chatId);
    const texts = sent.map((c) => String(c.payload['text']));
    if (JSON.stringify(texts) !== JSON.stringify(expected)) problems.push(`chat ${chatId}: texts ${JSON.stringify(texts)}`);
    const buttons = sent.map((c) => buttonsOf(c.payload['reply_markup']));
    const want = expected.map((_, i) => (i === 2 ? BUTTONS : []));
    if (JSON.stringify(buttons) !== JSON.stringify(want)) problems.push(`chat ${chatId}: buttons ${JSON.stringify(buttons)}`);
  }
  const acks = api.calls.filter((c) => c.method === 'answerCallbackQuery' && c.status === 200).length;
  if (acks !== chats) problems.push(`${acks} answerCallbackQuery for ${chats} button presses`);
  if (problems.length > 0) throw new Error(`wrong replies:\n  ${problems.slice(0, 10).join('\n  ')}`);
}
