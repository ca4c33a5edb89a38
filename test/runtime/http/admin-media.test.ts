import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DialogManager } from '../../../runtime/dialogs/index.js';
import { createApp } from '../../../runtime/http/index.js';
import { contentDisposition } from '../../../runtime/http/admin-media.js';
import { silentLogger } from '../../../runtime/log/index.js';
import { MemoryMediaStore } from '../../../runtime/media/index.js';
import { MemoryStore } from '../../../runtime/store/index.js';
import { PDF, PNG } from '../media/contract.js';

const TOKEN = 'media-tests-admin-token-0123456789';
let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function start(): Promise<{ base: string; media: MemoryMediaStore }> {
  const store = new MemoryStore();
  const media = new MemoryMediaStore();
  const manager = new DialogManager({ store, logger: silentLogger() });
  const app = createApp({ manager, store, logger: silentLogger(), telegramSecretOf: () => undefined, adminToken: TOKEN, media, pages: false });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  return { base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, media };
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('GET /api/media/:id', () => {
  it('streams a stored image inline with its type, length and headers that keep it inert', async () => {
    const { base, media } = await start();
    const put = await media.put([PNG], { maxBytes: 1000, name: 'reçu "1".png' });
    const id = put.ok ? put.file.id : '';
    const res = await fetch(`${base}/api/media/${id}`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-length')).toBe(String(PNG.length));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="re_u _1_.png"; filename*=UTF-8''re%C3%A7u%20_1_.png`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
  });

  it('offers other types as a download', async () => {
    const { base, media } = await start();
    const put = await media.put([PDF], { maxBytes: 1000, name: 'doc.pdf' });
    const res = await fetch(`${base}/api/media/${put.ok ? put.file.id : ''}`, { headers: auth });
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="doc.pdf"/);
    expect(contentDisposition({ mime: 'image/svg+xml', name: 'a.svg' })).toMatch(/^attachment/);
  });

  it('answers 401 without the token, and 404 for unknown or malformed ids', async () => {
    const { base, media } = await start();
    const put = await media.put([PNG], { maxBytes: 1000 });
    expect((await fetch(`${base}/api/media/${put.ok ? put.file.id : ''}`)).status).toBe(401);
    expect((await fetch(`${base}/api/media/${'0'.repeat(64)}`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${base}/api/media/..%2F..%2Fetc%2Fpasswd`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${base}/api/media/${'A'.repeat(64)}`, { headers: auth })).status).toBe(404);
  });
});
