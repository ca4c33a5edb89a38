import { describe, expect, it } from 'vitest';
import { parseTelegramUpdate } from '../../../../runtime/adapters/telegram/index.js';

const from = { id: 77, is_bot: false, first_name: 'Ann', last_name: 'Lee', username: 'ann', language_code: 'en' };
const chat = { id: 77, type: 'private', first_name: 'Ann' };

describe('parseTelegramUpdate: messages', () => {
  it('maps a text message', () => {
    expect(parseTelegramUpdate({ update_id: 5, message: { message_id: 1, date: 1, chat, from, text: 'hello' } })).toEqual({
      kind: 'message',
      updateId: '5',
      chatId: '77',
      message: { text: 'hello', user: { id: 77, first_name: 'Ann', last_name: 'Lee', username: 'ann', language_code: 'en' } },
    });
  });

  it('maps a group message to the group chat when dialogs are per chat', () => {
    const r = parseTelegramUpdate({ update_id: 6, message: { chat: { id: -1001234567890, type: 'supergroup' }, from, text: '/start@MyBot' } }, { groupDialogs: 'chat' });
    expect(r).toMatchObject({ kind: 'message', chatId: '-1001234567890', message: { text: '/start@MyBot' } });
  });

  it('maps a group message to the member in the chat by default', () => {
    for (const type of ['group', 'supergroup']) {
      const r = parseTelegramUpdate({ update_id: 6, message: { chat: { id: -1001234567890, type }, from, text: 'hi' } });
      expect(r).toMatchObject({ kind: 'message', chatId: '-1001234567890:u77' });
    }
    // Without a sender there is no member to scope by.
    expect(parseTelegramUpdate({ update_id: 6, message: { chat: { id: -5, type: 'group' }, text: 'hi' } })).toMatchObject({ chatId: '-5' });
    // A private chat keeps its bare id whatever the setting.
    expect(parseTelegramUpdate({ update_id: 6, message: { chat, from, text: 'hi' } })).toMatchObject({ chatId: '77' });
  });

  it('maps a forum topic message to the topic', () => {
    const topic = { chat: { id: -100999, type: 'supergroup', is_forum: true }, from, text: 'hi', message_thread_id: 42, is_topic_message: true };
    expect(parseTelegramUpdate({ update_id: 6, message: topic })).toMatchObject({ chatId: '-100999:t42:u77' });
    expect(parseTelegramUpdate({ update_id: 6, message: topic }, { groupDialogs: 'chat' })).toMatchObject({ chatId: '-100999:t42' });
    // A reply thread outside a forum is not a topic: replies go to the chat.
    const reply = { chat: { id: -100999, type: 'supergroup' }, from, text: 'hi', message_thread_id: 42 };
    expect(parseTelegramUpdate({ update_id: 6, message: reply }, { groupDialogs: 'chat' })).toMatchObject({ chatId: '-100999' });
  });

  it('maps a button press in a topic to the dialog of the member who pressed, in that topic', () => {
    const message = { message_id: 3, date: 1, chat: { id: -100999, type: 'supergroup', is_forum: true }, message_thread_id: 42, is_topic_message: true };
    const r = parseTelegramUpdate({ update_id: 9, callback_query: { id: 'cb1', from: { ...from, id: 78 }, chat_instance: 'ci', data: 'yes', message } });
    expect(r).toMatchObject({ kind: 'message', chatId: '-100999:t42:u78', ackId: 'cb1' });
  });

  it('accepts a string chat id (channels)', () => {
    expect(parseTelegramUpdate({ update_id: 1, message: { chat: { id: '@news' }, text: 'x' } })).toMatchObject({ kind: 'message', chatId: '@news' });
  });

  it.each([
    ['sticker', { sticker: { file_id: 'f' } }],
    ['animation', { animation: { file_id: 'a' }, document: { file_id: 'a' } }],
    ['video note', { video_note: { file_id: 'n' } }],
  ])('maps a %s to a message without text, keeping the user', (_name, content) => {
    const r = parseTelegramUpdate({ update_id: 2, message: { chat, from, ...content } });
    expect(r).toEqual({ kind: 'message', updateId: '2', chatId: '77', message: { user: expect.objectContaining({ id: 77 }) } });
    expect(r.kind === 'message' && 'text' in r.message).toBe(false);
  });

  it('ignores service messages (members joining, pins)', () => {
    expect(parseTelegramUpdate({ update_id: 3, message: { chat, from, new_chat_members: [from] } })).toMatchObject({ kind: 'ignored', updateId: '3' });
    expect(parseTelegramUpdate({ update_id: 3, message: { chat, from, pinned_message: { message_id: 1 } } })).toMatchObject({ kind: 'ignored' });
  });

  it('caps text at 4096 characters without splitting a surrogate pair', () => {
    const long = parseTelegramUpdate({ update_id: 1, message: { chat, text: 'a'.repeat(5000) } });
    expect(long.kind === 'message' && long.message.text).toHaveLength(4096);
    const emoji = parseTelegramUpdate({ update_id: 1, message: { chat, text: 'a'.repeat(4095) + '😀' } });
    expect(emoji.kind === 'message' && emoji.message.text).toBe('a'.repeat(4095));
  });

  it('works without from', () => {
    expect(parseTelegramUpdate({ update_id: 1, message: { chat, text: 'x' } })).toEqual({ kind: 'message', updateId: '1', chatId: '77', message: { text: 'x' } });
  });
});

