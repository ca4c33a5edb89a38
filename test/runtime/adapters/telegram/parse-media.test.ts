import { describe, expect, it } from 'vitest';
import { MediaGroupUpdate, parseTelegramUpdate } from '../../../../runtime/adapters/telegram/index.js';

const from = { id: 77, is_bot: false, first_name: 'Ann' };
const chat = { id: 77, type: 'private', first_name: 'Ann' };
const parse = (content: Record<string, unknown>, updateId = 2) => parseTelegramUpdate({ update_id: updateId, message: { message_id: 1, date: 1, chat, from, ...content } });
const messageOf = (content: Record<string, unknown>) => {
  const r = parse(content);
  if (r.kind !== 'message') throw new Error(`expected a message, got ${r.kind}`);
  return r.message;
};

describe('parseTelegramUpdate: media', () => {
  it('takes the largest size of a photo, declared as JPEG, and its caption as the text', () => {
    const photo = [
      { file_id: 'small', file_unique_id: 's', width: 90, height: 60, file_size: 1200 },
      { file_id: 'large', file_unique_id: 'l', width: 1280, height: 853, file_size: 98_000 },
      { file_id: 'medium', file_unique_id: 'm', width: 320, height: 213, file_size: 12_000 },
    ];
    expect(messageOf({ photo, caption: 'my receipt' })).toEqual({ text: 'my receipt', user: { id: 77, first_name: 'Ann' }, files: [{ kind: 'photo', ref: 'large', mime: 'image/jpeg', size: 98_000 }] });
  });

  it('maps a document with its name, type and size', () => {
    const document = { file_id: 'doc1', file_unique_id: 'u', file_name: 'invoice.pdf', mime_type: 'application/pdf', file_size: 52_431 };
    expect(messageOf({ document }).files).toEqual([{ kind: 'document', ref: 'doc1', mime: 'application/pdf', size: 52_431, name: 'invoice.pdf' }]);
  });

  it.each([
    ['video', { file_id: 'v1', file_unique_id: 'u', width: 1, height: 1, duration: 3, mime_type: 'video/mp4', file_size: 1000, file_name: 'clip.mp4' }, { mime: 'video/mp4', size: 1000, name: 'clip.mp4' }],
    ['audio', { file_id: 'a1', file_unique_id: 'u', duration: 3, mime_type: 'audio/mpeg', file_size: 2000, file_name: 'song.mp3', title: 'Song' }, { mime: 'audio/mpeg', size: 2000, name: 'song.mp3' }],
    ['voice', { file_id: 'vo1', file_unique_id: 'u', duration: 3, mime_type: 'audio/ogg', file_size: 300 }, { mime: 'audio/ogg', size: 300 }],
  ])('maps a %s', (kind, file, declared) => {
    expect(messageOf({ [kind]: file }).files).toEqual([{ kind, ref: file.file_id, ...declared }]);
  });

  it('leaves out what Telegram does not declare', () => {
    expect(messageOf({ document: { file_id: 'd' } }).files).toEqual([{ kind: 'document', ref: 'd' }]);
  });

  it('maps a location, and a venue with its title and address', () => {
    expect(messageOf({ location: { latitude: 52.52, longitude: 13.405 } }).location).toEqual({ kind: 'location', latitude: 52.52, longitude: 13.405 });
    const venue = { location: { latitude: 48.8584, longitude: 2.2945 }, title: 'Eiffel Tower', address: 'Champ de Mars, Paris' };
    expect(messageOf({ location: venue.location, venue })).toEqual({
      user: { id: 77, first_name: 'Ann' },
      location: { kind: 'location', latitude: 48.8584, longitude: 2.2945, title: 'Eiffel Tower', address: 'Champ de Mars, Paris' },
    });
  });

  it('maps a contact, its user id as a string', () => {
    expect(messageOf({ contact: { phone_number: '+4930123', first_name: 'Bob', last_name: 'Roe', user_id: 9001 } }).contact).toEqual({
      kind: 'contact',
      phone: '+4930123',
      first_name: 'Bob',
      last_name: 'Roe',
      user_id: '9001',
    });
    expect(messageOf({ contact: { phone_number: '+1', first_name: 'Al' } }).contact).toEqual({ kind: 'contact', phone: '+1', first_name: 'Al' });
  });

  it.each([
    ['a photo without sizes', { photo: [] }],
    ['a photo size without file_id', { photo: [{ width: 1, height: 1 }] }],
    ['a document whose file_id is a number', { document: { file_id: 5 } }],
    ['a location out of range', { location: { latitude: 91, longitude: 0 } }],
    ['a location that is not a number', { location: { latitude: '1', longitude: 0 } }],
    ['a contact without a phone', { contact: { first_name: 'A' } }],
  ])('drops %s and keeps the message (answered 200, the step asks again)', (_name, content) => {
    const parsed = parse(content);
    expect(parsed.kind).toBe('message');
    const message = parsed.kind === 'message' ? parsed.message : undefined;
    expect(message?.files).toBeUndefined();
    expect(message?.location).toBeUndefined();
    expect(message?.contact).toBeUndefined();
  });

  it('refuses a caption that is not a string as invalid', () => {
    expect(parse({ document: { file_id: 'd' }, caption: 5 })).toMatchObject({ kind: 'invalid' });
  });

  it('combines the parts of an album into one message with an update id of the group', () => {
    const part = (updateId: number, fileId: string, caption?: string) => ({
      update_id: updateId,
      message: { message_id: updateId, date: 1, chat, from, media_group_id: '13579', photo: [{ file_id: fileId, width: 10, height: 10 }], ...(caption ? { caption } : {}) },
    });
    // Out of order, as parallel webhook deliveries may be: files keep the order sent.
    const r = parseTelegramUpdate(new MediaGroupUpdate([part(12, 'p2'), part(11, 'p1', 'both'), part(13, 'p3')]));
    expect(r).toEqual({
      kind: 'message',
      updateId: 'g:77:13579',
      chatId: '77',
      message: { text: 'both', user: { id: 77, first_name: 'Ann' }, files: ['p1', 'p2', 'p3'].map((ref) => ({ kind: 'photo', ref, mime: 'image/jpeg' })) },
    });
  });

  it('does not take a JSON object shaped like a combined album', () => {
    expect(parseTelegramUpdate({ parts: [] })).toMatchObject({ kind: 'invalid' });
  });
});
