import { describe, expect, it } from 'vitest';
import { CONVERSATION, callbackQueryId } from '../../../bench/telegram/load.js';
import { ReplyTracker, type Expected } from '../../../bench/telegram/replies.js';
import type { Step } from '../../../bench/telegram/load.js';

const REPLIES: Record<Step, Expected> = {
  start: { send: 2, ack: 0 },
  name: { send: 1, ack: 0 },
  more_info: { send: 2, ack: 1 },
};
const FIRST = 100;

/** A tracker whose clock is the `at` of the last `tick`. */
function tracker(chats = 2) {
  let now = 0;
  const t = new ReplyTracker(FIRST, chats, CONVERSATION, REPLIES, () => now);
  const send = (chatId: number, at: number) => {
    now = at;
    t.observe('sendMessage', { chat_id: chatId, text: 'x' }, 200);
  };
  const ack = (chatId: number, at: number) => {
    now = at;
    t.observe('answerCallbackQuery', { callback_query_id: callbackQueryId(chatId, 1) }, 200);
  };
  return { t, send, ack };
}

describe('ReplyTracker', () => {
  it('times each update to the arrival of its last expected reply', () => {
    const { t, send, ack } = tracker(1);
    t.posted(0, 0, 0);
    send(FIRST, 3);
    expect(t.completed).toBe(0);
    send(FIRST, 5);
    t.posted(0, 1, 6);
    send(FIRST, 9);
    t.posted(0, 2, 10);
    send(FIRST, 12);
    send(FIRST, 15);
    expect(t.completed).toBe(2);
    ack(FIRST, 18);
    expect(t.done).toBe(true);
    expect([...t.completedAt]).toEqual([5, 9, 18]);
    expect([...t.latencies()]).toEqual([3, 5, 8]);
    expect(t.received).toBe(6);
    expect(t.expected).toBe(6);
    expect(t.lastAt).toBe(18);
  });

  it('counts messages and callback answers apart: an answer that overtakes the previous update’s message', () => {
    const { t, send, ack } = tracker(1);
    t.posted(0, 0, 0);
    send(FIRST, 1);
    send(FIRST, 2);
    t.posted(0, 1, 3);
    t.posted(0, 2, 4); // posted after the webhook answer of update 1, before its reply
    ack(FIRST, 5); // carried in update 2's webhook answer
    expect(t.completed).toBe(1);
    send(FIRST, 7); // update 1's message
    expect([...t.completedAt]).toEqual([2, 7, NaN]);
    send(FIRST, 8);
    send(FIRST, 9);
    expect([...t.completedAt]).toEqual([2, 7, 9]);
    expect(t.early).toBe(0);
  });

  it('keeps chats apart and ignores other chats, failed calls and other methods', () => {
    const { t, send } = tracker(2);
    t.posted(0, 0, 0);
    t.posted(1, 0, 0);
    send(FIRST + 1, 1);
    send(FIRST, 2);
    send(FIRST + 2, 3); // not a chat of this phase
    send(FIRST - 1, 3);
    t.observe('sendMessage', { chat_id: FIRST, text: 'x' }, 429);
    t.observe('getMe', {}, 200);
    t.observe('answerCallbackQuery', { callback_query_id: 'not-a-chat' }, 200);
    expect(t.completed).toBe(0);
    send(FIRST + 1, 4);
    expect(t.completed).toBe(1);
    expect(t.completedAt[3]).toBe(4);
    expect(t.received).toBe(3);
  });

  it('counts as early an update whose replies came before it was posted (surplus replies)', () => {
    const { t, send } = tracker(1);
    t.posted(0, 0, 0);
    send(FIRST, 1);
    send(FIRST, 2);
    send(FIRST, 3); // a duplicate: update 1 was never posted
    expect(t.early).toBe(1);
  });

  it('resolves whenComplete with true on completion, and with false once aborted', async () => {
    const { t, send } = tracker(1);
    t.posted(0, 0, 0);
    const first = t.whenComplete(0, 0);
    send(FIRST, 1);
    send(FIRST, 2);
    await expect(first).resolves.toBe(true);
    await expect(t.whenComplete(0, 0)).resolves.toBe(true);
    const second = t.whenComplete(0, 1);
    t.abort();
    await expect(second).resolves.toBe(false);
    await expect(t.whenComplete(0, 2)).resolves.toBe(false);
  });

  it('refuses a step that expects no reply', () => {
    expect(() => new ReplyTracker(1, 1, ['start'], { ...REPLIES, start: { send: 0, ack: 0 } })).toThrow(/start/);
  });
});
