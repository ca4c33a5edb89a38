/**
 * A photo's way through the Telegram adapter and a media store, on real parts: the fake Bot API over HTTP serves the
 * user's photo (getFile, then the file URL), the adapter's download streams it into the store (size limit while
 * streaming, type from the bytes), and the stored file is sent back: uploaded once, then by the file_id Telegram gave.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TelegramAdapter } from '../../runtime/adapters/telegram/index.js';
import { MemoryMediaStore } from '../../runtime/media/index.js';
import { FakeBotApi, FakeUpload, fakeUpdates } from '../../runtime/testing/fake-bot-api.js';

const TOKEN = '838383:roundTrip_Secret';
/** A JPEG's first bytes (SOI, APP0 JFIF). */
const JPEG_HEAD = Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex');

let api: FakeBotApi;
let adapter: TelegramAdapter;
let store: MemoryMediaStore;

beforeAll(async () => {
  api = await FakeBotApi.start();
  store = new MemoryMediaStore();
  adapter = new TelegramAdapter({ apiRoot: api.url, media: store });
  adapter.addBot('receipts', TOKEN);
});
afterAll(async () => {
  await adapter.close();
  await api.close();
});
beforeEach(() => api.reset());

describe('a received photo, stored and sent back', () => {
  it('downloads into the store by streaming, then uploads once and reuses the file_id', async () => {
    const bytes = Buffer.concat([JPEG_HEAD, Buffer.alloc(5 * 1024 * 1024, 0x5a)]);
    const info = api.addFile(TOKEN, bytes);
    const parsed = adapter.parseUpdate({ update_id: 1, ...fakeUpdates.photo(31, info, { caption: 'my receipt' }) }, 'receipts');
    if (parsed.kind !== 'message') throw new Error(parsed.kind);
    const [file] = parsed.message.files!;
    expect(file).toEqual({ kind: 'photo', ref: info.file_id, mime: 'image/jpeg', size: bytes.length });

    const download = await adapter.download('receipts', file!, AbortSignal.timeout(10_000));
    if (download.kind !== 'stream') throw new Error(download.kind);
    const put = await store.put(download.body, { maxBytes: 10 * 1024 * 1024, mime: ['image/*'], declaredMime: download.mime });
    if (!put.ok) throw new Error(put.detail);
    expect(put.file).toMatchObject({ mime: 'image/jpeg', size: bytes.length });

    const reply = { text: 'Your receipt', buttons: [], media: { type: 'image' as const, source: { file: put.file } } };
    await adapter.send('receipts', '31', reply);
    await adapter.send('receipts', '31', reply);
    const [upload, again] = api.mediaSent(31);
    expect((upload!.payload['photo'] as FakeUpload).bytes.equals(bytes)).toBe(true);
    expect(api.fileOf(again!.payload['photo'] as string)!.bytes.equals(bytes)).toBe(true);
  });

  it('stops a download over the input limit while it streams, and keeps nothing', async () => {
    const info = api.addFile(TOKEN, Buffer.concat([JPEG_HEAD, Buffer.alloc(3 * 1024 * 1024)]));
    const download = await adapter.download('receipts', { kind: 'photo', ref: info.file_id }, AbortSignal.timeout(10_000));
    if (download.kind !== 'stream') throw new Error(download.kind);
    const put = await store.put(download.body, { maxBytes: 1024 * 1024 });
    expect(put).toMatchObject({ ok: false, error: 'too_large' });
    expect(download.body.destroyed).toBe(true);
  });

  it('tells a lying type from the bytes: a "photo" that is text is not an image', async () => {
    const info = api.addFile(TOKEN, Buffer.from('not a picture at all'));
    const download = await adapter.download('receipts', { kind: 'document', ref: info.file_id, mime: 'image/jpeg' }, AbortSignal.timeout(10_000));
    if (download.kind !== 'stream') throw new Error(download.kind);
    const put = await store.put(download.body, { maxBytes: 1024 * 1024, mime: ['image/*'], declaredMime: download.mime });
    expect(put).toMatchObject({ ok: false, error: 'type' });
  });
});
