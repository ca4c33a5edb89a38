import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TelegramAdapter } from '../../../../runtime/adapters/telegram/index.js';
import { DeliveryError } from '../../../../runtime/adapters/types.js';
import type { StoredFile } from '../../../../runtime/engine/index.js';
import { MemoryMediaStore } from '../../../../runtime/media/index.js';
import { FakeBotApi, FakeUpload } from '../../../../runtime/testing/fake-bot-api.js';

const SECRET = 'AAH-media_Secret42';
const TOKEN = `626262:${SECRET}`;
const MB = 1024 * 1024;
/** The first bytes of a PNG, so the store reads the type from them. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const buttons = [{ text: 'Yes', value: 'yes' }];
const keyboard = { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] };

async function stored(store: MemoryMediaStore, bytes: Buffer, name: string): Promise<StoredFile> {
  const r = await store.put([bytes], { maxBytes: 100 * MB, name });
  if (!r.ok) throw new Error(r.detail);
  return r.file;
}

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  expect(`${(err as Error).message} ${(err as Error).stack} ${String((err as Error).cause)}`).not.toContain(SECRET);
  return err as DeliveryError;
}

describe.each(['direct', 'telegraf'] as const)('TelegramAdapter.send with media (%s sender)', (sender) => {
  let api: FakeBotApi;
  let adapter: TelegramAdapter;
  let store: MemoryMediaStore;

  beforeAll(async () => {
    api = await FakeBotApi.start();
    store = new MemoryMediaStore();
    adapter = new TelegramAdapter({ sender, apiRoot: api.url, timeoutMs: 2000, media: store });
    adapter.addBot('b1', TOKEN);
  });
  afterAll(async () => {
    await adapter.close();
    await api.close();
  });
  beforeEach(() => api.reset());

  it('sends a file by URL with its caption and the buttons on it', async () => {
    await adapter.send('b1', '100', { text: 'Our menu', buttons, media: { type: 'image', source: { url: 'https://example.org/menu.jpg' } } });
    const [call] = api.mediaSent(100);
    expect(call).toMatchObject({ method: 'sendPhoto', payload: { chat_id: '100', photo: 'https://example.org/menu.jpg', caption: 'Our menu', reply_markup: keyboard } });
    expect(api.count('sendMessage')).toBe(0);
  });

  it.each([
    ['video', 'sendVideo', 'video'],
    ['audio', 'sendAudio', 'audio'],
    ['document', 'sendDocument', 'document'],
  ] as const)('sends a %s by URL with %s', async (type, method, field) => {
    await adapter.send('b1', '100', { text: '', buttons: [], media: { type, source: { url: 'https://example.org/f' } } });
    const [call] = api.mediaSent(100);
    expect(call!.method).toBe(method);
    expect(call!.payload).toEqual({ chat_id: '100', [field]: 'https://example.org/f' });
  });

  it('uploads a stored file once as multipart, then sends the file_id Telegram gave it', async () => {
    const bytes = Buffer.concat([PNG, Buffer.alloc(300_000, 3)]);
    const file = await stored(store, bytes, 'chart.png');
    const message = { text: 'Chart', buttons, media: { type: 'image' as const, source: { file } } };
    await adapter.send('b1', '-100777:t5', message);
    const [upload] = api.mediaSent(-100777);
    // As Telegram reads the form: the file under its field with name and type, the other fields as text.
    expect(upload!.method).toBe('sendPhoto');
    expect(upload!.payload).toMatchObject({ chat_id: '-100777', message_thread_id: '5', caption: 'Chart', reply_markup: keyboard });
    const part = upload!.payload['photo'] as FakeUpload;
    expect(part).toBeInstanceOf(FakeUpload);
    expect([part.filename, part.contentType, part.size]).toEqual(['chart.png', 'image/png', bytes.length]);
    expect(part.bytes.equals(bytes)).toBe(true);

    await adapter.send('b1', '-100777:t5', message);
    const [, again] = api.mediaSent(-100777);
    const fileId = again!.payload['photo'];
    expect(typeof fileId).toBe('string');
    expect(api.fileOf(fileId as string)!.bytes.equals(bytes)).toBe(true);
  });

  it('uploads again when Telegram no longer knows the cached file_id', async () => {
    const file = await stored(store, Buffer.concat([PNG, Buffer.from('forgotten')]), 'f.png');
    const message = { text: '', buttons: [], media: { type: 'document' as const, source: { file } } };
    await adapter.send('b1', '101', message);
    api.reset(); // Telegram forgets every file
    await adapter.send('b1', '101', message);
    expect(api.calls.map((c) => [c.method, c.status, typeof c.payload['document']])).toEqual([
      ['sendDocument', 400, 'string'],
      ['sendDocument', 200, 'object'],
    ]);
    await adapter.send('b1', '101', message);
    expect(api.calls[2]).toMatchObject({ method: 'sendDocument', status: 200, payload: { document: expect.any(String) } });
  });

  it('sends a caption over 1024 characters as a text first, then the file without caption and with the buttons', async () => {
    const caption = 'word '.repeat(300).trim();
    await adapter.send('b1', '102', { text: caption, buttons, media: { type: 'image', source: { url: 'https://example.org/p.jpg' } } });
    expect(api.calls.map((c) => c.method)).toEqual(['sendMessage', 'sendPhoto']);
    expect(api.texts(102)).toEqual([caption]);
    expect(api.sent(102)[0]!.payload['reply_markup']).toBeUndefined();
    expect(api.mediaSent(102)[0]!.payload).toEqual({ chat_id: '102', photo: 'https://example.org/p.jpg', reply_markup: keyboard });
  });

  it('sends a photo over 10 MB as a document', async () => {
    const file = await stored(store, Buffer.concat([PNG, Buffer.alloc(10 * MB, 1)]), 'big.png');
    await adapter.send('b1', '103', { text: '', buttons: [], media: { type: 'image', source: { file } } });
    expect(api.mediaSent(103).map((c) => c.method)).toEqual(['sendDocument']);
  });

  it('refuses a file over 50 MB permanently, without a call', async () => {
    const file: StoredFile = { id: 'x', sha256: 'x', mime: 'video/mp4', name: 'long.mp4', size: 51 * MB };
    const err = await failure(adapter.send('b1', '104', { text: '', buttons: [], media: { type: 'video', source: { file } } }));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/50 MB/);
    expect(api.count()).toBe(0);
  });

  it('sends a location, a venue and a contact, a text before a card', async () => {
    await adapter.send('b1', '105', { text: '', buttons, media: { kind: 'location', latitude: 52.5, longitude: 13.4 } });
    await adapter.send('b1', '105', { text: 'We are here', buttons: [], media: { kind: 'location', latitude: 48.85, longitude: 2.29, title: 'Office' } });
    await adapter.send('b1', '105', { text: '', buttons: [], media: { kind: 'contact', phone: '+4930123', first_name: 'Desk', last_name: 'Team' } });
    expect(api.calls.map((c) => [c.method, c.status])).toEqual([
      ['sendLocation', 200],
      ['sendMessage', 200],
      ['sendVenue', 200],
      ['sendContact', 200],
    ]);
    expect(api.calls[0]!.payload).toEqual({ chat_id: '105', latitude: 52.5, longitude: 13.4, reply_markup: keyboard });
    expect(api.calls[2]!.payload).toMatchObject({ title: 'Office', address: 'Office' });
    expect(api.calls[3]!.payload).toEqual({ chat_id: '105', phone_number: '+4930123', first_name: 'Desk', last_name: 'Team' });
  });

  it('classifies a refused media call like a text', async () => {
    api.fail({ method: 'sendPhoto', status: 403 });
    expect((await failure(adapter.send('b1', '106', { text: '', buttons: [], media: { type: 'image', source: { url: 'https://example.org/a.jpg' } } }))).kind).toBe('blocked');
    api.fail({ method: 'sendPhoto', status: 502 });
    const file = await stored(store, Buffer.concat([PNG, Buffer.from('retry me')]), 'r.png');
    expect((await failure(adapter.send('b1', '106', { text: '', buttons: [], media: { type: 'image', source: { file } } }))).kind).toBe('retry');
  });
});

describe('TelegramAdapter.send without a media store', () => {
  it('refuses a stored file permanently, and still sends by URL', async () => {
    const api = await FakeBotApi.start();
    const adapter = new TelegramAdapter({ apiRoot: api.url });
    adapter.addBot('b1', TOKEN);
    try {
      const file: StoredFile = { id: 'x', sha256: 'x', mime: 'image/png', name: 'a.png', size: 10 };
      const err = await failure(adapter.send('b1', '1', { text: '', buttons: [], media: { type: 'image', source: { file } } }));
      expect(err.kind).toBe('permanent');
      await adapter.send('b1', '1', { text: '', buttons: [], media: { type: 'image', source: { url: 'https://example.org/a.jpg' } } });
      expect(api.mediaSent(1)).toHaveLength(1);
    } finally {
      await adapter.close();
      await api.close();
    }
  });
});
