import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { mountDemoApi } from '../../../runtime/http/demo-api.js';

describe('the demo API the example bot calls', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('answers an order id of 1 to 6 digits with its state, and 404 for anything else', async () => {
    const app = new Koa();
    const router = new Router();
    mountDemoApi(router);
    app.use(router.routes());
    const server = app.listen(0, '127.0.0.1');
    close = () => server.close();
    await new Promise((done) => server.once('listening', done));
    const url = (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
    const one = await fetch(url('/demo/api/orders/42'));
    expect([one.status, await one.json()]).toEqual([200, { id: 42, state: 'being packed', eta_days: 3 }]);
    expect(((await (await fetch(url('/demo/api/orders/43'))).json()) as { state: string }).state).toBe('shipped');
    for (const bad of ['1234567', 'abc', '-1']) expect((await fetch(url(`/demo/api/orders/${bad}`))).status).toBe(404);
  });
});
