import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { UnknownBotError } from '../../../runtime/dialogs/index.js';
import { errorMiddleware } from '../../../runtime/http/index.js';
import { silentLogger } from '../../../runtime/log/index.js';
import { createMetrics, type Metrics } from '../../../runtime/metrics/index.js';
import { parseExposition, seriesOf, valueOf } from './exposition.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  server = undefined;
});

/** A tiny app; `inside` mounts the metrics inside the error middleware instead of before it. */
async function serve(metrics: Metrics, inside = false): Promise<(path: string, method?: string) => Promise<number>> {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  router.get('/api/bots/:botId', (ctx) => {
    ctx.body = { bot: ctx.params['botId'] };
  });
  router.post('/api/bots/:botId/reset', (ctx) => {
    if (ctx.params['botId'] !== 'greeter') throw new UnknownBotError(`unknown bot '${ctx.params['botId']}'`);
    ctx.status = 204;
  });
  if (inside) app.use(errorMiddleware(silentLogger()));
  app.use(metrics.httpMiddleware());
  if (!inside) app.use(errorMiddleware(silentLogger()));
  app.use(router.routes());
  app.use(router.allowedMethods());
  const listening = app.listen(0, '127.0.0.1');
  server = listening;
  await new Promise((done) => listening.once('listening', done));
  const { port } = listening.address() as AddressInfo;
  return async (path, method = 'GET') => (await fetch(`http://127.0.0.1:${port}${path}`, { method })).status;
}

// Each request reads the clock twice, 250 ms apart.
const steppingClock = () => {
  let t = 0;
  return () => (t += 250);
};

describe('httpMiddleware', () => {
  it('labels by route pattern or unmatched, with the status the client got', async () => {
    const metrics = createMetrics({ defaultMetrics: false, now: steppingClock() });
    const request = await serve(metrics);
    expect(await request('/api/bots/greeter')).toBe(200);
    expect(await request('/api/bots/shop')).toBe(200);
    expect(await request('/api/bots/greeter/reset', 'POST')).toBe(204);
    expect(await request('/api/bots/nobody/reset', 'POST')).toBe(404);
    expect(await request('/wp-login.php?user=admin')).toBe(404);
    expect(await request('/api/bots/greeter', 'DELETE')).toBe(405);

    const samples = parseExposition(await metrics.text());
    expect(seriesOf(samples, 'scenarist_http_requests_total')).toEqual([
      { method: 'GET', route: '/api/bots/:botId', status: '200', value: 2 },
      { method: 'POST', route: '/api/bots/:botId/reset', status: '204', value: 1 },
      { method: 'POST', route: '/api/bots/:botId/reset', status: '404', value: 1 },
      { method: 'GET', route: 'unmatched', status: '404', value: 1 },
      { method: 'DELETE', route: 'unmatched', status: '405', value: 1 },
    ]);
    const seconds = (suffix: string, labels: Record<string, string>) => valueOf(samples, `scenarist_http_request_duration_seconds_${suffix}`, labels);
    const get = { method: 'GET', route: '/api/bots/:botId' };
    expect(seconds('count', get)).toBe(2);
    expect(seconds('sum', get)).toBe(0.5);
    expect(seconds('bucket', { ...get, le: '0.1' })).toBe(0);
    expect(seconds('bucket', { ...get, le: '0.25' })).toBe(2);
    expect(seconds('count', { method: 'GET', route: 'unmatched' })).toBe(1);
  });

  it('labels a thrown error with the status the error middleware answers', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const request = await serve(metrics, true);
    expect(await request('/api/bots/nobody/reset', 'POST')).toBe(404);
    expect(await request('/api/bots/greeter/reset', 'POST')).toBe(204);
    const samples = parseExposition(await metrics.text());
    expect(seriesOf(samples, 'scenarist_http_requests_total')).toEqual([
      { method: 'POST', route: '/api/bots/:botId/reset', status: '404', value: 1 },
      { method: 'POST', route: '/api/bots/:botId/reset', status: '204', value: 1 },
    ]);
  });

  it('folds methods outside the standard set into OTHER', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const request = await serve(metrics);
    expect(await request('/api/bots/greeter', 'PROPFIND')).toBe(501); // allowedMethods: not implemented
    const samples = parseExposition(await metrics.text());
    expect(seriesOf(samples, 'scenarist_http_requests_total')).toEqual([{ method: 'OTHER', route: 'unmatched', status: '501', value: 1 }]);
  });
});
