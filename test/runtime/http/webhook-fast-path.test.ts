// The Telegram webhook served on node:http in front of Koa: what it shares with the rest of the server (metrics,
// the router's other answers) and what only it does (a method call in the HTTP answer, a streamed body cut at 1 MB).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingResult } from '../../../runtime/dialogs/index.js';
import { parseExposition, valueOf } from '../metrics/exposition.js';
import { SECRET, serverFixture, textUpdate, type ServerFixture } from '../../support/server-fixture.js';

let f: ServerFixture;
beforeAll(async () => {
  f = await serverFixture();
});
afterAll(async () => {
  await f.close();
});

const ROUTE = '/webhooks/telegram/:botId';

async function webhookCount(status: string): Promise<number> {
  const r = await fetch(`${f.server.url}/metrics`, { headers: { authorization: `Bearer ${f.server.adminToken}` } });
  return valueOf(parseExposition(await r.text()), 'scenarist_http_requests_total', { method: 'POST', route: ROUTE, status }) ?? 0;
}

/** Posts a body in chunks without a Content-Length, as a client streaming it would. */
function postChunked(chunks: number, chunkBytes: number): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${f.server.url}/webhooks/telegram/greeter`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET, 'transfer-encoding': 'chunked' },
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
    });
    // The server may close the connection while chunks are still being written.
    req.on('error', (err) => (req.headersSent ? undefined : reject(err)));
    const chunk = Buffer.alloc(chunkBytes, 0x20);
    let sent = 0;
    const write = (): void => {
      while (sent < chunks) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('the webhook on node:http', () => {
  it('counts its requests in the HTTP metrics under the route pattern, with the status answered', async () => {
    const [ok, unauthorized] = [await webhookCount('200'), await webhookCount('401')];
    expect((await f.post(textUpdate(31, '/start'))).status).toBe(200);
    expect((await f.post(textUpdate(31, 'x'), { 'x-telegram-bot-api-secret-token': 'wrong' })).status).toBe(401);
    expect(await webhookCount('200')).toBe(ok + 1);
    expect(await webhookCount('401')).toBe(unauthorized + 1);
  });

  it('answers with the method call of the result when it carries one, as JSON', async () => {
    const manager = f.server.manager;
    const original = manager.processIncomingMessage.bind(manager);
    const answer = { method: 'answerCallbackQuery', callback_query_id: 'q1' };
    manager.processIncomingMessage = async (incoming) => ({ ...(await original(incoming)), webhookAnswer: answer }) as unknown as IncomingResult;
    try {
      const r = await f.post(textUpdate(32, '/start'));
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await r.json()).toEqual(answer);
    } finally {
      manager.processIncomingMessage = original;
    }
    const plain = await f.post(textUpdate(32, 'Ann'));
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await plain.text()).toBe('ok');
  });

  it('stops reading a streamed body over 1 MB: 413, and the connection is closed', async () => {
    const r = await postChunked(40, 64 * 1024);
    expect(r.status).toBe(413);
    expect(r.connection).toBe('close');
    expect((await f.post(textUpdate(33, '/start'))).status).toBe(200);
  });

  it('leaves other methods and unusual paths to the router, which answers them alike', async () => {
    const get = await fetch(`${f.server.url}/webhooks/telegram/greeter`);
    expect(get.status).toBe(405);
    const trailing = await fetch(`${f.server.url}/webhooks/telegram/greeter/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(textUpdate(34, '/start')),
    });
    expect(trailing.status).toBe(200);
    expect(await trailing.text()).toBe('ok');
    expect((await f.server.store.getDialog({ botId: 'greeter', platform: 'telegram', chatId: '34' }))?.rev).toBe(1);
    expect((await f.post(textUpdate(35, '/start'), {}, 'nobody')).status).toBe(404);
  });
});
