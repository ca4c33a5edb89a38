import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebChatAdapter } from '../../../runtime/adapters/webchat/index.js';
import { DialogManager } from '../../../runtime/dialogs/index.js';
import { WEBCHAT_PLATFORM } from '../../../runtime/http/index.js';
import { silentLogger } from '../../../runtime/log/index.js';
import { openStore } from '../../../runtime/store/index.js';
import { appFixture, compileFile, session, T0, type AppFixture } from './app-fixture.js';
import type { SseClient, SseEvent } from './sse-client.js';

let f: AppFixture;
beforeAll(async () => {
  f = await appFixture({ pollMs: 100 });
});
afterAll(async () => {
  await f.close();
});

const eventsPath = (s: string) => `${f.url}/chat/api/bots/greeter/sessions/${s}/events`;
const revsOf = (c: SseClient) => c.of('messages').map((e) => (e.data as { rev: number }).rev);
const readyAt = (rev: number) => (e: SseEvent) => e.event === 'ready' && (e.data as { rev: number }).rev === rev;
const stateAt = (rev: number) => (e: SseEvent) => e.event === 'state' && (e.data as { rev: number }).rev === rev;

/** A dialog of three turns: /start, a name, a button. */
async function threeTurns(label: string): Promise<string> {
  const s = session(label);
  await f.say('greeter', s, '/start');
  await f.say('greeter', s, 'Ann');
  await f.press('greeter', s, 'end');
  return s;
}

