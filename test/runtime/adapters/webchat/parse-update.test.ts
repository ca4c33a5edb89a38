import { describe, expect, it } from 'vitest';
import { kindFor, MAX_FILES, MAX_TEXT_LENGTH, parseWebChatUpdate, SESSION_ID } from '../../../../runtime/adapters/webchat/index.js';

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
    ['null', null, 'expected a JSON object { session, id, text | press | files | location | contact }'],
    ['an array', [SESSION, '1', 'hi'], 'expected a JSON object { session, id, text | press | files | location | contact }'],
    ['a string', 'hello', 'expected a JSON object { session, id, text | press | files | location | contact }'],
    ['an unknown field', { session: SESSION, id: '1', text: 'hi', chat: 5 }, 'unknown field "chat": expected session, id, text, press, files, location or contact'],
    ['no session', { id: '1', text: 'hi' }, '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['a numeric session', { session: 1234567890123456, id: '1', text: 'hi' }, '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['a short session', { session: 'abcdefghijklmno', id: '1', text: 'hi' }, '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['a long session', { session: 'a'.repeat(65), id: '1', text: 'hi' }, '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['a session with a slash', { session: 'abcdefgh/../ijklmnop', id: '1', text: 'hi' }, '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['no id', { session: SESSION, text: 'hi' }, '"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['a numeric id', { session: SESSION, id: 7, text: 'hi' }, '"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['an empty id', { session: SESSION, id: '', text: 'hi' }, '"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['an id of 65 characters', { session: SESSION, id: 'i'.repeat(65), text: 'hi' }, '"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -'],
    ['neither text nor press', { session: SESSION, id: '1' }, 'send exactly one of "text", "press", "files" (with an optional "text" caption), "location" and "contact"'],
    ['both text and press', { session: SESSION, id: '1', text: 'hi', press: 'end' }, 'send exactly one of "text", "press", "files" (with an optional "text" caption), "location" and "contact"'],
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

  it('reads uploaded files (with a caption) and a location', () => {
    const id = 'a'.repeat(64);
    expect(parseWebChatUpdate({ session: SESSION, id: 'f1', files: [{ id, kind: 'photo' }] })).toEqual({
      kind: 'message',
      updateId: 'f1',
      chatId: SESSION,
      message: { files: [{ kind: 'photo', ref: id }] },
    });
    expect(parseWebChatUpdate({ session: SESSION, id: 'f2', text: 'my receipt', files: [{ id, kind: 'document', mime: 'application/pdf', size: 12, name: 'r.pdf' }] })).toEqual({
      kind: 'message',
      updateId: 'f2',
      chatId: SESSION,
      message: { text: 'my receipt', files: [{ kind: 'document', ref: id, mime: 'application/pdf', size: 12, name: 'r.pdf' }] },
    });
    expect(parseWebChatUpdate({ session: SESSION, id: 'l1', location: { latitude: -33.86, longitude: 151.21 } })).toEqual({
      kind: 'message',
      updateId: 'l1',
      chatId: SESSION,
      message: { location: { kind: 'location', latitude: -33.86, longitude: 151.21 } },
    });
    expect(parseWebChatUpdate({ session: SESSION, id: '1', files: Array.from({ length: MAX_FILES }, () => ({ id })) }).kind).toBe('message');
    expect(parseWebChatUpdate({ session: SESSION, id: 'c1', contact: { phone: ' +44 20 7946 0000 ', first_name: 'Ada', last_name: 'Lovelace' } })).toEqual({
      kind: 'message',
      updateId: 'c1',
      chatId: SESSION,
      message: { contact: { kind: 'contact', phone: '+44 20 7946 0000', first_name: 'Ada', last_name: 'Lovelace' } },
    });
  });

  it.each([
    ['a latitude past 90', { location: { latitude: 90.0001, longitude: 0 } }],
    ['an infinite longitude (1e999 in JSON)', { location: JSON.parse('{"latitude": 0, "longitude": 1e999}') }],
    ['a coordinate as text', { location: { latitude: '52.5', longitude: 13.4 } }],
    ['a location with more fields', { location: { latitude: 1, longitude: 2, accuracy: 5 } }],
    ['a contact name of 10 kB', { contact: { phone: '+1 555 0100', first_name: 'x'.repeat(10_240) } }],
    ['a contact phone with letters', { contact: { phone: 'call me', first_name: 'Ada' } }],
    ['a file name of 10 kB', { files: [{ id: 'a'.repeat(64), name: 'n'.repeat(10_240) }] }],
    ['a file of negative size', { files: [{ id: 'a'.repeat(64), size: -1 }] }],
    ['a file id with a path', { files: [{ id: '../../etc/passwd' }] }],
    ['eleven files', { files: Array.from({ length: 11 }, (_, i) => ({ id: `f${i}` })) }],
  ])('refuses %s as invalid', (_name, part) => {
    expect(parseWebChatUpdate({ session: SESSION, id: 'h1', ...part }).kind).toBe('invalid');
  });

  const ID = 'b'.repeat(64);
  const LOCATION_RULE = '"location" must be { latitude: -90 to 90, longitude: -180 to 180 }';
  const CONTACT_RULE = '"contact" must be { phone, first_name, last_name? }: a phone number and names of 1 to 64 characters';
  it.each([
    ['no files', { files: [] }, '"files" must be a list of 1 to 10 files'],
    ['too many files', { files: Array.from({ length: 11 }, () => ({ id: ID })) }, '"files" must be a list of 1 to 10 files'],
    ['files as an object', { files: { id: ID } }, '"files" must be a list of 1 to 10 files'],
    ['a file that is a string', { files: [ID] }, '"files[0]" must be an object { id, kind }'],
    ['a file with a url', { files: [{ id: ID, url: 'https://example.com/x.png' }] }, 'unknown field "url" in "files[0]": expected id and kind'],
    ['a file id with a slash', { files: [{ id: '../etc/passwd' }] }, '"files[0]".id must be the id of an upload (1 to 128 characters of A-Z, a-z, 0-9, _ and -)'],
    ['an unknown kind', { files: [{ id: ID, kind: 'sticker' }] }, '"files[0]".kind must be one of photo, document, video, audio, voice'],
    ['a negative size', { files: [{ id: ID, size: -1 }] }, '"files[0]".size must be a whole number of bytes'],
    ['files and a press', { files: [{ id: ID }], press: 'x' }, 'send exactly one of "text", "press", "files" (with an optional "text" caption), "location" and "contact"'],
    ['a location and a text', { location: { latitude: 1, longitude: 2 }, text: 'here' }, 'send exactly one of "text", "press", "files" (with an optional "text" caption), "location" and "contact"'],
    ['a latitude over 90', { location: { latitude: 90.5, longitude: 0 } }, LOCATION_RULE],
    ['a longitude under -180', { location: { latitude: 0, longitude: -181 } }, LOCATION_RULE],
    ['a string latitude', { location: { latitude: '1', longitude: 0 } }, LOCATION_RULE],
    ['a NaN-like latitude', { location: { latitude: null, longitude: 0 } }, LOCATION_RULE],
    ['a location with a title', { location: { latitude: 0, longitude: 0, title: 'home' } }, LOCATION_RULE],
    ['a contact without a phone', { contact: { first_name: 'Ann' } }, CONTACT_RULE],
    ['a contact with letters for a phone', { contact: { phone: 'call me', first_name: 'Ann' } }, CONTACT_RULE],
    ['a contact with a blank name', { contact: { phone: '+1 555 0100', first_name: ' ' } }, CONTACT_RULE],
    ['a contact with a user id', { contact: { phone: '+1 555 0100', first_name: 'Ann', user_id: '7' } }, CONTACT_RULE],
    ['a contact and a location', { contact: { phone: '+1 555 0100', first_name: 'Ann' }, location: { latitude: 0, longitude: 0 } }, 'send exactly one of "text", "press", "files" (with an optional "text" caption), "location" and "contact"'],
  ])('refuses %s', (_name, fields, reason) => {
    expect(parseWebChatUpdate({ session: SESSION, id: '1', ...fields })).toEqual({ kind: 'invalid', reason });
  });
});

describe('kindFor', () => {
  it('keeps a given kind only when the type fits it, else picks the first of the step that fits, else the type own kind', () => {
    expect(kindFor('image/png', 'photo')).toBe('photo');
    expect(kindFor('image/png', 'document')).toBe('document');
    expect(kindFor('application/pdf', 'photo')).toEqual({ refused: 'a file of type application/pdf is not a photo' });
    expect(kindFor('audio/ogg', 'voice')).toBe('voice');
    expect(kindFor('image/jpeg', undefined, ['document', 'photo'])).toBe('document');
    expect(kindFor('image/jpeg', undefined, ['video'])).toBe('photo');
    expect(kindFor('video/mp4', undefined)).toBe('video');
    expect(kindFor('application/zip', undefined, ['photo'])).toBe('document');
  });
});

