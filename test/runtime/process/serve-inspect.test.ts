import { createWebSocketReceiver } from '@statelyai/inspect';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/free-port.js';
import { processWorkspace, startServerProcess, type ServerProcess } from '../../support/server-process.js';

const SESSION = 'inspect-session-0001';

describe('scenarist serve --inspect', () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("relays the dialog actors' events of the running server to the inspector", async () => {
    const port = await freePort();
    // No Bot API is called: the dialog goes through the web chat.
    server = await startServerProcess(processWorkspace(), 'http://127.0.0.1:9', {}, ['--inspect', '--inspect-port', String(port)]);
    expect(server.stderr()).toContain(`listening on ${new URL(server.url).host}.`);
    expect(server.stderr()).toContain(`Inspector: http://localhost:${port} (loads https://stately.ai/inspect: the browser needs internet)`);
    const events: { type: string; event?: { type?: string; text?: string } }[] = [];
    const sub = createWebSocketReceiver({ server: `ws://localhost:${port}` }).subscribe((e) => events.push(e as (typeof events)[number]));
    let n = 0;
    for (const text of ['/start', 'Ann']) {
      const r = await fetch(`${server.url}/chat/api/bots/greeter/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ session: SESSION, id: `m${++n}`, text }),
      });
      expect(r.status).toBe(200);
    }
    await expect
      .poll(() => events.filter((e) => e.type === '@xstate.event' && e.event?.type === 'user.input').map((e) => e.event?.text), { timeout: 15_000 })
      .toContain('Ann');
    sub.unsubscribe();
  }, 60_000);
});