describe('GET /chat/api/bots/:botId/sessions/:session/events', () => {
  it('replays the transcript, one messages event per revision with the revision as id, then state and ready', async () => {
    const s = await threeTurns('replay');
    const c = await f.events('greeter', s);
    await c.waitFor(readyAt(3));
    expect(c.retry).toBe(2000);
    expect(c.response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(c.events.map((e) => [e.event, e.id])).toEqual([
      ['messages', '1'],
      ['messages', '2'],
      ['messages', '3'],
      ['state', undefined],
      ['ready', undefined],
    ]);
    const at = T0;
    expect(c.events.map((e) => e.data)).toEqual([
      {
        rev: 1,
        entries: [
          { direction: 'in', text: '/start', buttons: [], step: null, at, id: expect.stringMatching(/^m\d+$/) },
          { direction: 'out', text: 'Welcome to our bot!', buttons: [], step: 'welcome', at },
          { direction: 'out', text: "What's your name?", buttons: [], step: 'ask_name', at },
        ],
      },
      {
        rev: 2,
        entries: [
          { direction: 'in', text: 'Ann', buttons: [], step: 'ask_name', at, id: expect.stringMatching(/^m\d+$/) },
          {
            direction: 'out',
            text: 'Nice to meet you, Ann!',
            buttons: [
              { text: 'Tell me more', value: 'more_info' },
              { text: 'Goodbye', value: 'end' },
            ],
            step: 'greet_with_name',
            at,
          },
        ],
      },
      {
        rev: 3,
        entries: [
          { direction: 'in', press: 'end', buttons: [], step: 'greet_with_name', at, id: expect.stringMatching(/^m\d+$/) },
          { direction: 'out', text: 'Goodbye, Ann!', buttons: [], step: 'goodbye', at },
        ],
      },
      { rev: 3, step: null, status: 'ended' },
      { rev: 3 },
    ]);
  });

  it('tells a new session that there is no dialog yet', async () => {
    const c = await f.events('greeter', session('fresh'));
    await c.waitFor(readyAt(0));
    expect(c.events).toEqual([
      { event: 'state', id: undefined, data: { rev: 0, step: null, status: 'new' } },
      { event: 'ready', id: undefined, data: { rev: 0 } },
    ]);
  });

  it('resumes after Last-Event-ID, else after ?after=, and replays all for a cursor that is not a revision', async () => {
    const s = await threeTurns('resume');
    const byHeader = await f.events('greeter', s, { headers: { 'last-event-id': '2' } });
    await byHeader.waitFor(readyAt(3));
    expect(revsOf(byHeader)).toEqual([3]);
    const byQuery = await f.events('greeter', s, { query: '?after=1' });
    await byQuery.waitFor(readyAt(3));
    expect(revsOf(byQuery)).toEqual([2, 3]);
    // The header is what a reconnecting EventSource sends: it wins over the page's first cursor.
    const both = await f.events('greeter', s, { query: '?after=0', headers: { 'last-event-id': '3' } });
    await both.waitFor(readyAt(3));
    expect(revsOf(both)).toEqual([]);
    for (const after of ['-1', 'abc', '1.5']) {
      const c = await f.events('greeter', s, { query: `?after=${after}` });
      await c.waitFor(readyAt(3));
      expect(revsOf(c), after).toEqual([1, 2, 3]);
    }
  });

  it('follows the dialog live: each new revision once, with the new state', async () => {
    const s = session('live');
    const c = await f.events('greeter', s);
    await c.waitFor(readyAt(0));
    await f.say('greeter', s, '/start');
    await c.waitFor(stateAt(1));
    await f.say('greeter', s, 'Bea');
    await c.waitFor(stateAt(2));
    expect(revsOf(c)).toEqual([1, 2]);
    expect(c.of('state').map((e) => e.data)).toEqual([
      { rev: 0, step: null, status: 'new' },
      { rev: 1, step: 'ask_name', status: 'active' },
      { rev: 2, step: 'greet_with_name', status: 'active' },
    ]);
    expect((c.of('messages')[1]!.data as { entries: { text: string }[] }).entries.map((e) => e.text)).toEqual(['Bea', 'Nice to meet you, Bea!']);
  });

  it('sends a long transcript in pages without splitting or repeating a revision', async () => {
    const s = session('long');
    await f.say('greeter', s, '/start');
    // /help answers with two messages: 3 entries a turn, so 80 turns pass the 200-entry page more than once.
    for (let i = 0; i < 80; i++) await f.say('greeter', s, '/help');
    const c = await f.events('greeter', s);
    await c.waitFor(readyAt(81));
    expect(revsOf(c)).toEqual(Array.from({ length: 81 }, (_, i) => i + 1));
    const sizes = c.of('messages').map((e) => (e.data as { entries: unknown[] }).entries.length);
    expect(sizes).toEqual(Array.from({ length: 81 }, () => 3));
  });

  it('picks up what another process stored, through its poll', async () => {
    const s = session('elsewhere');
    const c = await f.events('greeter', s);
    await c.waitFor(readyAt(0));
    // A second process on the same SQLite file: its replies wake only its own hub.
    const store = await openStore(join(f.dir, 'db.sqlite'));
    const other = new DialogManager({ store, logger: silentLogger(), clock: () => T0 });
    other.registerPlatformAdapter(WEBCHAT_PLATFORM, new WebChatAdapter());
    other.registerBot('greeter', compileFile('examples/spec-example.json').config);
    try {
      expect(await other.processIncomingMessage({ botId: 'greeter', platform: WEBCHAT_PLATFORM, update: { session: s, id: 'other-1', text: '/start' } })).toMatchObject({ status: 'applied', rev: 1 });
    } finally {
      await other.stop();
      await store.close();
    }
    await c.waitFor(stateAt(1));
    expect(revsOf(c)).toEqual([1]);
  });

  it('refuses a bad session id and an unknown bot with JSON errors, without opening a stream', async () => {
    const open = f.streams.size;
    const bad = await fetch(eventsPath('short'));
    expect([bad.status, await bad.json()]).toEqual([400, { error: { code: 'BAD_REQUEST', message: 'the session id must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -' } }]);
    const dots = await fetch(eventsPath('..%2F..%2Fpackage.json0000'));
    expect(dots.status).toBe(400);
    const unknown = await fetch(`${f.url}/chat/api/bots/nobody/sessions/${session('x')}/events`);
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: { code: 'NOT_FOUND', message: 'unknown bot "nobody"' } }]);
    expect(f.streams.size).toBe(open);
  });

  it('forgets a stream once the client goes away', async () => {
    const s = session('gone');
    const c = await f.events('greeter', s);
    await c.waitFor(readyAt(0));
    expect(f.hub.count('greeter', s)).toBe(1);
    await c.close();
    await expect.poll(() => f.hub.count('greeter', s)).toBe(0);
    // Messages after that are applied as usual.
    expect(await f.say('greeter', s, '/start')).toEqual({ status: 'applied', rev: 1 });
  });
});

describe('open stream limit', () => {
  it('refuses streams past the limit with 503 and Retry-After, and takes new ones once one closes', async () => {
    const g = await appFixture({ maxStreams: 1 });
    try {
      const first = await g.events('greeter', session('first'));
      await first.waitFor(readyAt(0));
      const refused = await fetch(`${g.url}/chat/api/bots/greeter/sessions/${session('second')}/events`);
      expect([refused.status, refused.headers.get('retry-after'), await refused.json()]).toEqual([
        503,
        '10',
        { error: { code: 'UNAVAILABLE', message: 'temporarily unavailable, retry later' } },
      ]);
      await first.close();
      await expect.poll(() => g.streams.size).toBe(0);
      const second = await g.events('greeter', session('second'));
      await second.waitFor(readyAt(0));
    } finally {
      await g.close();
    }
  });
});
