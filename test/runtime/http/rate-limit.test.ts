import Router from '@koa/router';
import Koa from 'koa';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { errorMiddleware } from '../../../runtime/http/errors-middleware.js';
import { rateLimit } from '../../../runtime/http/rate-limit.js';
import { captureLogger } from '../../support/capture-logger.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(perMinute: number, clock: () => number): Promise<string> {
  const app = new Koa();
  const router = new Router();
  app.use(errorMiddleware(captureLogger().logger));
  router.post('/m', rateLimit(perMinute, clock), (ctx) => {
    ctx.body = { ok: true };
  });
  app.use(router.routes());
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/m`;
}

describe('rateLimit', () => {
  it('refuses a client past the limit with 429 and Retry-After until the minute is over', async () => {
    let now = 1_000_000;
    const url = await serve(3, () => now);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(url, { method: 'POST' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    now += 20_000;
    const refused = await fetch(url, { method: 'POST' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('40');
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: 'TOO_MANY_REQUESTS',
      message: 'too many messages from this address: at most 3 a minute',
    });
    now += 40_000;
    expect((await fetch(url, { method: 'POST' })).status).toBe(200);
  });
});
