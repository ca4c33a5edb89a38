import { describe, expect, it } from 'vitest';
import { MediaGroupBuffer, MediaGroupUpdate, parseTelegramUpdate, startTelegramPolling } from '../../../../runtime/adapters/telegram/index.js';
import { fakeUpdates } from '../../../../runtime/testing/fake-bot-api.js';
import { useFakeBotApi } from './fake-api-fixture.js';

const TOKEN = '7170:album_Secret';
const fake = useFakeBotApi();

/** Timers run by hand: `advance(ms)` fires what is due. */
function manualTimers() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      timers.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimer: (id: unknown) => void timers.delete(id as number),
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...timers]) {
        if (t.at <= now) {
          timers.delete(id);
          t.fn();
        }
      }
    },
  };
}

const part = (updateId: number, chat: number, group: string, fileId: string) => ({ update_id: updateId, ...fakeUpdates.photo(chat, { file_id: fileId, file_unique_id: `u${fileId}`, file_size: 10, file_path: 'p' }, { mediaGroupId: group }) });
const text = (updateId: number, chat: number, t: string) => ({ update_id: updateId, message: { message_id: updateId, date: 1, chat: { id: chat, type: 'private' }, text: t } });

describe('MediaGroupBuffer', () => {
  it('holds the parts of an album and hands them over as one update a window after the last part', async () => {
    const clock = manualTimers();
    const handed: MediaGroupUpdate[] = [];
    const buffer = new MediaGroupBuffer(async (u) => void handed.push(u), { ...clock, windowMs: 600, maxWaitMs: 3000 });
    expect(await buffer.take(part(1, 5, 'g1', 'a'))).toBe(true);
    clock.advance(500);
    expect(await buffer.take(part(2, 5, 'g1', 'b'))).toBe(true);
    clock.advance(500);
    expect(handed).toEqual([]);
    clock.advance(100);
    expect(handed).toHaveLength(1);
    expect(handed[0]!.parts.map((p) => (p as { update_id: number }).update_id)).toEqual([1, 2]);
    expect(buffer.size).toBe(0);
  });

  it('holds a group no longer than the cap after its first part', async () => {
    const clock = manualTimers();
    const handed: MediaGroupUpdate[] = [];
    const buffer = new MediaGroupBuffer(async (u) => void handed.push(u), { ...clock, windowMs: 600, maxWaitMs: 1000 });
    for (let i = 0; i < 4; i++) {
      await buffer.take(part(i + 1, 5, 'g', String(i)));
      clock.advance(300);
    }
    // Parts at 0, 300, 600 and 900 ms: the cap ends the wait at 1000 ms, not 1500.
    clock.advance(100);
    expect(handed.map((h) => h.parts.length)).toEqual([4]);
  });

  it('hands an album of ten over at once, and keeps groups of other chats apart', async () => {
    const clock = manualTimers();
    const handed: MediaGroupUpdate[] = [];
    const buffer = new MediaGroupBuffer(async (u) => void handed.push(u), clock);
    await buffer.take(part(100, 6, 'other', 'x'));
    for (let i = 0; i < 10; i++) await buffer.take(part(i + 1, 5, 'g', String(i)));
    expect(handed.map((h) => h.parts.length)).toEqual([10]);
    expect(buffer.size).toBe(1);
  });

  it('hands a chat\'s album over before a later message of that chat, and leaves other updates alone', async () => {
    const clock = manualTimers();
    const order: string[] = [];
    const buffer = new MediaGroupBuffer(async () => void order.push('album'), clock);
    await buffer.take(part(1, 5, 'g', 'a'));
    expect(await buffer.take(text(2, 6, 'other chat'))).toBe(false);
    expect(order).toEqual([]);
    expect(await buffer.take(text(3, 5, 'done'))).toBe(false);
    expect(order).toEqual(['album']);
  });

  it('hands everything held over on flush, and reports a failed handover', async () => {
    const errors: unknown[] = [];
    const buffer = new MediaGroupBuffer(async () => Promise.reject(new Error('store down')), { ...manualTimers(), onError: (e) => errors.push(e) });
    await buffer.take(part(1, 5, 'g', 'a'));
    await buffer.flush();
    expect(errors).toHaveLength(1);
    expect(buffer.size).toBe(0);
  });

  it('combines what it hands over into one message of the group', async () => {
    const clock = manualTimers();
    let combined: unknown;
    const buffer = new MediaGroupBuffer(async (u) => void (combined = parseTelegramUpdate(u)), clock);
    await buffer.take(part(1, 5, 'g7', 'a'));
    await buffer.take(part(2, 5, 'g7', 'b'));
    await buffer.flush();
    expect(combined).toMatchObject({ kind: 'message', updateId: 'g:5:g7', message: { files: [{ ref: 'a' }, { ref: 'b' }] } });
  });
});

describe('albums through long polling', () => {
  it('combines parts that arrive in different getUpdates batches', async () => {
    const seen: unknown[] = [];
    const polling = await startTelegramPolling({ token: TOKEN, apiRoot: fake().url, onUpdate: async (u) => void seen.push(u), mediaGroups: { windowMs: 300 } });
    try {
      fake().pushUpdate(TOKEN, part(1, 9, 'alb', 'a'));
      // The first part is taken (and confirmed by the next getUpdates) before the second exists.
      await fake().waitFor(() => fake().calls.filter((c) => c.method === 'getUpdates' && c.payload['offset'] === 2).length > 0);
      fake().pushUpdate(TOKEN, part(2, 9, 'alb', 'b'));
      fake().pushUpdate(TOKEN, text(3, 8, 'another chat'));
      await fake().waitFor(() => seen.length === 2);
    } finally {
      await polling.stop();
    }
    expect(seen[0]).toMatchObject({ update_id: 3 });
    expect(seen[1]).toBeInstanceOf(MediaGroupUpdate);
    expect((seen[1] as MediaGroupUpdate).parts.map((p) => (p as { update_id: number }).update_id)).toEqual([1, 2]);
  });

  it('hands a held album over when polling stops', async () => {
    const seen: unknown[] = [];
    const polling = await startTelegramPolling({ token: TOKEN, apiRoot: fake().url, onUpdate: async (u) => void seen.push(u), mediaGroups: { windowMs: 60_000, maxWaitMs: 60_000 } });
    fake().pushUpdate(TOKEN, part(1, 9, 'alb2', 'a'));
    await fake().waitFor(() => fake().calls.some((c) => c.method === 'getUpdates' && c.payload['offset'] === 2));
    expect(seen).toEqual([]);
    await polling.stop();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(MediaGroupUpdate);
  });
});
