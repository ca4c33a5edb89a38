import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessengerAdapter, MESSENGER_WINDOW_MS } from '../../../../runtime/adapters/messenger/index.js';
import { DeliveryError, MediaDownloadError, type MediaDownload } from '../../../../runtime/adapters/types.js';
import { MemoryMediaStore } from '../../../../runtime/media/index.js';
import { FakeGraphApi } from '../../../../runtime/testing/fake-graph-api.js';
import { closedPort } from '../net-helpers.js';

const PAGE = '1122334455';
const TOKEN = 'EAAB-page-token-0123456789abcdef';
const USER = '7000000000000001';
const BOT = 'shop';
const NOW = 1_800_000_000_000;

let api: FakeGraphApi;
let adapter: MessengerAdapter;
const media = new MemoryMediaStore();

beforeAll(async () => {
  api = await FakeGraphApi.start();
  api.messenger.addPage(PAGE, TOKEN);
  adapter = new MessengerAdapter({ apiRoot: api.url, media, timeoutMs: 2000, retryDelayMs: 1234, now: () => NOW, maxDownloadBytes: 1000 });
  adapter.addBot(BOT, { pageId: PAGE, pageToken: TOKEN });
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
  expect((err as Error).message).not.toContain(TOKEN);
  return err as DeliveryError;
}

const recent = NOW - 60_000;
const stale = NOW - MESSENGER_WINDOW_MS - 1;

describe('send through the Send API', () => {
  it('text, a button template and quick replies go out as RESPONSE, and the receipt has their mids', async () => {
    const r1 = await adapter.send(BOT, USER, { text: 'hi', buttons: [], lastInboundAt: recent });
    const r2 = await adapter.send(BOT, USER, { text: 'pick', buttons: [{ text: 'A', value: 'a' }, { text: 'B', value: 'b' }], lastInboundAt: recent });
    const r3 = await adapter.send(BOT, USER, { text: 'pick', buttons: Array.from({ length: 5 }, (_, i) => ({ text: `Item ${i}`, value: `i${i}` })), lastInboundAt: recent });
    const sent = api.messenger.sent(USER);
    expect(sent.map((c) => c.messageId)).toEqual([...r1.ids, ...r2.ids, ...r3.ids]);
    expect(sent.every((c) => c.payload['messaging_type'] === 'RESPONSE' && c.pageId === PAGE)).toBe(true);
    expect((sent[1]!.payload['message'] as { attachment: { type: string } }).attachment.type).toBe('template');
    expect((sent[2]!.payload['message'] as { quick_replies: unknown[] }).quick_replies).toHaveLength(5);
  });

  it('outside the 24-hour window: not attempted without a tag, sent as MESSAGE_TAG with one', async () => {
    const refused = await failure(adapter.send(BOT, USER, { text: 'late', buttons: [], lastInboundAt: stale }));
    expect(refused.kind).toBe('permanent');
    expect(api.messenger.calls).toHaveLength(0);
    const bad = await failure(adapter.send(BOT, USER, { text: 'late', buttons: [], lastInboundAt: stale, outsideWindow: { tag: 'PROMOTION' } }));
    expect(bad.kind).toBe('permanent');
    expect(api.messenger.calls).toHaveLength(0);
    await adapter.send(BOT, USER, { text: 'your order shipped', buttons: [], lastInboundAt: stale, outsideWindow: { tag: 'POST_PURCHASE_UPDATE' } });
    expect(api.messenger.sent(USER).map((c) => [c.payload['messaging_type'], c.payload['tag']])).toEqual([['MESSAGE_TAG', 'POST_PURCHASE_UPDATE']]);
  });

  it("Graph's own window refusal (10/2018278) is permanent", async () => {
    api.messenger.windowClosed(USER);
    const err = await failure(adapter.send(BOT, USER, { text: 'hi', buttons: [] }));
    expect(err.kind).toBe('permanent');
    expect(err.message).toContain('10/2018278');
  });

  it('a stored file is uploaded (multipart) and sent by its attachment id; a link is sent with is_reusable', async () => {
    const put = await media.put([Buffer.from('%PDF-1.4 fake')], { maxBytes: 1000, name: 'a.pdf' });
    if (!put.ok) throw new Error('put failed');
    await adapter.send(BOT, USER, { text: 'your file', buttons: [], media: { type: 'document', source: { file: put.file } } });
    await adapter.send(BOT, USER, { text: '', buttons: [], media: { type: 'image', source: { url: 'https://example.com/p.png' } } });
    expect(api.messenger.uploads.map((u) => [u.type, u.bytes.toString()])).toEqual([['file', '%PDF-1.4 fake']]);
    const messages = api.messenger.sent(USER).map((c) => c.payload['message']);
    expect(messages).toEqual([
      { attachment: { type: 'file', payload: { attachment_id: api.messenger.uploads[0]!.id } } },
      { text: 'your file' },
      { attachment: { type: 'image', payload: { url: 'https://example.com/p.png', is_reusable: true } } },
    ]);
  });
});

describe('errors, classified', () => {
  const send = () => adapter.send(BOT, USER, { text: 'hi', buttons: [] });

  it('429 and the rate limits 4, 17, 32 and 613 back off; 1200, 2 and 5xx retry', async () => {
    for (const fault of [{ status: 429 }, { code: 4 }, { code: 17 }, { code: 32 }, { code: 613 }, { code: 1200 }, { code: 2 }, { status: 500, code: 1 }]) {
      api.messenger.reset();
      api.fail({ endpoint: 'messenger', ...fault });
      const err = await failure(send());
      expect([fault, err.kind]).toEqual([fault, 'retry']);
    }
    api.fail({ endpoint: 'messenger', code: 613 });
    expect((await failure(send())).retryAfterMs).toBe(1234);
  });

  it('551 (user unavailable) is blocked; 200, 10 and a wrong token are permanent and name the code', async () => {
    api.fail({ endpoint: 'messenger', code: 551 });
    expect((await failure(send())).kind).toBe('blocked');
    api.fail({ endpoint: 'messenger', code: 200 });
    const denied = await failure(send());
    expect([denied.kind, denied.message.includes('Graph error 200')]).toEqual(['permanent', true]);
    const other = new MessengerAdapter({ apiRoot: api.url });
    other.addBot(BOT, { pageId: PAGE, pageToken: 'EAAB-wrong' });
    const wrong = await failure(other.send(BOT, USER, { text: 'hi', buttons: [] }));
    expect([wrong.kind, wrong.message.includes('Graph error 190')]).toEqual(['permanent', true]);
    await other.close();
  });

  it('no answer (a refused connection, a dropped answer) retries, and names neither URL nor token', async () => {
    const nowhere = new MessengerAdapter({ apiRoot: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 1000 });
    nowhere.addBot(BOT, { pageId: PAGE, pageToken: TOKEN });
    const refused = await failure(nowhere.send(BOT, USER, { text: 'hi', buttons: [] }));
    expect(refused.kind).toBe('retry');
    expect(refused.message).not.toContain('127.0.0.1');
    await nowhere.close();
    api.fail({ endpoint: 'messenger', drop: true });
    expect((await failure(send())).kind).toBe('retry');
  });

  it('the fake refuses what the Send API refuses: 14 quick replies is a 400 with Graph error 100', async () => {
    const res = await fetch(`${api.url}/v21.0/me/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: { id: USER }, messaging_type: 'RESPONSE', message: { text: 'x', quick_replies: Array.from({ length: 14 }, (_, i) => ({ content_type: 'text', title: `${i}`, payload: `${i}` })) } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
  });
});

async function read(d: MediaDownload): Promise<Buffer> {
  if (d.kind !== 'stream') throw new Error('not a stream');
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
  return err as MediaDownloadError;
}

describe('download', () => {
  const signal = () => AbortSignal.timeout(5000);

  it('fetches the URL of the webhook without the page token', async () => {
    const url = api.messenger.addAttachment(Buffer.from('JPEG bytes'), { mime: 'image/jpeg' });
    const d = await adapter.download(BOT, { kind: 'photo', ref: url }, signal());
    expect(d).toMatchObject({ kind: 'stream', size: 10, mime: 'image/jpeg' });
    expect((await read(d)).toString()).toBe('JPEG bytes');
  });

  it('over the limit: permanent, from Content-Length or while streaming', async () => {
    const big = api.messenger.addAttachment(Buffer.alloc(1001));
    expect((await downloadFailure(adapter.download(BOT, { kind: 'photo', ref: big }, signal()))).kind).toBe('permanent');
    const chunked = api.messenger.addAttachment(Buffer.alloc(1001), { chunked: true });
    const d = await adapter.download(BOT, { kind: 'photo', ref: chunked }, signal());
    expect((await downloadFailure(read(d))).kind).toBe('permanent');
  });

  it('a gone URL is permanent; a 5xx and a dropped connection retry', async () => {
    expect((await downloadFailure(adapter.download(BOT, { kind: 'document', ref: `${api.url}/messenger-cdn/nope` }, signal()))).kind).toBe('permanent');
    const url = api.messenger.addAttachment(Buffer.from('abc'));
    api.fail({ endpoint: 'messenger-download', status: 502 });
    expect((await downloadFailure(adapter.download(BOT, { kind: 'document', ref: url }, signal()))).kind).toBe('retry');
    api.fail({ endpoint: 'messenger-download', drop: true });
    expect((await downloadFailure(adapter.download(BOT, { kind: 'document', ref: url }, signal()))).kind).toBe('retry');
  });
});
