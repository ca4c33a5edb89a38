/**
 * Intake backpressure: while more dialogs wait for their replies than INTAKE_MAX_BACKLOG, a webhook is held before
 * it is processed (Telegram sends at most max_connections at once, so it slows down), and refused with 503 and
 * Retry-After once it waited INTAKE_MAX_WAIT_MS (Telegram redelivers it). The Bot API answers slowly for chat 1, so
 * its delivery stays in progress; the order of the manager's events shows what was held.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DialogEvent } from '../../../runtime/dialogs/index.js';
import { SECRET, serverFixture, textUpdate, TOKEN, type ServerFixture } from '../../support/server-fixture.js';

let f: ServerFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

/** `turn <chat>` and `delivered <chat>` in the order the manager reports them. */
function eventLog(fixture: ServerFixture): string[] {
  const log: string[] = [];
  fixture.server.manager.observe((e: DialogEvent) => {
    if (e.type === 'turn' || e.type === 'delivered') log.push(`${e.type} ${e.key.chatId}`);
  });
  return log;
}

const dialogOf = (fixture: ServerFixture, chat: number) => fixture.server.store.getDialog({ botId: 'greeter', platform: 'telegram', chatId: String(chat) });

describe('webhook intake over the backlog bound', () => {
  it('holds an update while the backlog is over the bound, and serves it once a reply went out', async () => {
    f = await serverFixture({ INTAKE_MAX_BACKLOG: '1', INTAKE_MAX_WAIT_MS: '25000' });
    const events = eventLog(f);
    f.api.fail({ method: 'sendMessage', chatId: 1, status: 200, delayMs: 400, times: 2 });
    expect((await f.post(textUpdate(1, '/start'))).status).toBe(200);
    const second = await f.post(textUpdate(2, '/start'));
    expect(second.status).toBe(200);
    expect(await second.text()).toBe('ok');
    // Chat 2's turn came only after chat 1's replies were delivered.
    expect(events.slice(0, 4)).toEqual(['turn 1', 'delivered 1', 'delivered 1', 'turn 2']);
    await f.api.waitFor((api) => api.texts(2).length === 2);
  });

  it('refuses with 503 and Retry-After after the longest wait; the redelivered update is applied once', async () => {
    f = await serverFixture({ INTAKE_MAX_BACKLOG: '1', INTAKE_MAX_WAIT_MS: '50' });
    f.api.fail({ method: 'sendMessage', chatId: 1, status: 200, delayMs: 1500, times: 2 });
    expect((await f.post(textUpdate(1, '/start'))).status).toBe(200);
    const update = textUpdate(2, '/start');
    const refused = await f.post(update);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    expect(await dialogOf(f, 2)).toBeUndefined();
    expect(f.lines.filter((l) => l['event_type'] === 'WEBHOOK' && l['status'] === 503)).toHaveLength(1);

    await f.api.waitFor((api) => api.texts(1).length === 2, 10_000);
    await expect.poll(() => f!.server.manager.stats.deliveries, { timeout: 5000 }).toBe(0);
    expect((await f.post(update)).status).toBe(200);
    expect((await f.post(update)).status).toBe(200);
    await f.api.waitFor((api) => api.texts(2).length === 2);
    expect((await dialogOf(f, 2))!.rev).toBe(1);
    expect(f.api.texts(2)).toEqual(['Welcome to our bot!', "What's your name?"]);
  });
});

describe('a client gone while its update waits', () => {
  it('frees its place: the next update is processed', async () => {
    f = await serverFixture({ INTAKE_MAX_BACKLOG: '1', INTAKE_MAX_WAIT_MS: '3000' });
    f.api.fail({ method: 'sendMessage', chatId: 1, status: 200, delayMs: 600, times: 2 });
    expect((await f.post(textUpdate(1, '/start'))).status).toBe(200);
    // A whole request, then the connection cut at once: it waits behind chat 1's replies with nobody to answer.
    const { port } = new URL(f.server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const body = JSON.stringify(textUpdate(2, '/start'));
    const request = `POST /webhooks/telegram/greeter HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nX-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\n\r\n${body}`;
    await new Promise((resolve) => socket.write(request, resolve));
    socket.destroy();
    await f.api.waitFor((api) => api.texts(1).length === 2);
    expect((await f.post(textUpdate(3, '/start'))).status).toBe(200);
  });
});

describe('long polling over the backlog bound', () => {
  it('fetches and processes no update while the backlog is over the bound', async () => {
    f = await serverFixture({ TELEGRAM_MODE: 'polling', INTAKE_MAX_BACKLOG: '1' });
    const events = eventLog(f);
    f.api.fail({ method: 'sendMessage', chatId: 1, status: 200, delayMs: 400, times: 2 });
    f.api.pushUpdate(TOKEN, textUpdate(1, '/start'));
    await expect.poll(() => events[0], { timeout: 5000 }).toBe('turn 1');
    f.api.pushUpdate(TOKEN, textUpdate(2, '/start'));
    await f.api.waitFor((api) => api.texts(2).length === 2, 10_000);
    expect(events.slice(0, 4)).toEqual(['turn 1', 'delivered 1', 'delivered 1', 'turn 2']);
  });
});
