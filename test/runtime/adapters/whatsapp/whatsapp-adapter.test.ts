import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, MediaDownloadError, type MediaDownload } from '../../../../runtime/adapters/types.js';
import { WhatsAppAdapter, WHATSAPP_MEDIA_LIMITS, withinServiceWindow, windowClosedError, SERVICE_WINDOW_MS } from '../../../../runtime/adapters/whatsapp/index.js';
import { MemoryMediaStore } from '../../../../runtime/media/index.js';
import { FakeGraphApi } from '../../../../runtime/testing/fake-graph-api.js';
import { closedPort } from '../net-helpers.js';

const PHONE = '1098765';
const TOKEN = 'EAAG-secret-access-token-0123456789';
const USER = '4915100000001';
const BOT = 'shop';

let api: FakeGraphApi;
let adapter: WhatsAppAdapter;
const media = new MemoryMediaStore();

beforeAll(async () => {
  api = await FakeGraphApi.start();
  api.addNumber(PHONE, TOKEN);
  adapter = new WhatsAppAdapter({ apiRoot: api.url, media, timeoutMs: 2000, retryDelayMs: 1234 });
  adapter.addBot(BOT, { phoneNumberId: PHONE, accessToken: TOKEN });
});
afterAll(async () => {
  await adapter.close();
  await api.close();
});
afterEach(() => api.reset());

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  const d = err as DeliveryError;
  expect(`${d.message} ${String((d.cause as Error | undefined)?.message)} ${JSON.stringify(d)}`).not.toContain(TOKEN);
  return d;
}

