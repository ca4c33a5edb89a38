import { request } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mediaFixture, MEDIA_ADMIN_TOKEN, png, PHOTO_MAX_BYTES, type MediaFixture } from './webchat-media-fixture.js';
import { SseClient } from './sse-client.js';
import { captureLogger } from '../../support/capture-logger.js';

let f: MediaFixture;
beforeAll(async () => {
  f = await mediaFixture();
});
afterAll(async () => {
  await f.close();
});

let sessions = 0;
const newSession = (label: string): string => `${label}_${++sessions}_${'0'.repeat(16)}`.slice(0, 64);
const codeOf = async (r: Response) => [r.status, ((await r.json()) as { error?: { code: string } }).error?.code];

/** A session whose dialog waits in the photo step. */
async function atPhotoStep(label: string): Promise<string> {
  const s = newSession(label);
  expect((await f.post('receipt', { session: s, text: '/start' })).status).toBe(200);
  expect((await f.store.getDialog(f.key('receipt', s)))?.step).toBe('ask_photo');
  return s;
}

/** Sends a raw HTTP upload with node:http (fetch cannot send a Content-Length it does not keep). */
function rawUpload(path: string, headers: Record<string, string | number>, body?: Readable): Promise<{ status?: number; error?: string }> {
  const { hostname, port } = new URL(f.url);
  return new Promise((resolve) => {
    const req = request({ hostname, port, path, method: 'POST', headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode });
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    if (body) body.pipe(req);
    else req.flushHeaders();
  });
}

