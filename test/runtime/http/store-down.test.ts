import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverFixture, textUpdate, type ServerFixture } from '../../support/server-fixture.js';

let f: ServerFixture;
beforeAll(async () => {
  f = await serverFixture();
});
afterAll(async () => {
  await f.close().catch(() => undefined);
});

describe('when the store is unavailable', () => {
  it('answers webhooks 503 (so Telegram retries) and /readyz 503, and keeps running', async () => {
    expect((await f.post(textUpdate(1, '/start'))).status).toBe(200);
    await f.server.store.close();
    const r = await f.post(textUpdate(1, 'Ann'));
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('5');
    expect(await r.json()).toEqual({ error: { code: 'UNAVAILABLE', message: 'temporarily unavailable, retry later' } });
    expect((await fetch(`${f.server.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${f.server.url}/healthz`)).status).toBe(200);
  });
});
