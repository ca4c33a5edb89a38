import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WEBCHAT_PLATFORM } from '../../../runtime/http/index.js';
import type { RunningServer } from '../../../runtime/server/index.js';
import { session } from './app-fixture.js';
import { serveGreeter } from './serve-greeter.js';

const TOKEN = 'activate-tests-admin-token-0123';
const V2 = 'scenario "Greeter 2" version "2.0"\nstart hello\n\nstep hello\n  say "Hello from version 2!"\n  ask text -> name\n  go bye\n\nstep bye\n  say "Bye, {{name}}."\n';


const admin = (server: RunningServer, path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` } });

/** The first reply a new web chat session gets. */
async function greeting(server: RunningServer, label: string): Promise<string | undefined> {
  const s = session(label);
  const r = await fetch(`${server.url}/chat/api/bots/greeter/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session: s, id: `${label}-1`, text: '/start' }) });
  expect(r.status).toBe(200);
  return (await server.store.history({ botId: 'greeter', platform: WEBCHAT_PLATFORM, chatId: s })).find((h) => h.direction === 'out')?.text;
}

describe('the active scenario version across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-activate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps an uploaded version, and then an activated older one, running after a restart of an unchanged file', async () => {
    const first = await serveGreeter(dir, TOKEN);
    try {
      expect(await greeting(first, 'v1')).toBe('Welcome to our bot!');
      const up = await admin(first, '/api/bots/greeter/scenarios', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: V2 });
      expect([up.status, ((await up.json()) as { version: number }).version]).toEqual([201, 2]);
      expect(await greeting(first, 'v2')).toBe('Hello from version 2!');
    } finally {
      await first.close();
    }

    const second = await serveGreeter(dir, TOKEN);
    try {
      expect(second.bots.map((b) => b.version)).toEqual([2]);
      expect(await greeting(second, 'v2-again')).toBe('Hello from version 2!');
      const activated = await admin(second, '/api/bots/greeter/scenarios/1/activate', { method: 'POST' });
      expect([activated.status, ((await activated.json()) as { version: number }).version]).toEqual([200, 1]);
      expect(await greeting(second, 'rolled-back')).toBe('Welcome to our bot!');
    } finally {
      await second.close();
    }

    const third = await serveGreeter(dir, TOKEN);
    try {
      expect(third.bots.map((b) => b.version)).toEqual([1]);
      expect(await greeting(third, 'still-v1')).toBe('Welcome to our bot!');
      const listed = (await (await admin(third, '/api/bots/greeter/scenarios')).json()) as { active: number; versions: { version: number }[] };
      expect([listed.active, listed.versions.map((v) => v.version)]).toEqual([1, [2, 1]]);
    } finally {
      await third.close();
    }
  });
});