describe('POST /chat/api/bots/:botId/sessions/:session/uploads', () => {
  it('stores an image of the step and answers the stored file', async () => {
    const s = await atPhotoStep('upload');
    const bytes = png(100);
    const r = await f.upload('receipt', s, bytes, { 'x-file-name': encodeURIComponent('reçu 1.png') });
    expect(r.status).toBe(201);
    const body = (await r.json()) as { id: string; name: string; mime: string; size: number };
    expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{64}$/), name: 'reçu 1.png', mime: 'image/png', size: bytes.length });
    expect(await f.media.stat(body.id)).toMatchObject({ mime: 'image/png', size: bytes.length });
  });

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['<img src=x onerror=alert(1)>.png', '_img src_x onerror_alert(1)_.png'],
    ['a\r\nSet-Cookie: x=1.png', 'a__Set-Cookie_ x_1.png'],
    ['..', 'file.png'],
  ])('stores the file named %j under a clean name (%j)', async (declared, stored) => {
    const s = await atPhotoStep('hostile-name');
    const r = await f.upload('receipt', s, png(8, declared.length), { 'x-file-name': encodeURIComponent(declared) });
    expect([r.status, ((await r.json()) as { name: string }).name]).toEqual([201, stored]);
  });

  it('refuses a Content-Length over the step limit with 413 before reading the body', async () => {
    const s = await atPhotoStep('length');
    const puts = f.media.puts.length;
    // The headers promise more than the limit and no body follows: only an answer given before reading can come back.
    const answer = await rawUpload(`/chat/api/bots/receipt/sessions/${s}/uploads`, { 'content-type': 'image/png', 'content-length': PHOTO_MAX_BYTES + 1 });
    expect(answer).toEqual({ status: 413 });
    expect(f.media.puts.length).toBe(puts);
  });

  it('stops reading a body that streams past the limit, keeps nothing and closes the connection', async () => {
    const s = await atPhotoStep('stream');
    const puts = f.media.puts.length;
    const chunk = Buffer.concat([png(0), Buffer.alloc(64 * 1024 - png(0).length)]);
    let sent = 0;
    const total = 256 * 1024 * 1024;
    const body = new Readable({
      read() {
        if (sent >= total) return void this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
    const answer = await rawUpload(`/chat/api/bots/receipt/sessions/${s}/uploads`, { 'content-type': 'image/png', 'transfer-encoding': 'chunked' }, body);
    body.destroy();
    // Either the 413 came back first, or the connection was cut while the client still wrote.
    expect(answer.status === 413 || answer.error !== undefined).toBe(true);
    expect(f.media.puts.slice(puts)).toEqual([{ ok: false, error: 'too_large', detail: `the file is larger than ${PHOTO_MAX_BYTES} bytes` }]);
    // What the client could push is bounded by socket buffers, far below the body it offered.
    expect(sent).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a type the step does not take: declared (before reading) or read from the bytes', async () => {
    const s = await atPhotoStep('types');
    expect(await codeOf(await f.upload('receipt', s, Buffer.from('%PDF-1.4\n'), { 'content-type': 'application/pdf' }))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const puts = f.media.puts.length;
    // A PDF that says it is a PNG: the bytes decide.
    const lying = Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), Buffer.alloc(5000, 0x20)]);
    expect(await codeOf(await f.upload('receipt', s, lying, { 'content-type': 'image/png' }))).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(f.media.puts.slice(puts)).toEqual([{ ok: false, error: 'type', detail: 'the file is application/pdf, and only image/png, image/jpeg is accepted' }]);
  });

  it('takes uploads only from a session whose step waits for a file', async () => {
    expect(await codeOf(await f.upload('receipt', newSession('nobody'), png()))).toEqual([409, 'BAD_REQUEST']);
    const placed = newSession('place');
    await f.post('place', { session: placed, text: '/start' });
    expect(await codeOf(await f.upload('place', placed, png()))).toEqual([409, 'BAD_REQUEST']);
    expect(await codeOf(await f.upload('receipt', 'short', png()))).toEqual([400, 'BAD_REQUEST']);
    expect(await codeOf(await f.upload('nobot', newSession('nobot'), png()))).toEqual([404, 'NOT_FOUND']);
  });

  it('counts uploads with the messages against the rate limit of an address', async () => {
    const limited = await mediaFixture({ ratePerMinute: 3 });
    try {
      const s = newSession('rate');
      expect((await limited.post('receipt', { session: s, text: '/start' })).status).toBe(200);
      expect((await limited.upload('receipt', s, png(1))).status).toBe(201);
      expect((await limited.upload('receipt', s, png(2))).status).toBe(201);
      const refused = await limited.upload('receipt', s, png(3));
      expect([await codeOf(refused), refused.headers.get('retry-after') !== null]).toEqual([[429, 'TOO_MANY_REQUESTS'], true]);
      expect((await limited.post('receipt', { session: s, text: 'hello' })).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('takes an upload the client breaks off as a client error: nothing kept, nothing logged as a server failure', async () => {
    const { logger, lines } = captureLogger();
    const g = await mediaFixture({ logger });
    try {
      const s = newSession('abort');
      await g.post('receipt', { session: s, text: '/start' });
      const { hostname, port } = new URL(g.url);
      const settled = new Promise<void>((resolve) => {
        const req = request({ hostname, port, path: `/chat/api/bots/receipt/sessions/${s}/uploads`, method: 'POST', headers: { 'content-type': 'image/png', 'transfer-encoding': 'chunked' } });
        req.on('error', () => resolve());
        req.write(png(0), () => setImmediate(() => req.destroy()));
      });
      await settled;
      await expect.poll(() => lines.filter((l) => l['msg'] === 'request refused' || l['msg'] === 'request failed').map((l) => [l['msg'], l['status']])).toEqual([['request refused', 400]]);
      expect(g.media.puts).toEqual([]);
      expect((await g.upload('receipt', s, png(4))).status).toBe(201);
    } finally {
      await g.close();
    }
  });

  it('holds WEBCHAT_MAX_UPLOAD_BYTES below a larger step limit', async () => {
    const small = await mediaFixture({ maxUploadBytes: 1000 });
    try {
      const s = newSession('small');
      await small.post('receipt', { session: s, text: '/start' });
      expect((await small.upload('receipt', s, png(2000))).status).toBe(413);
      expect((await small.upload('receipt', s, png(10))).status).toBe(201);
    } finally {
      await small.close();
    }
  });
});

describe('POST /chat/api/bots/:botId/messages with files or a location', () => {
  it('passes the stored file (kind, type and size from the store, the name its upload answered) to the dialog', async () => {
    const s = await atPhotoStep('message');
    const bytes = png(50, 1);
    const up = (await (await f.upload('receipt', s, bytes, { 'x-file-name': 'r.png' })).json()) as { id: string; name: string };
    const parse = vi.spyOn(f.adapter, 'parseUpdate');
    try {
      // The page's claims of type and size are replaced by the store's; the kind comes from the type and the step.
      const r = await f.post('receipt', { session: s, files: [{ id: up.id, name: up.name, mime: 'text/plain', size: 1 }] });
      expect(r.status).toBe(200);
      expect(parse.mock.results.map((x) => x.value)).toEqual([
        { kind: 'message', updateId: expect.any(String), chatId: s, message: { files: [{ kind: 'photo', ref: up.id, mime: 'image/png', size: bytes.length, name: 'r.png' }] } },
      ]);
    } finally {
      parse.mockRestore();
    }
  });

  it("names a file as this session uploaded it, never with the name another session's upload of the same bytes has", async () => {
    const bytes = png(70, 9);
    const first = await atPhotoStep('first-name');
    expect((await f.upload('receipt', first, bytes, { 'x-file-name': 'alice-passport.png' })).status).toBe(201);
    const s = await atPhotoStep('second-name');
    const up = (await (await f.upload('receipt', s, bytes, { 'x-file-name': 'mine.png' })).json()) as { id: string; name: string };
    expect(up.name).toBe('mine.png');
    const parse = vi.spyOn(f.adapter, 'parseUpdate');
    try {
      expect((await f.post('receipt', { session: s, files: [{ id: up.id, name: up.name }] })).status).toBe(200);
      const other = await atPhotoStep('no-name');
      expect((await f.post('receipt', { session: other, files: [{ id: up.id }] })).status).toBe(200);
      const names = parse.mock.results.map((x) => (x.value as { message: { files?: { name?: string }[] } }).message.files?.[0]?.name).filter(Boolean);
      expect(names).toEqual(['mine.png', 'file.png']);
    } finally {
      parse.mockRestore();
    }
  });

  it('refuses a file that is no upload, and a kind the type does not fit', async () => {
    const s = await atPhotoStep('refuse');
    expect(await codeOf(await f.post('receipt', { session: s, files: [{ id: 'e'.repeat(64) }] }))).toEqual([400, 'BAD_REQUEST']);
    const up = (await (await f.upload('receipt', s, png(60, 2))).json()) as { id: string };
    const r = await f.post('receipt', { session: s, files: [{ id: up.id, kind: 'video' }] });
    expect([r.status, ((await r.json()) as { error: { message: string } }).error.message]).toEqual([400, '"files[0]": a file of type image/png is not a video']);
  });

  it('tells the page what the step expects in its state events', async () => {
    const s = await atPhotoStep('expects');
    const events = await SseClient.open(`${f.url}/chat/api/bots/receipt/sessions/${s}/events`);
    try {
      const state = await events.waitFor((e) => e.event === 'state');
      expect(state.data).toEqual({
        rev: 1,
        step: 'ask_photo',
        status: 'active',
        expects: { files: { kinds: ['photo'], maxBytes: PHOTO_MAX_BYTES, accept: ['image/png', 'image/jpeg'], minCount: 1, maxCount: 1 }, location: false, contact: false },
      });
    } finally {
      await events.close();
    }
    const p = newSession('expects-place');
    await f.post('place', { session: p, text: '/start' });
    const placeEvents = await SseClient.open(`${f.url}/chat/api/bots/place/sessions/${p}/events`);
    try {
      expect((await placeEvents.waitFor((e) => e.event === 'state')).data).toMatchObject({ step: 'ask_place', expects: { location: true, contact: false } });
    } finally {
      await placeEvents.close();
    }
  });
});

describe('GET /chat/api/bots/:botId/sessions/:session/media/:id', () => {
  it('serves a file to the session whose history references it, and to no other', async () => {
    const s = await atPhotoStep('serve');
    const bytes = png(30, 3);
    const up = (await (await f.upload('receipt', s, bytes, { 'x-file-name': encodeURIComponent('reçu.png') })).json()) as { id: string };
    const path = (session: string, id = up.id) => `${f.url}/chat/api/bots/receipt/sessions/${session}/media/${id}`;
    // Uploaded but not yet in the conversation: not served.
    expect((await fetch(path(s))).status).toBe(404);
    const file = (await f.media.stat(up.id))!;
    await f.addHistory(f.key('receipt', s), [{ direction: 'in', step: 'ask_photo', media: [{ kind: 'photo', file }] }]);

    const r = await fetch(path(s));
    expect(r.status).toBe(200);
    expect(Buffer.from(await r.arrayBuffer())).toEqual(bytes);
    expect(Object.fromEntries(['content-type', 'x-content-type-options', 'content-security-policy', 'content-disposition'].map((h) => [h, r.headers.get(h)]))).toEqual({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      'content-disposition': `inline; filename="re_u.png"; filename*=UTF-8''re%C3%A7u.png`,
    });

    // Ranges, as players ask for them.
    const part = async (range: string) => {
      const res = await fetch(path(s), { headers: { range } });
      return [res.status, res.headers.get('content-range'), res.status === 206 ? [...Buffer.from(await res.arrayBuffer())] : undefined];
    };
    expect(await part('bytes=2-5')).toEqual([206, `bytes 2-5/${bytes.length}`, [...bytes.subarray(2, 6)]]);
    expect(await part('bytes=-3')).toEqual([206, `bytes ${bytes.length - 3}-${bytes.length - 1}/${bytes.length}`, [...bytes.subarray(-3)]]);
    expect(await part(`bytes=${bytes.length - 1}-`)).toEqual([206, `bytes ${bytes.length - 1}-${bytes.length - 1}/${bytes.length}`, [bytes.at(-1)]]);
    expect(await part(`bytes=${bytes.length}-`)).toEqual([416, `bytes */${bytes.length}`, undefined]);

    const other = await atPhotoStep('other');
    expect(await codeOf(await fetch(path(other)))).toEqual([404, 'NOT_FOUND']);
    expect((await fetch(path(s, 'f'.repeat(64)))).status).toBe(404);
    expect((await fetch(path(s, 'a.b'))).status).toBe(404);
    expect((await fetch(path('short'))).status).toBe(400);
    expect((await fetch(`${f.url}/chat/api/bots/place/sessions/${s}/media/${up.id}`)).status).toBe(404);
  });

  it('answers an id the store does not hold without reading the conversation', async () => {
    const s = await atPhotoStep('probe');
    const history = vi.spyOn(f.store, 'history');
    try {
      const r = await fetch(`${f.url}/chat/api/bots/receipt/sessions/${s}/media/${'d'.repeat(64)}`);
      expect([r.status, history.mock.calls.length]).toEqual([404, 0]);
    } finally {
      history.mockRestore();
    }
  });

  it('serves a file that is not an image, video or audio as an attachment', async () => {
    const s = await atPhotoStep('attach');
    const put = await f.media.put([Buffer.from('<html><script>alert(1)</script></html>')], { maxBytes: 1000, name: 'page.html', declaredMime: 'text/html' });
    if (!put.ok) throw new Error('refused');
    await f.addHistory(f.key('receipt', s), [{ direction: 'out', step: 'ask_photo', media: [{ kind: 'document', file: put.file }] }]);
    const r = await fetch(`${f.url}/chat/api/bots/receipt/sessions/${s}/media/${put.file.id}`);
    expect([r.status, r.headers.get('content-type'), r.headers.get('content-disposition')]).toEqual([200, 'text/html', `attachment; filename="page.html"; filename*=UTF-8''page.html`]);
  });

  it("names the file in Content-Disposition with RFC 8187's characters only", async () => {
    const s = await atPhotoStep('disposition');
    const put = await f.media.put([png(12, 12)], { maxBytes: 1000, name: "receipt (1) it's.png" });
    if (!put.ok) throw new Error('refused');
    await f.addHistory(f.key('receipt', s), [{ direction: 'out', step: 'ask_photo', media: [{ kind: 'photo', file: put.file }] }]);
    const r = await fetch(`${f.url}/chat/api/bots/receipt/sessions/${s}/media/${put.file.id}`);
    expect(r.headers.get('content-disposition')).toBe(`inline; filename="receipt (1) it_s.png"; filename*=UTF-8''receipt%20%281%29%20it_s.png`);
  });

  it("serves a file under the name this conversation knows it by, never another upload's name for the same bytes", async () => {
    const s = await atPhotoStep('served-name');
    const first = await f.media.put([png(14, 14)], { maxBytes: 1000, name: 'alice-passport.png' });
    if (!first.ok) throw new Error('refused');
    await f.addHistory(f.key('receipt', s), [{ direction: 'in', step: 'ask_photo', media: [{ kind: 'photo', file: { ...first.file, name: 'mine.png' } }] }]);
    const r = await fetch(`${f.url}/chat/api/bots/receipt/sessions/${s}/media/${first.file.id}`);
    expect([r.status, r.headers.get('content-disposition')]).toEqual([200, `inline; filename="mine.png"; filename*=UTF-8''mine.png`]);
  });

  it('sends history media to the page by reference', async () => {
    const s = await atPhotoStep('history');
    const put = await f.media.put([png(5, 4)], { maxBytes: 1000, name: 'shown.png' });
    if (!put.ok) throw new Error('refused');
    await f.addHistory(f.key('receipt', s), [
      { direction: 'out', step: 'ask_photo', media: [{ kind: 'image', file: put.file, caption: 'Your receipt' }] },
      { direction: 'out', step: 'ask_photo', media: [{ kind: 'location', latitude: 48.85, longitude: 2.35, title: 'Paris' }] },
      { direction: 'out', step: 'ask_photo', media: [{ kind: 'image', url: 'https://example.com/a.png', path: 'a.png' }] },
    ]);
    const events = await SseClient.open(`${f.url}/chat/api/bots/receipt/sessions/${s}/events`);
    try {
      const batch = await events.waitFor((e) => e.event === 'messages' && (e.data as { rev: number }).rev === 2);
      const media = (batch.data as { entries: { media?: unknown }[] }).entries.map((e) => e.media);
      expect(media).toEqual([
        [{ kind: 'image', file: { id: put.file.id, mime: 'image/png', size: put.file.size, name: 'shown.png' }, name: 'shown.png', caption: 'Your receipt' }],
        [{ kind: 'location', latitude: 48.85, longitude: 2.35, title: 'Paris' }],
        [{ kind: 'image', url: 'https://example.com/a.png' }],
      ]);
    } finally {
      await events.close();
    }
  });
});

describe('the admin API transcript', () => {
  it('carries history media by reference, with a contact phone and a location masked while PII masking is on', async () => {
    const masked = await mediaFixture({ maskPii: true });
    try {
      for (const [fx, pii] of [[f, false], [masked, true]] as const) {
        const s = newSession(`admin_${pii}`);
        await fx.post('receipt', { session: s, text: '/start' });
        const put = await fx.media.put([png(1, 5)], { maxBytes: 1000, name: 'p.png' });
        if (!put.ok) throw new Error('refused');
        const media = [
          { kind: 'photo' as const, file: put.file },
          { kind: 'location' as const, latitude: 1.5, longitude: 2.5 },
          { kind: 'contact' as const, phone: '+15550100', first_name: 'Ann' },
        ];
        await fx.addHistory(fx.key('receipt', s), [{ direction: 'in', step: 'ask_photo', media }]);
        const r = await fetch(`${fx.url}/api/bots/receipt/dialogs/webchat/${s}/history`, { headers: { authorization: `Bearer ${MEDIA_ADMIN_TOKEN}` } });
        const { entries } = (await r.json()) as { entries: { media?: unknown }[] };
        expect(entries.at(-1)!.media).toEqual(pii ? [media[0], { kind: 'location', masked: true }, { kind: 'contact', phone: '***', first_name: 'Ann' }] : media);
      }
    } finally {
      await masked.close();
    }
  });
});