describe('parseTelegramUpdate: button presses', () => {
  it('maps a callback query to a press with an ack id', () => {
    const r = parseTelegramUpdate({ update_id: 9, callback_query: { id: 'cb1', from, chat_instance: 'ci', data: 'yes', message: { message_id: 3, chat, date: 1 } } });
    expect(r).toEqual({ kind: 'message', updateId: '9', chatId: '77', ackId: 'cb1', message: { press: 'yes', user: expect.objectContaining({ username: 'ann' }) } });
  });

  it('accepts an inaccessible message (date 0) as long as it has a chat', () => {
    const r = parseTelegramUpdate({ update_id: 9, callback_query: { id: 'cb1', from, data: 'x', message: { message_id: 3, chat, date: 0 } } });
    expect(r).toMatchObject({ kind: 'message', chatId: '77', message: { press: 'x' } });
  });

  it('ignores inline-mode and game callback queries', () => {
    expect(parseTelegramUpdate({ update_id: 1, callback_query: { id: 'c', from, inline_message_id: 'im', data: 'x' } })).toMatchObject({ kind: 'ignored', updateId: '1' });
    expect(parseTelegramUpdate({ update_id: 1, callback_query: { id: 'c', from, game_short_name: 'g', message: { chat } } })).toMatchObject({ kind: 'ignored' });
  });

  it('rejects callback queries of the wrong shape', () => {
    expect(parseTelegramUpdate({ update_id: 1, callback_query: { from, data: 'x', message: { chat } } }).kind).toBe('invalid');
    expect(parseTelegramUpdate({ update_id: 1, callback_query: { id: 5, data: 'x', message: { chat } } }).kind).toBe('invalid');
    expect(parseTelegramUpdate({ update_id: 1, callback_query: { id: 'c', data: 1, message: { chat } } }).kind).toBe('invalid');
    expect(parseTelegramUpdate({ update_id: 1, callback_query: { id: 'c', data: 'x', message: { chat: {} } } }).kind).toBe('invalid');
    expect(parseTelegramUpdate({ update_id: 1, callback_query: { id: 'c', data: 'x'.repeat(1000), message: { chat } } }).kind).toBe('invalid');
    expect(parseTelegramUpdate({ update_id: 1, callback_query: 'x' }).kind).toBe('invalid');
  });
});

describe('parseTelegramUpdate: other updates', () => {
  it.each(['edited_message', 'channel_post', 'edited_channel_post', 'my_chat_member', 'chat_member', 'inline_query', 'poll', 'poll_answer', 'chat_join_request', 'some_future_kind'])(
    'ignores %s with a reason',
    (kind) => {
      const r = parseTelegramUpdate({ update_id: 4, [kind]: { chat, from } });
      expect(r).toEqual({ kind: 'ignored', updateId: '4', reason: expect.stringContaining(kind) });
    },
  );

  it('ignores an update without content', () => {
    expect(parseTelegramUpdate({ update_id: 4 })).toMatchObject({ kind: 'ignored', updateId: '4' });
  });

  it('accepts unknown extra fields', () => {
    expect(parseTelegramUpdate({ update_id: 1, extra: [1, 2], message: { chat: { ...chat, whatever: {} }, text: 'x', future_field: { a: 1 } } }).kind).toBe('message');
  });
});

