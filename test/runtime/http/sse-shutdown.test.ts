import Router from '@koa/router';
import Koa from 'koa';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { errorMiddleware } from '../../../runtime/http/errors-middleware.js';
import { SseStreams } from '../../../runtime/http/sse.js';
import { captureLogger } from '../../support/capture-logger.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe('SseStreams at shutdown', () => {
  it('ends the open streams and refuses new ones, so the server can close', async () => {
    const streams = new SseStreams();
    const app = new Koa();
    const router = new Router();
    app.use(errorMiddleware(captureLogger().logger));
    router.get('/events', (ctx) => {
      streams.start(ctx).send('hello', { n: 1 });
    });
    app.use(router.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;

    const open = await fetch(url);
    expect(open.status).toBe(200);
    await expect.poll(() => streams.size).toBe(1);
    streams.closeAll();
    // The stream ends: its body can be read to the end.
    expect(await open.text()).toContain('event: hello');
    expect(streams.size).toBe(0);

    const refused = await fetch(url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect(streams.size).toBe(0);
  });
});
