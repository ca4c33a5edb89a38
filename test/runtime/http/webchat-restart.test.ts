import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../runtime/server/index.js';
import { session } from './app-fixture.js';
import { serveGreeter } from './serve-greeter.js';
import { SseClient, type SseEvent } from './sse-client.js';


const post = async (server: RunningServer, body: Record<string, string>) => {
  const r = await fetch(`${server.url}/chat/api/bots/greeter/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return [r.status, await r.json()];
};
const readyAt = (rev: number) => (e: SseEvent) => e.event === 'ready' && (e.data as { rev: number }).rev === rev;

describe('the web chat across a server restart', () => {
  it('replays the same transcript and continues the dialog where it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-restart-'));
    const s = session('restart');
    const first = await serveGreeter(dir, 'restart-tests-admin-token-0123');
    let before: SseEvent[];
    try {
      expect(await post(first, { session: s, id: 'r1', text: '/start' })).toEqual([200, { status: 'applied', rev: 1 }]);
      expect(await post(first, { session: s, id: 'r2', text: 'Ann' })).toEqual([200, { status: 'applied', rev: 2 }]);
      const stream = await SseClient.open(`${first.url}/chat/api/bots/greeter/sessions/${s}/events`);
      await stream.waitFor(readyAt(2));
      before = stream.of('messages');
      await stream.close();
    } finally {
      await first.close();
    }
    expect(before.map((e) => e.id)).toEqual(['1', '2']);

    const second = await serveGreeter(dir, 'restart-tests-admin-token-0123');
    try {
      const stream = await SseClient.open(`${second.url}/chat/api/bots/greeter/sessions/${s}/events`);
      try {
        await stream.waitFor(readyAt(2));
        expect(stream.of('messages')).toEqual(before);
        expect(stream.of('state').map((e) => e.data)).toEqual([{ rev: 2, step: 'greet_with_name', status: 'active' }]);
        // The ids of applied messages were stored with the dialog: a retry from before the restart stays a duplicate.
        expect(await post(second, { session: s, id: 'r2', text: 'Ann' })).toEqual([200, { status: 'duplicate' }]);
        expect(await post(second, { session: s, id: 'r3', press: 'more_info' })).toEqual([200, { status: 'applied', rev: 3 }]);
        await stream.waitFor((e) => e.event === 'messages' && e.id === '3');
        const last = stream.of('messages').at(-1)!.data as { entries: { text: string }[] };
        expect(last.entries.map((e) => e.text)).toEqual([undefined, 'This bot was built with Scenarist: a JSON scenario compiled into a state machine.', 'Goodbye, Ann!']);
      } finally {
        await stream.close();
      }
    } finally {
      await second.close();
    }
  });
});
