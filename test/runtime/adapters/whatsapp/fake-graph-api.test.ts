import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSignature, parseWhatsAppWebhook } from '../../../../runtime/adapters/whatsapp/index.js';
import { FakeGraphApi, postWebhook, signWebhook, whatsappUpdates } from '../../../../runtime/testing/fake-graph-api.js';

const SECRET = 'app-secret';
const PHONE = '555';
const TOKEN = 'token-1';

let api: FakeGraphApi;
beforeAll(async () => {
  api = await FakeGraphApi.start();
  api.addNumber(PHONE, TOKEN);
});
afterAll(() => api.close());

const post = (path: string, body: unknown, token = TOKEN) =>
  fetch(`${api.url}/v21.0/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('fake Graph API', () => {
  it('signs webhook bodies as Meta does, over the exact bytes posted', async () => {
    const received: { raw: Buffer; signature: string | undefined }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ raw: Buffer.concat(chunks), signature: req.headers['x-hub-signature-256'] as string | undefined });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const body = whatsappUpdates.statuses(PHONE, [{ id: 'wamid.1', status: 'delivered', recipient_id: '49' }]);
    expect(await postWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/wa`, body, SECRET)).toBe(200);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(checkSignature(received[0]!.raw, received[0]!.signature, SECRET)).toEqual({ ok: true });
    expect(checkSignature(received[0]!.raw, received[0]!.signature, 'other')).toMatchObject({ ok: false });
    expect(parseWhatsAppWebhook(JSON.parse(received[0]!.raw.toString()))).toMatchObject({ kind: 'events', events: [{ kind: 'status', status: 'delivered' }] });
    expect(signWebhook(body, SECRET).signature).toBe(received[0]!.signature);
  });

  it('answers a sent message with its wamid, and refuses Graph-invalid payloads with error 100', async () => {
    const ok = await post(`${PHONE}/messages`, { messaging_product: 'whatsapp', to: '49', type: 'text', text: { body: 'hi' } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { messages: { id: string }[] }).messages[0]!.id).toMatch(/^wamid\./);
    const bad = [
      { messaging_product: 'whatsapp', to: '49', type: 'text', text: { body: 'x'.repeat(4097) } },
      { messaging_product: 'whatsapp', to: '49', type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [1, 2, 3, 4].map((i) => ({ type: 'reply', reply: { id: `${i}`, title: 't' } })) } } },
      { messaging_product: 'whatsapp', to: '49', type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'Go', sections: [{ rows: [{ id: 'a', title: 'x'.repeat(25) }] }] } } },
      { messaging_product: 'whatsapp', to: '49', type: 'image', image: { id: '1', link: 'https://e/x' } },
      { messaging_product: 'whatsapp', to: '49', type: 'audio', audio: { id: '1', caption: 'no' } },
    ];
    for (const payload of bad) {
      const res = await post(`${PHONE}/messages`, payload);
      expect([res.status, ((await res.json()) as { error: { code: number } }).error.code]).toEqual([400, 100]);
    }
  });

  it('refuses another token with 401 and Graph error 190', async () => {
    const res = await post(`${PHONE}/messages`, { messaging_product: 'whatsapp', to: '49', type: 'text', text: { body: 'hi' } }, 'nope');
    expect([res.status, ((await res.json()) as { error: { code: number } }).error.code]).toEqual([401, 190]);
  });

  it('an upload without a file part is a 400', async () => {
    const res = await post(`${PHONE}/media`, { messaging_product: 'whatsapp' });
    expect(res.status).toBe(400);
  });
});
