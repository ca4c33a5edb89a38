/**
 * kill -9 in the middle of a burst, restart on the same SQLite file, redeliver what was not acknowledged (as
 * Telegram does): nothing is lost. Every acknowledged update stays applied, every chat ends with all its
 * replies; a reply may repeat only if the process died between sending it and marking it sent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../runtime/store/index.js';
import { FakeBotApi } from '../../../runtime/testing/fake-bot-api.js';
import { pressUpdate, textUpdate } from '../../support/server-fixture.js';
import { processWorkspace, SPEC_REPLIES, startServerProcess, type ServerProcess } from '../../support/server-process.js';

const CHATS = Number(process.env['CRASH_CHATS'] ?? 40);
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const withoutRepeats = (texts: string[]): string[] => texts.filter((t, i) => i === 0 || texts[i - 1] !== t);

describe('a crash mid-burst', () => {
  it('loses nothing: unacknowledged updates are redelivered, committed replies are delivered after restart', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    // Slow replies, so the kill lands while replies are committed but not yet sent.
    api.fail({ method: 'sendMessage', status: 200, delayMs: 30, times: Infinity });
    const ws = processWorkspace();
    const env = { DELIVERY_LEASE_SECONDS: '1', DELIVERY_SWEEP_SECONDS: '1' };
    const first = await startServerProcess(ws, api.url, env);
    const conversations = Array.from({ length: CHATS }, (_, c) => {
      const chat = 9000 + c;
      return [textUpdate(chat, '/start', chat * 10 + 1), textUpdate(chat, `M${c}`, chat * 10 + 2), pressUpdate(chat, 'more_info', chat * 10 + 3)];
    });
    const acked = new Set<number>();
    const progress = new Array<number>(CHATS).fill(0);
    let killed = false;
    const run = (server: ServerProcess) =>
      Promise.all(
        conversations.map(async (updates, c) => {
          while (progress[c]! < updates.length) {
            const update = updates[progress[c]!]!;
            const status = await server.post(update).catch(() => 0);
            if (status !== 200) return; // the server is gone: Telegram keeps it for later
            acked.add(update['update_id'] as number);
            progress[c]!++;
            if (!killed && acked.size >= CHATS) {
              killed = true;
              await server.kill();
            }
          }
        }),
      );
    await run(first);
    expect(killed).toBe(true);
    const ackedBeforeCrash = new Set(acked);
    expect(ackedBeforeCrash.size).toBeGreaterThanOrEqual(CHATS);
    expect(ackedBeforeCrash.size).toBeLessThan(CHATS * 3);
    const sentBeforeRestart = api.count('sendMessage');

    const second = await startServerProcess(ws, api.url, env);
    cleanup.push(() => second.stop());
    // Telegram may also redeliver an update whose answer it never saw: resend the last acknowledged one of each chat.
    for (const [c, updates] of conversations.entries()) {
      if (progress[c]! > 0) expect(await second.post(updates[progress[c]! - 1]!)).toBe(200);
    }
    await run(second);
    expect(progress.every((p) => p === 3)).toBe(true);
    await api.waitFor((a) => conversations.every((_, c) => withoutRepeats(a.texts(9000 + c)).length === 5), 30_000);

    const store = await openSqliteStore({ file: ws.db });
    cleanup.push(() => store.close());
    let repeats = 0;
    for (let c = 0; c < CHATS; c++) {
      const texts = api.texts(9000 + c);
      expect(withoutRepeats(texts), `chat ${9000 + c}`).toEqual(SPEC_REPLIES(`M${c}`));
      repeats += texts.length - 5;
      expect(await store.getDialog({ botId: 'greeter', platform: 'telegram', chatId: String(9000 + c) })).toMatchObject({ rev: 3, lastSeq: 5, delivered: 5 });
    }
    // At most one message per dialog can be in flight when the process dies.
    expect(repeats).toBeLessThanOrEqual(CHATS);
    expect(sentBeforeRestart).toBeLessThan(CHATS * 5);
  });
});
