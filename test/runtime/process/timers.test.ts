/**
 * Real timers in real `scenarist serve` processes on one SQLite file, against the fake Bot API: every reminder and
 * timeout message arrives exactly once, whichever process fires it; a process killed (SIGKILL) before its dialogs'
 * timers come due leaves them to the other process, or to itself restarted, and they fire once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../runtime/store/index.js';
import { FakeBotApi } from '../../../runtime/testing/fake-bot-api.js';
import { textUpdate } from '../../support/server-fixture.js';
import { processWorkspace, startServerProcess, type ServerProcess } from '../../support/server-process.js';

const CHATS = Number(process.env['PROCESS_CHATS'] ?? 12);
const ENV = { AGENDA_SWEEP_SECONDS: '1', AGENDA_LEASE_SECONDS: '2', DELIVERY_SWEEP_SECONDS: '1', DELIVERY_LEASE_SECONDS: '1' };
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** One input step with a reminder and a timeout, both short real durations. */
const scenario = (remind: string, timeout: string): object => ({
  name: 'Short timers',
  version: '1',
  start_step: 'ask',
  steps: {
    ask: {
      message: { text: 'Your name?' },
      expected_input: { type: 'text', variable: 'name' },
      reminders: [{ after: remind, message: 'Still there?' }],
      timeout: { after: timeout, next: 'closed' },
      next_step: 'thanks',
    },
    thanks: { message: { text: 'Thanks, {{name}}.' } },
    closed: { message: { text: 'Closed.' } },
  },
});
const SAID = ['Your name?', 'Still there?', 'Closed.'];
const withoutRepeats = (texts: string[]): string[] => texts.filter((t, i) => i === 0 || texts[i - 1] !== t);
const chatOf = (c: number): number => 5100 + c;

async function started(ws: ReturnType<typeof processWorkspace>, apiUrl: string): Promise<ServerProcess> {
  const s = await startServerProcess(ws, apiUrl, ENV);
  cleanup.push(() => s.stop());
  return s;
}

/** Waits until every chat has said everything, then until nothing is left to fire or deliver; returns the store. */
async function settled(api: FakeBotApi, db: string) {
  await api.waitFor((a) => Array.from({ length: CHATS }, (_, c) => withoutRepeats(a.texts(chatOf(c))).length).every((n) => n >= SAID.length), 30_000);
  const store = await openSqliteStore({ file: db });
  cleanup.push(() => store.close());
  const idle = async (): Promise<boolean> => {
    if ((await store.pendingDeliveries(Date.now() + 3_600_000, 10)).length > 0) return false;
    for (let c = 0; c < CHATS; c++) {
      const d = await store.getDialog({ botId: 'greeter', platform: 'telegram', chatId: String(chatOf(c)) });
      if (d?.status !== 'ended' || (d.agenda ?? []).length > 0) return false;
    }
    return true;
  };
  await expect.poll(idle, { timeout: 15_000 }).toBe(true);
  return store;
}

/** Reminder and timeout messages exactly once each; the first reply at least once (a kill may repeat it). */
function expectTimersOnce(api: FakeBotApi): void {
  for (let c = 0; c < CHATS; c++) {
    const texts = api.texts(chatOf(c));
    expect(withoutRepeats(texts), `chat ${chatOf(c)}`).toEqual(SAID);
    expect(texts.filter((t) => t === 'Still there?'), `chat ${chatOf(c)}`).toHaveLength(1);
    expect(texts.filter((t) => t === 'Closed.'), `chat ${chatOf(c)}`).toHaveLength(1);
  }
}

describe('timers in two server processes on one SQLite file', () => {
  it('fire each reminder and timeout exactly once', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    const ws = processWorkspace(scenario('1s', '2s'));
    const servers = [await started(ws, api.url), await started(ws, api.url)];
    for (let c = 0; c < CHATS; c++) expect(await servers[c % 2]!.post(textUpdate(chatOf(c), '/start', c + 1))).toBe(200);
    await settled(api, ws.db);
    expectTimersOnce(api);
    expect(api.count('sendMessage')).toBe(CHATS * SAID.length);
  });

  it('a process killed before its timers come due: the other process fires them, once', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    // Long enough for the kill to land before anything is due.
    const ws = processWorkspace(scenario('3s', '4s'));
    const doomed = await startServerProcess(ws, api.url, ENV);
    await started(ws, api.url);
    for (let c = 0; c < CHATS; c++) expect(await doomed.post(textUpdate(chatOf(c), '/start', c + 1))).toBe(200);
    await doomed.kill();
    await settled(api, ws.db);
    expectTimersOnce(api);
  });

  it('a process killed before its timers come due and restarted on the file fires them, once', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    const ws = processWorkspace(scenario('3s', '4s'));
    const first = await startServerProcess(ws, api.url, ENV);
    for (let c = 0; c < CHATS; c++) expect(await first.post(textUpdate(chatOf(c), '/start', c + 1))).toBe(200);
    await first.kill();
    await started(ws, api.url);
    await settled(api, ws.db);
    expectTimersOnce(api);
  });
});
