/**
 * Delivery across processes on one SQLite file, against the fake Bot API: a send slower than the lease, a crash
 * (kill -9) and restart, and a restart with a wrong ENCRYPTION_KEY. Every sendMessage is counted.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../runtime/store/index.js';
import { FakeBotApi } from '../../../runtime/testing/fake-bot-api.js';
import { pressUpdate, textUpdate } from '../../support/server-fixture.js';
import { processWorkspace, SPEC_REPLIES, startServerProcess, type ServerProcess } from '../../support/server-process.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function started(...args: Parameters<typeof startServerProcess>): Promise<ServerProcess> {
  const s = await startServerProcess(...args);
  // SIGKILL: a process that would not stop must not hold the suite up.
  cleanup.push(() => s.kill());
  return s;
}

const key = (chat: number) => ({ botId: 'greeter', platform: 'telegram', chatId: String(chat) });
const sentTexts = (api: FakeBotApi, chat: number): string[] =>
  api.calls.filter((c) => c.method === 'sendMessage' && String(c.payload['chat_id']) === String(chat)).map((c) => String(c.payload['text']));

describe('delivery across processes', () => {
  it('sends every reply once when one send outlasts the lease while another process sweeps', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    // The first sendMessage takes 6 s; the lease is 3 s.
    api.fail({ method: 'sendMessage', status: 200, delayMs: 6_000, times: 1 });
    const ws = processWorkspace();
    const env = { DELIVERY_LEASE_SECONDS: '3', DELIVERY_SWEEP_SECONDS: '1' };
    const first = await started(ws, api.url, env);
    await started(ws, api.url, env);
    const chat = 5101;
    expect(await first.post(textUpdate(chat, '/start', 1))).toBe(200);
    expect(await first.post(textUpdate(chat, 'Ann', 2))).toBe(200);
    expect(await first.post(pressUpdate(chat, 'more_info', 3))).toBe(200);
    await api.waitFor((a) => a.texts(chat).length >= 5, 30_000);
    const store = await openSqliteStore({ file: ws.db });
    cleanup.push(() => store.close());
    await expect.poll(async () => (await store.getDialog(key(chat)))?.delivered, { timeout: 10_000 }).toBe(5);
    expect(sentTexts(api, chat)).toEqual(SPEC_REPLIES('Ann'));
  });

  it('repeats a reply only when its answer was lost (the one case of a duplicate)', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    api.fail({ method: 'sendMessage', status: 200, drop: true, times: 1 });
    const ws = processWorkspace();
    const first = await started(ws, api.url);
    await started(ws, api.url);
    const chat = 5151;
    expect(await first.post(textUpdate(chat, '/start', 1))).toBe(200);
    await api.waitFor((a) => a.texts(chat).length >= 3, 30_000);
    const [welcome, ask] = SPEC_REPLIES('x');
    expect(api.texts(chat)).toEqual([welcome, welcome, ask]);
  });

  it('after kill -9, the restarted process sends pending and new replies without waiting for the dead lease', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    // Sends hang long enough for the kill to land while the lease is held.
    api.fail({ method: 'sendMessage', status: 200, delayMs: 60_000, times: 1 });
    const ws = processWorkspace();
    const env = { DELIVERY_LEASE_SECONDS: '120', DELIVERY_SWEEP_SECONDS: '1' };
    const first = await started(ws, api.url, env);
    const chat = 5201;
    expect(await first.post(textUpdate(chat, '/start', 1))).toBe(200);
    await api.waitFor((a) => a.count('sendMessage') >= 1, 10_000);
    await first.kill();
    const db = new Database(ws.db, { readonly: true });
    const lease = db.prepare('SELECT lease_until FROM dialogs WHERE chat_id = ?').get(String(chat)) as { lease_until: number };
    db.close();
    const second = await started(ws, api.url, env);
    expect(await second.post(textUpdate(chat, 'Bob', 2))).toBe(200);
    await api.waitFor((a) => a.texts(chat).length >= 3, 30_000);
    // Delivered while the dead process's lease was still running: it was taken over, not waited out.
    expect(Date.now()).toBeLessThan(lease.lease_until);
    // The reply in flight at the kill may repeat (its outcome is unknown); nothing else does.
    const texts = sentTexts(api, chat);
    expect(texts.slice(-3)).toEqual(SPEC_REPLIES('Bob').slice(0, 3));
    expect(texts.length).toBeLessThanOrEqual(4);
  });

  it('SIGTERM ends a retry_after wait, and the restarted process answers the chat at once', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    api.fail({ method: 'sendMessage', status: 429, retryAfter: 3600, times: 1 });
    const ws = processWorkspace();
    const first = await started(ws, api.url);
    const chat = 5401;
    expect(await first.post(textUpdate(chat, '/start', 1))).toBe(200);
    await api.waitFor((a) => a.calls.some((c) => c.method === 'sendMessage' && c.status === 429), 10_000);
    // Waiting (capped at 30 s) for the second attempt: the stop must not wait for it.
    const stopped = first.stop().then(() => 'exited');
    expect(await Promise.race([stopped, new Promise((r) => setTimeout(() => r('still running'), 15_000))])).toBe('exited');
    await started(ws, api.url, { DELIVERY_LEASE_SECONDS: '3600' });
    await api.waitFor((a) => a.texts(chat).length >= 2, 20_000);
    expect(api.texts(chat)).toEqual(SPEC_REPLIES('x').slice(0, 2));
  });

  it('keeps replies pending under a wrong ENCRYPTION_KEY, and delivers them once restarted with the right one', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    // Failing until the last phase, so no retry can succeed while the first process stops.
    api.fail({ method: 'sendMessage', status: 500, times: 1_000_000 });
    const ws = processWorkspace();
    const env = { DELIVERY_SWEEP_SECONDS: '1' };
    const first = await started(ws, api.url, env);
    const chat = 5301;
    expect(await first.post(textUpdate(chat, '/start', 1))).toBe(200);
    await api.waitFor((a) => a.count('sendMessage') >= 1, 10_000);
    await first.stop();
    const store = await openSqliteStore({ file: ws.db });
    cleanup.push(() => store.close());
    expect((await store.getDialog(key(chat)))?.delivered).toBe(0);

    // The token is stored encrypted; without it in the environment, a wrong key cannot read it.
    const wrong = await started(ws, api.url, { ...env, ENCRYPTION_KEY: 'e'.repeat(64), TELEGRAM_TOKEN_GREETER: '' });
    await expect.poll(() => wrong.lines.some((l) => l['bot_id'] === 'greeter' && String(l['msg']).startsWith('replies wait')), { timeout: 10_000 }).toBe(true);
    await wrong.stop();
    expect(await store.getDialog(key(chat))).toMatchObject({ lastSeq: 2, delivered: 0 });

    api.reset();
    await started(ws, api.url, { ...env, TELEGRAM_TOKEN_GREETER: '' });
    await api.waitFor((a) => a.texts(chat).length >= 2, 30_000);
    expect(api.texts(chat)).toEqual(SPEC_REPLIES('x').slice(0, 2));
  });
});
