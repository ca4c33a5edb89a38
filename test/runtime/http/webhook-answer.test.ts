import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pressUpdate, serverFixture, textUpdate, TOKEN, type ServerFixture } from '../../support/server-fixture.js';

const callbackId = (update: Record<string, unknown>): string => (update['callback_query'] as { id: string }).id;

describe('the webhook answer with TELEGRAM_WEBHOOK_ANSWER=ack (the default)', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await serverFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  it('carries answerCallbackQuery for a button press as JSON, and is "ok" for a message', async () => {
    const start = await f.post(textUpdate(11, '/start'));
    expect(start.status).toBe(200);
    expect(start.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await start.text()).toBe('ok');
    await f.post(textUpdate(11, 'Ann'));
    await f.api.waitFor((api) => api.texts(11).length === 3);
    const update = pressUpdate(11, 'more_info');
    const press = await f.post(update);
    expect(press.status).toBe(200);
    expect(press.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await press.json()).toEqual({ method: 'answerCallbackQuery', callback_query_id: callbackId(update) });
    await f.api.waitFor((api) => api.texts(11).length === 5);
    expect(f.api.count('answerCallbackQuery')).toBe(0);
  });
});

describe('the webhook answer with TELEGRAM_WEBHOOK_ANSWER=off', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await serverFixture({ TELEGRAM_WEBHOOK_ANSWER: 'off' });
  });
  afterAll(async () => {
    await f.close();
  });

  it('is "ok" for a button press, whose answerCallbackQuery is a call of its own, once however often it is redelivered', async () => {
    await f.post(textUpdate(7, '/start'));
    await f.post(textUpdate(7, 'Ann'));
    await f.api.waitFor((api) => api.texts(7).length === 3);
    const press = pressUpdate(7, 'end');
    for (let i = 0; i < 3; i++) expect(await (await f.post(press)).text()).toBe('ok');
    // Another press, acknowledged after the duplicates were answered: a duplicate's acknowledgement would come first.
    await f.post(textUpdate(8, '/start'));
    await f.post(textUpdate(8, 'Bea'));
    await f.api.waitFor((api) => api.texts(8).length === 3);
    const other = pressUpdate(8, 'end');
    await f.post(other);
    const acks = () => f.api.calls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.payload['callback_query_id']);
    await f.api.waitFor(() => acks().includes(callbackId(other)));
    expect(acks()).toEqual([callbackId(press), callbackId(other)]);
  });
});

describe('long polling', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await serverFixture({ TELEGRAM_MODE: 'polling' });
  });
  afterAll(async () => {
    await f.close();
  });

  it('answers a button press with a call of its own (there is no answer to carry it)', async () => {
    for (const update of [textUpdate(21, '/start'), textUpdate(21, 'Ann')]) f.api.pushUpdate(TOKEN, update);
    await f.api.waitFor((api) => api.texts(21).length === 3);
    const press = pressUpdate(21, 'end');
    f.api.pushUpdate(TOKEN, press);
    await f.api.waitFor((api) => api.count('answerCallbackQuery') === 1);
    expect(f.api.calls.find((c) => c.method === 'answerCallbackQuery')!.payload).toEqual({ callback_query_id: callbackId(press) });
  });
});