describe('parseTelegramUpdate: hostile input', () => {
  it.each([
    ['null', null],
    ['an array', [{ update_id: 1 }]],
    ['a string', '{"update_id":1}'],
    ['a number', 1],
    ['undefined', undefined],
    ['no update_id', { message: { chat, text: 'x' } }],
    ['a string update_id', { update_id: '1', message: { chat, text: 'x' } }],
    ['a negative update_id', { update_id: -1 }],
    ['a fractional update_id', { update_id: 1.5 }],
    ['a huge update_id', { update_id: 2 ** 60 }],
    ['NaN', { update_id: NaN }],
    ['a class instance', new (class Update { update_id = 1 })()],
  ])('rejects %s', (_name, input) => {
    expect(parseTelegramUpdate(input).kind).toBe('invalid');
  });

  it.each([
    ['message not an object', { update_id: 1, message: 'hi' }],
    ['message an array', { update_id: 1, message: [] }],
    ['no chat', { update_id: 1, message: { text: 'x' } }],
    ['chat.id an object', { update_id: 1, message: { chat: { id: { $gt: 1 } }, text: 'x' } }],
    ['chat.id a huge int', { update_id: 1, message: { chat: { id: 2 ** 60 }, text: 'x' } }],
    ['chat.id a float', { update_id: 1, message: { chat: { id: 1.5 }, text: 'x' } }],
    ['chat.id empty', { update_id: 1, message: { chat: { id: '' }, text: 'x' } }],
    ['chat an array', { update_id: 1, message: { chat: [77], text: 'x' } }],
    ['text a number', { update_id: 1, message: { chat, text: 42 } }],
    ['text an object', { update_id: 1, message: { chat, text: { toString: 'x' } } }],
    ['from a string', { update_id: 1, message: { chat, from: 'ann', text: 'x' } }],
  ])('rejects a message with %s', (_name, input) => {
    expect(parseTelegramUpdate(input).kind).toBe('invalid');
  });

  it('copies only string and number user fields, capped', () => {
    const r = parseTelegramUpdate({
      update_id: 1,
      message: { chat, text: 'x', from: { id: { evil: 1 }, first_name: 'A'.repeat(10_000), last_name: 5, username: ['u'], language_code: 'en'.repeat(100), is_admin: true } },
    });
    expect(r.kind).toBe('message');
    const user = r.kind === 'message' ? r.message.user : undefined;
    expect(Object.keys(user ?? {}).sort()).toEqual(['first_name', 'language_code']);
    expect(user?.first_name).toHaveLength(256);
    expect(user?.language_code).toHaveLength(35);
  });

  it('drops a user without usable fields', () => {
    const r = parseTelegramUpdate({ update_id: 1, message: { chat, text: 'x', from: { id: 2 ** 60 } } });
    expect(r).toEqual({ kind: 'message', updateId: '1', chatId: '77', message: { text: 'x' } });
  });

  it('is not fooled by __proto__ keys from JSON.parse', () => {
    const body = JSON.parse(
      '{"update_id":1,"__proto__":{"message":{"chat":{"id":1},"text":"evil"}},"message":{"__proto__":{"text":"evil"},"chat":{"id":3,"__proto__":{"id":4}},"from":{"__proto__":{"first_name":"evil"},"id":1}}}',
    ) as unknown;
    const r = parseTelegramUpdate(body);
    expect(r).toEqual({ kind: 'message', updateId: '1', chatId: '3', message: { user: { id: 1 } } });
    expect(({} as Record<string, unknown>)['message']).toBeUndefined();
    expect(({} as Record<string, unknown>)['text']).toBeUndefined();
  });

  it('does not read inherited properties', () => {
    const proto = { text: 'inherited' };
    const message = Object.assign(Object.create(proto) as object, { chat });
    expect(parseTelegramUpdate({ update_id: 1, message }).kind).toBe('invalid');
    // A message with a `toString` key of its own is still just data.
    const r = parseTelegramUpdate({ update_id: 1, message: { chat, toString: 'x' } });
    expect(r).toEqual({ kind: 'message', updateId: '1', chatId: '77', message: {} });
  });

  it('ignores an update whose only key is __proto__', () => {
    const r = parseTelegramUpdate(JSON.parse('{"update_id":2,"__proto__":{"x":1}}') as unknown);
    expect(r).toMatchObject({ kind: 'ignored', updateId: '2' });
  });

  it('accepts objects without a prototype', () => {
    const update = Object.assign(Object.create(null) as object, { update_id: 1, message: { chat, text: 'x' } });
    expect(parseTelegramUpdate(update).kind).toBe('message');
  });
});
