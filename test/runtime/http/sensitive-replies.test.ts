// A reply that shows a sensitive answer reaches the user's own chat in clear, and every other sink masked: the
// conversation log, the stored history, the admin API, `scenarist history`.
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig } from '../../../compiler/index.js';
import { WebChatAdapter } from '../../../runtime/adapters/webchat/index.js';
import { DialogManager } from '../../../runtime/dialogs/index.js';
import { createApp, SseStreams, WEBCHAT_PLATFORM } from '../../../runtime/http/index.js';
import { openStore, type Store } from '../../../runtime/store/index.js';
import { captureLogger } from '../../support/capture-logger.js';
import { runCli } from '../../support/cli.js';
import { RecordingAdapter } from '../../support/recording-adapter.js';
import { SseClient } from './sse-client.js';

const TOKEN = 'sensitive-tests-admin-token-0123456789';
const SECRET = 'Hunter2-Zebra-Quartz';

const REVEAL_SCN = `scenario "Reveal" version "1.0"
start ask_pw

step ask_pw
  say "Choose a password"
  ask text -> pw
    sensitive
  go confirm

step confirm
  set copy = pw
  say "pw={{pw}} copy={{copy}} length ok"
  ask text -> answer
  go done

step done
  say "Saved."
`;

let dir: string;
let store: Store;
let manager: DialogManager;
let server: Server;
let url: string;
let lines: Record<string, unknown>[];
const recording = new RecordingAdapter();
const webchat = new WebChatAdapter();
const streams = new SseStreams(15_000);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scenarist-sensitive-'));
  store = await openStore(join(dir, 'db.sqlite'));
  const captured = captureLogger('info');
  lines = captured.lines;
  manager = new DialogManager({ store, logger: captured.logger });
  manager.registerPlatformAdapter('test', recording);
  manager.registerPlatformAdapter(WEBCHAT_PLATFORM, webchat);
  const { ir } = compileScenario(REVEAL_SCN, { file: 'reveal.scn' });
  manager.registerBot('reveal', emitMachineConfig(ir!));
  const app = createApp({
    manager,
    store,
    logger: captured.logger,
    telegramSecretOf: () => undefined,
    bots: () => [{ id: 'reveal', name: 'Reveal' }],
    webchat: { hub: webchat.hub, ratePerMinute: 10_000, pollMs: 100 },
    adminToken: TOKEN,
    maskPii: false,
    pages: false,
    streams,
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  streams.closeAll();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await manager.stop();
  await store.close();
});

const admin = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });

describe('a reply that shows a sensitive variable', () => {
  it('reaches the platform in clear and is masked in the log, the history, the admin API and scenarist history', async () => {
    const send = (id: number, text: string) => manager.processIncomingMessage({ botId: 'reveal', platform: 'test', update: { id, chat: '42', text } });
    await send(1, '/start');
    await send(2, SECRET);
    await manager.deliverPending({ botId: 'reveal', platform: 'test', chatId: '42' });

    // The user's own chat gets the real text.
    expect(recording.texts('42')).toContain(`pw=${SECRET} copy=${SECRET} length ok`);

    const outgoing = lines.filter((l) => l['event_type'] === 'OUTGOING').map((l) => l['text']);
    expect(outgoing).toContain('pw=*** copy=*** length ok');
    expect(JSON.stringify(lines)).not.toContain(SECRET);

    const key = { botId: 'reveal', platform: 'test', chatId: '42' };
    const history = await store.history(key);
    expect(history.map((h) => h.text)).toContain('pw=*** copy=*** length ok');
    expect(JSON.stringify(history)).not.toContain(SECRET);

    const api = await admin('/api/bots/reveal/dialogs/test/42/history');
    expect(api.status).toBe(200);
    const body = await api.text();
    expect(body).toContain('pw=*** copy=*** length ok');
    expect(body).not.toContain(SECRET);
    const vars = await (await admin('/api/bots/reveal/dialogs/test/42')).text();
    expect(vars).not.toContain(SECRET);

    for (const extra of [[], ['--json']]) {
      const cli = await runCli(['history', '--bot-id', 'reveal', '--chat-id', '42', '--platform', 'test', '--database', join(dir, 'db.sqlite'), ...extra]);
      expect(cli.code).toBe(0);
      expect(cli.stdout).toContain('pw=*** copy=*** length ok');
      expect(cli.stdout).not.toContain(SECRET);
    }
  });

  it("shows the real text on the web chat's own stream, masked in the admin API and the log", async () => {
    const session = 'sensitive_session_0001';
    const post = async (id: string, text: string) => {
      const r = await fetch(`${url}/chat/api/bots/reveal/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ session, id, text }),
      });
      expect(r.status).toBe(200);
    };
    await post('w1', '/start');
    await post('w2', SECRET);
    const stream = await SseClient.open(`${url}/chat/api/bots/reveal/sessions/${session}/events`);
    try {
      const shown = await stream.waitFor((e) => e.event === 'messages' && (e.data as { rev: number }).rev === 2);
      const texts = (shown.data as { entries: { direction: string; text?: string }[] }).entries.map((e) => e.text);
      // The user's own answer stays masked (as stored); the reply is shown as sent.
      expect(texts).toEqual(['***', `pw=${SECRET} copy=${SECRET} length ok`]);
    } finally {
      await stream.close();
    }

    const body = await (await admin(`/api/bots/reveal/dialogs/${WEBCHAT_PLATFORM}/${session}/history`)).text();
    expect(body).toContain('pw=*** copy=*** length ok');
    expect(body).not.toContain(SECRET);
    expect(JSON.stringify(await store.history({ botId: 'reveal', platform: WEBCHAT_PLATFORM, chatId: session }))).not.toContain(SECRET);
    await manager.deliverPending({ botId: 'reveal', platform: WEBCHAT_PLATFORM, chatId: session });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});
