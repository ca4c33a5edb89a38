/**
 * Two `scenarist serve` processes on one SQLite file get interleaved and duplicated updates for the same chats.
 * Every distinct update is applied exactly once (final revision = distinct updates) and every chat gets its
 * replies exactly once, in order.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../runtime/store/index.js';
import { FakeBotApi } from '../../../runtime/testing/fake-bot-api.js';
import { seed as fcSeed } from '../../support/fc-settings.js';
import { pressUpdate, textUpdate } from '../../support/server-fixture.js';
import { processWorkspace, SPEC_REPLIES, startServerProcess, type ServerProcess } from '../../support/server-process.js';

const CHATS = Number(process.env['PROCESS_CHATS'] ?? 30);
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('two server processes on one SQLite file', () => {
  it('never lose or double-apply a transition, and send every reply exactly once', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    const ws = processWorkspace();
    const servers: ServerProcess[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await startServerProcess(ws, api.url, { DELIVERY_SWEEP_SECONDS: '1' });
      servers.push(s);
      cleanup.push(() => s.stop());
    }
    // Which server gets each update, and whether the other one gets it too, come from a seeded generator.
    const rng = fc.sample(fc.tuple(fc.nat(1), fc.boolean(), fc.nat(3)), { seed: fcSeed, numRuns: CHATS * 3 });
    let r = 0;
    let duplicates = 0;
    await Promise.all(
      Array.from({ length: CHATS }, async (_, c) => {
        const chat = 7000 + c;
        const updates = [textUpdate(chat, '/start', chat * 10 + 1), textUpdate(chat, `N${c}`, chat * 10 + 2), pressUpdate(chat, 'more_info', chat * 10 + 3)];
        for (const update of updates) {
          const [first, dup, delay] = rng[r++]!;
          const sends = [servers[first]!.post(update)];
          if (dup) {
            duplicates++;
            sends.push(new Promise((res) => setTimeout(res, delay)).then(() => servers[1 - first]!.post(update)));
          }
          expect(await Promise.all(sends)).toEqual(sends.map(() => 200));
        }
      }),
    );
    expect(duplicates).toBeGreaterThan(CHATS / 2);
    await api.waitFor((a) => a.count('sendMessage') >= CHATS * 5, 30_000);
    const store = await openSqliteStore({ file: ws.db });
    cleanup.push(() => store.close());
    // Both processes have finished delivering: nothing pending anywhere.
    await expect.poll(async () => (await store.pendingDeliveries(Date.now() + 3_600_000, 10)).length, { timeout: 10_000 }).toBe(0);
    for (let c = 0; c < CHATS; c++) {
      const chat = 7000 + c;
      expect(api.texts(chat), `chat ${chat}`).toEqual(SPEC_REPLIES(`N${c}`));
      const state = await store.getDialog({ botId: 'greeter', platform: 'telegram', chatId: String(chat) });
      expect(state).toMatchObject({ rev: 3, status: 'ended', lastSeq: 5, delivered: 5 });
    }
    expect(api.count('sendMessage')).toBe(CHATS * 5);
  });
});