describe('send through the Graph API', () => {
  it('text, buttons, list and menu arrive in order, as Graph accepts them', async () => {
    await adapter.send(BOT, USER, { text: 'hi', buttons: [] });
    await adapter.send(BOT, USER, { text: 'pick', buttons: [{ text: 'A', value: 'a' }, { text: 'B', value: 'b' }] });
    await adapter.send(BOT, USER, { text: 'pick', buttons: Array.from({ length: 5 }, (_, i) => ({ text: `Row ${i}`, value: `r${i}` })) });
    await adapter.send(BOT, USER, { text: 'pick', buttons: Array.from({ length: 11 }, (_, i) => ({ text: `Item ${i}`, value: `i${i}` })) });
    const sent = api.sent(USER);
    expect(sent.map((c) => [c.payload.type, (c.payload.interactive as { type?: string } | undefined)?.type])).toEqual([
      ['text', undefined],
      ['interactive', 'button'],
      ['interactive', 'list'],
      ['text', undefined],
    ]);
    expect(sent.every((c) => c.payload.messaging_product === 'whatsapp' && c.payload.to === USER)).toBe(true);
  });

  it('a stored file is uploaded (multipart) and sent by its media id; a link is sent as a link', async () => {
    const put = await media.put([Buffer.from('%PDF-1.4 fake')], { maxBytes: 1000, name: 'a.pdf' });
    if (!put.ok) throw new Error('put failed');
    await adapter.send(BOT, USER, { text: 'your file', buttons: [], media: { type: 'document', source: { file: put.file } } });
    await adapter.send(BOT, USER, { text: '', buttons: [], media: { type: 'image', source: { url: 'https://example.com/p.png' } } });
    expect(api.uploads).toHaveLength(1);
    expect(api.uploads[0]!.bytes.toString()).toBe('%PDF-1.4 fake');
    const [doc, image] = api.sent(USER);
    expect(doc!.payload.document).toEqual({ id: api.uploads[0]!.id, caption: 'your file' });
    expect(image!.payload.image).toEqual({ link: 'https://example.com/p.png' });
  });

  it('a failed upload retries when throttled; a file over the limit of its kind or without a media store is permanent', async () => {
    const put = await media.put([Buffer.from('GIF89a fake')], { maxBytes: 1000, name: 'a.gif' });
    if (!put.ok) throw new Error('put failed');
    const message = { text: '', buttons: [], media: { type: 'image', source: { file: put.file } } } as const;
    api.fail({ endpoint: 'upload', status: 429 });
    expect((await failure(adapter.send(BOT, USER, message))).kind).toBe('retry');
    const huge = { text: '', buttons: [], media: { type: 'image', source: { file: { ...put.file, size: WHATSAPP_MEDIA_LIMITS.image + 1 } } } } as const;
    expect((await failure(adapter.send(BOT, USER, huge))).kind).toBe('permanent');
    const storeless = new WhatsAppAdapter({ apiRoot: api.url });
    storeless.addBot(BOT, { phoneNumberId: PHONE, accessToken: TOKEN });
    expect((await failure(storeless.send(BOT, USER, message))).kind).toBe('permanent');
    await storeless.close();
    expect(api.sent(USER)).toEqual([]);
  });

  it('the fake refuses what Graph refuses: a button title over 20 characters is a 400 with Graph error 100', async () => {
    const res = await fetch(`${api.url}/v21.0/${PHONE}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: USER, type: 'interactive', interactive: { type: 'button', body: { text: 'x' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] } } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
  });

  it.each([4, 80007, 130429, 131048, 131056, 133016])('throttling code %i: retry with a wait', async (code) => {
    api.fail({ code });
    const err = await failure(adapter.send(BOT, USER, { text: 'x', buttons: [] }));
    expect(err.kind).toBe('retry');
    expect(err.retryAfterMs).toBe(code === 131056 ? 6000 : 1234);
    expect(err.message).toContain(String(code));
  });

  it('HTTP 429, 131053 and 5xx retry; a network error retries', async () => {
    api.fail({ status: 429 });
    expect((await failure(adapter.send(BOT, USER, { text: 'x', buttons: [] }))).kind).toBe('retry');
    api.fail({ code: 131053 });
    expect((await failure(adapter.send(BOT, USER, { text: 'x', buttons: [] }))).kind).toBe('retry');
    api.fail({ status: 503, code: 2 });
    expect((await failure(adapter.send(BOT, USER, { text: 'x', buttons: [] }))).kind).toBe('retry');
    const dead = new WhatsAppAdapter({ apiRoot: `http://127.0.0.1:${await closedPort()}` });
    dead.addBot(BOT, { phoneNumberId: PHONE, accessToken: TOKEN });
    expect((await failure(dead.send(BOT, USER, { text: 'x', buttons: [] }))).kind).toBe('retry');
    await dead.close();
  });

  it('131047 (window closed), 131026 and other refusals are permanent and name the code', async () => {
    for (const code of [131047, 131026, 100]) {
      api.fail({ code });
      const err = await failure(adapter.send(BOT, USER, { text: 'x', buttons: [] }));
      expect([code, err.kind]).toEqual([code, 'permanent']);
      expect(err.message).toContain(`Graph error ${code}`);
    }
  });

  it('a wrong token is permanent and not echoed', async () => {
    const other = new WhatsAppAdapter({ apiRoot: api.url });
    other.addBot(BOT, { phoneNumberId: PHONE, accessToken: 'wrong-token-value' });
    const err = await failure(other.send(BOT, USER, { text: 'x', buttons: [] }));
    expect(err.kind).toBe('permanent');
    expect(err.message).not.toContain('wrong-token-value');
    await other.close();
  });

  it('a slow answer past the timeout and a dropped answer retry', async () => {
    const slow = new WhatsAppAdapter({ apiRoot: api.url, timeoutMs: 100 });
    slow.addBot(BOT, { phoneNumberId: PHONE, accessToken: TOKEN });
    api.fail({ delayMs: 400 });
    expect((await failure(slow.send(BOT, USER, { text: 'x', buttons: [] }))).kind).toBe('retry');
    api.fail({ drop: true });
    expect((await failure(adapter.send(BOT, USER, { text: 'y', buttons: [] }))).kind).toBe('retry');
    await slow.close();
  });

  it('an unknown bot is a retry (another process may hold it)', async () => {
    expect((await failure(adapter.send('nope', USER, { text: 'x', buttons: [] }))).kind).toBe('retry');
  });
});

describe('the 24-hour customer-service window', () => {
  const now = 1_700_000_000_000;
  it('is open for 24 hours after the last user message', () => {
    expect(withinServiceWindow(now - SERVICE_WINDOW_MS + 1, now)).toBe(true);
    expect(withinServiceWindow(now - SERVICE_WINDOW_MS, now)).toBe(false);
    expect(withinServiceWindow(undefined, now)).toBe(false);
  });
  it('a send outside it is a permanent DeliveryError naming 131047', () => {
    const err = windowClosedError(now - 2 * SERVICE_WINDOW_MS);
    expect(err.kind).toBe('permanent');
    expect(err.message).toContain('131047');
  });
});

async function read(d: MediaDownload): Promise<Buffer> {
  if (d.kind !== 'stream') throw new Error('expected a stream');
  const chunks: Buffer[] = [];
  for await (const c of d.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function downloadFailure(p: Promise<unknown>): Promise<MediaDownloadError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MediaDownloadError);
  expect(String((err as Error).message)).not.toMatch(/media-bytes|EAAG/);
  return err as MediaDownloadError;
}

describe('download', () => {
  const signal = () => AbortSignal.timeout(5000);

  it('looks the media id up, then streams the bytes with the bearer', async () => {
    const bytes = Buffer.alloc(300_000, 7);
    const id = api.addMedia(TOKEN, bytes, { mime: 'image/jpeg' });
    const d = await adapter.download(BOT, { kind: 'photo', ref: id }, signal());
    expect(d).toMatchObject({ kind: 'stream', size: bytes.length, mime: 'image/jpeg' });
    expect((await read(d)).equals(bytes)).toBe(true);
  });

  it('over the limit of its kind: permanent, from the declared size or while streaming', async () => {
    const declared = api.addMedia(TOKEN, Buffer.alloc(10), { declaredSize: WHATSAPP_MEDIA_LIMITS.image + 1 });
    expect((await downloadFailure(adapter.download(BOT, { kind: 'photo', ref: declared }, signal()))).kind).toBe('permanent');
    const chunked = api.addMedia(TOKEN, Buffer.alloc(WHATSAPP_MEDIA_LIMITS.image + 10), { declaredSize: 10, chunked: true });
    const d = await adapter.download(BOT, { kind: 'photo', ref: chunked }, signal());
    const err = await downloadFailure(read(d));
    expect(err.kind).toBe('permanent');
  });

  it('an unknown media id is permanent; a 5xx and a dropped connection retry', async () => {
    expect((await downloadFailure(adapter.download(BOT, { kind: 'document', ref: '999' }, signal()))).kind).toBe('permanent');
    const id = api.addMedia(TOKEN, Buffer.from('abc'));
    api.fail({ endpoint: 'media', status: 500 });
    expect((await downloadFailure(adapter.download(BOT, { kind: 'document', ref: id }, signal()))).kind).toBe('retry');
    api.fail({ endpoint: 'download', status: 502 });
    expect((await downloadFailure(adapter.download(BOT, { kind: 'document', ref: id }, signal()))).kind).toBe('retry');
    api.fail({ endpoint: 'download', drop: true });
    expect((await downloadFailure(adapter.download(BOT, { kind: 'document', ref: id }, signal()))).kind).toBe('retry');
  });

  it('media of another token cannot be read', async () => {
    const id = api.addMedia('another-token', Buffer.from('abc'));
    expect((await downloadFailure(adapter.download(BOT, { kind: 'document', ref: id }, signal()))).kind).toBe('permanent');
  });
});
