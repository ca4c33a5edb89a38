import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH, parseWebChatUpdate, SESSION_ID } from '../../../../runtime/adapters/webchat/index.js';

const SESSION = 'abcdefghijklmnop'; // 16 characters, the shortest valid session id

describe('parseWebChatUpdate', () => {
  it('reads a text message and a button press as messages of the session', () => {
    expect(parseWebChatUpdate({ session: SESSION, id: 'm-1', text: 'hello' })).toEqual({ kind: 'message', updateId: 'm-1', chatId: SESSION, message: { text: 'hello' } });
    expect(parseWebChatUpdate({ session: SESSION, id: 'm_2', press: 'more_info' })).toEqual({ kind: 'message', updateId: 'm_2', chatId: SESSION, message: { press: 'more_info' } });
  });

  it('accepts text up to 4096 characters and presses up to 64 bytes', () => {
    expect(MAX_TEXT_LENGTH).toBe(4096);
    expect(parseWebChatUpdate({ session: SESSION, id: '1', text: 'x'.repeat(4096) }).kind).toBe('message');
    expect(parseWebChatUpdate({ session: SESSION, id: '1', text: 'x'.repeat(4097) })).toEqual({ kind: 'invalid', reason: '"text" is longer than 4096 characters' });
    expect(parseWebChatUpdate({ session: SESSION, id: '1', press: 'p'.repeat(64) }).kind).toBe('message');
    // 32 two-byte characters are 64 bytes; one more is over.
    expect(parseWebChatUpdate({ session: SESSION, id: '1', press: 'é'.repeat(32) }).kind).toBe('message');
    expect(parseWebChatUpdate({ session: SESSION, id: '1', press: 'é'.repeat(33) })).toEqual({ kind: 'invalid', reason: '"press" must be a button value of 1 to 64 bytes' });
  });

  it.each([
    ['null', null, 'expected a JSON object { session, id, text | press }'],
    ['an array', [SESSION, '1', 'hi'], 'expected a JSON object { session, id, text | press }'],
    ['a string', 'hello', 'expected a JSON object { session, id, text | press }'],
    ['an unknown field', { session: SESSION, id: '1', text: 'hi', chat: 5 }, 'unknown field "chat": expected session, id, text or press'],
    ['no session', { id: '1', text: 'hi' }, '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['a numeric session', { session: 1234567890123456, id: '1', text: 'hi' }, '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['a short session', { session: 'abcdefghijklmno', id: '1', text: 'hi' }, '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['a long session', { session: 'a'.repeat(65), id: '1', text: 'hi' }, '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['a session with a slash', { session: 'abcdefgh/../ijklmnop', id: '1', text: 'hi' }, '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['no id', { session: SESSION, text: 'hi' }, '"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['a numeric id', { session: SESSION, id: 7, text: 'hi' }, '"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['an empty id', { session: SESSION, id: '', text: 'hi' }, '"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['an id of 65 characters', { session: SESSION, id: 'i'.repeat(65), text: 'hi' }, '"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['neither text nor press', { session: SESSION, id: '1' }, 'send exactly one of "text" and "press"'],
    ['both text and press', { session: SESSION, id: '1', text: 'hi', press: 'end' }, 'send exactly one of "text" and "press"'],
    ['numeric text', { session: SESSION, id: '1', text: 42 }, '"text" must be a string'],
    ['null text', { session: SESSION, id: '1', text: null }, '"text" must be a string'],
    ['blank text', { session: SESSION, id: '1', text: ' \n\t ' }, '"text" is empty'],
    ['an empty press', { session: SESSION, id: '1', press: '' }, '"press" must be a button value of 1 to 64 bytes'],
    ['an object press', { session: SESSION, id: '1', press: { value: 'end' } }, '"press" must be a button value of 1 to 64 bytes'],
  ])('refuses %s, saying what is wrong', (_name, body, reason) => {
    expect(parseWebChatUpdate(body)).toEqual({ kind: 'invalid', reason });
  });

  it('bounds session ids to 16-64 characters of a URL-safe alphabet', () => {
    expect(SESSION_ID.test('A'.repeat(64))).toBe(true);
    expect(SESSION_ID.test('Az09_-Az09_-Az09')).toBe(true);
    expect(SESSION_ID.test(`${SESSION}\n`)).toBe(false);
    expect(SESSION_ID.test(`${SESSION}.`)).toBe(false);
  });
});
