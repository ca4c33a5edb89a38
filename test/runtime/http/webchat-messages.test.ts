import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFixture, session, type AppFixture } from './app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await appFixture();
});
afterAll(async () => {
  await f.close();
});

const errorOf = async (r: Response) => ({ status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as unknown });
const SESSION_RULE = '"session" must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -';

describe('GET /chat/api/bots', () => {
  it('lists the bots a visitor may talk to, with their names', async () => {
    const r = await fetch(`${f.url}/chat/api/bots`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      bots: [
        { id: 'greeter', name: 'Greeter' },
        { id: 'signup', name: 'Sign-up' },
        { id: 'vault', name: 'Vault' },
      ],
    });
  });
});

describe('POST /chat/api/bots/:botId/messages', () => {
  it('applies a message and its reply, and applies a retried message id once', async () => {
    const s = session('apply');
    const first = await f.post('greeter', { session: s, id: 'hello-1', text: '/start' });
    expect([first.status, await first.json()]).toEqual([200, { status: 'applied', rev: 1 }]);
    const again = await f.post('greeter', { session: s, id: 'hello-1', text: '/start' });
    expect([again.status, await again.json()]).toEqual([200, { status: 'duplicate' }]);
    expect(await f.say('greeter', s, 'Ann')).toEqual({ status: 'applied', rev: 2 });
    const dialog = await f.store.getDialog(f.key('greeter', s));
    expect([dialog?.rev, dialog?.step, dialog?.vars]).toEqual([2, 'greet_with_name', { name: 'Ann' }]);
    const inbound = (await f.store.history(f.key('greeter', s))).filter((h) => h.direction === 'in');
    expect(inbound.map((h) => h.text)).toEqual(['/start', 'Ann']);
  });

  it('takes a text of exactly 4096 characters', async () => {
    const s = session('longest');
    await f.say('greeter', s, '/start');
    const name = 'n'.repeat(4096);
    expect(await f.say('greeter', s, name)).toEqual({ status: 'applied', rev: 2 });
    expect((await f.store.getDialog(f.key('greeter', s)))?.vars).toEqual({ name });
  });

  it('refuses hostile bodies with a 4xx JSON error, stores nothing, and keeps working', async () => {
    const s = session('hostile');
    const before = await f.store.countDialogs('greeter');
    const refusals: [string, Response, number, string, string | undefined][] = [
      ['malformed JSON', await f.post('greeter', '{"session": "abc'), 400, 'BAD_REQUEST', undefined],
      ['too large', await f.post('greeter', JSON.stringify({ session: s, id: '1', text: 'x'.repeat(17_000) })), 413, 'PAYLOAD_TOO_LARGE', 'request entity too large'],
      ['an array', await f.post('greeter', [s, '1', 'hi']), 400, 'BAD_REQUEST', 'expected a JSON object { session, id, text | press | files | location | contact }'],
      ['an unknown field', await f.post('greeter', { session: s, id: '1', text: 'hi', admin: true }), 400, 'BAD_REQUEST', 'unknown field "admin": expected session, id, text, press, files, location or contact'],
      ['a __proto__ field', await f.post('greeter', `{"__proto__": {"text": "hi"}, "session": "${s}", "id": "1"}`), 400, 'BAD_REQUEST', 'Object contains forbidden prototype property'],
      ['a numeric text', await f.post('greeter', { session: s, id: '1', text: 5 }), 400, 'BAD_REQUEST', '"text" must be a string'],
      ['a bad session id', await f.post('greeter', { session: '../../etc/passwd', id: '1', text: 'hi' }), 400, 'BAD_REQUEST', SESSION_RULE],
      ['a numeric session', await f.post('greeter', { session: 1, id: '1', text: 'hi' }), 400, 'BAD_REQUEST', SESSION_RULE],
      ['a bad message id', await f.post('greeter', { session: s, id: 'a b', text: 'hi' }), 400, 'BAD_REQUEST', '"id" must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -'],
      ['text over 4096', await f.post('greeter', { session: s, id: '1', text: 'x'.repeat(4097) }), 400, 'BAD_REQUEST', '"text" is longer than 4096 characters'],
      ['text and press', await f.post('greeter', { session: s, id: '1', text: 'hi', press: 'end' }), 400, 'BAD_REQUEST', 'send exactly one of "text", "press", "files" (with an optional "text" caption), "location" and "contact"'],
      ['an unknown bot', await f.post('nobody', { session: s, id: '1', text: 'hi' }), 404, 'NOT_FOUND', 'unknown bot "nobody"'],
      ['plain text', await f.post('greeter', 'hi', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the message as JSON (Content-Type: application/json)'],
      ['a form', await f.post('greeter', `session=${s}&id=1&text=hi`, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the message as JSON (Content-Type: application/json)'],
    ];
    for (const [name, r, status, code, message] of refusals) {
      const { body, ...rest } = await errorOf(r);
      expect(rest, name).toEqual({ status, type: 'application/json; charset=utf-8' });
      expect((body as { error: { code: string } }).error.code, name).toBe(code);
      if (message !== undefined) expect(body, name).toEqual({ error: { code, message } });
    }
    expect(await f.store.countDialogs('greeter')).toBe(before);
    expect(await f.store.getDialog(f.key('greeter', s))).toBeUndefined();
    expect(await f.say('greeter', s, '/start')).toEqual({ status: 'applied', rev: 1 });
  });

  it('refuses JSON that is not an object or array before it reaches the bot', async () => {
    for (const body of ['"hello"', '42', 'null']) {
      const r = await f.post('greeter', body);
      expect(r.status, body).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code, body).toBe('BAD_REQUEST');
    }
  });

  it('limits the messages one address may post in a minute, with 429 and Retry-After', async () => {
    const g = await appFixture({ ratePerMinute: 2 });
    try {
      const s = session('flood');
      expect(await g.say('greeter', s, '/start')).toEqual({ status: 'applied', rev: 1 });
      expect(await g.say('greeter', s, 'Ann')).toEqual({ status: 'applied', rev: 2 });
      const r = await g.post('greeter', { session: s, id: 'flood-3', text: 'more' });
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await r.json()).toEqual({ error: { code: 'TOO_MANY_REQUESTS', message: 'too many messages from this address: at most 2 a minute' } });
      expect((await g.store.getDialog(g.key('greeter', s)))?.rev).toBe(2);
    } finally {
      await g.close();
    }
  });

  it('answers 405 for other methods on the messages route', async () => {
    const r = await fetch(`${f.url}/chat/api/bots/greeter/messages`);
    expect([r.status, r.headers.get('allow')]).toEqual([405, 'POST']);
  });
});
