import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pressUpdate, serverFixture, textUpdate, type ServerFixture } from '../../../support/server-fixture.js';

/** The Telegram shapes a server meets beyond private chats: long replies, forum topics, groups, redelivered presses. */

let nextUpdate = 700_000;
const GROUP = -1001000000002;
const FORUM = -1001000000001;

function groupText(chat: number, user: number, text: string, thread?: number): Record<string, unknown> {
  const id = nextUpdate++;
  const message: Record<string, unknown> = {
    message_id: id,
    from: { id: user, is_bot: false, first_name: `Member${user}` },
    chat: { id: chat, type: 'supergroup', title: 'Team', ...(thread !== undefined ? { is_forum: true } : {}) },
    date: 1_700_000_000,
    text,
  };
  if (thread !== undefined) Object.assign(message, { message_thread_id: thread, is_topic_message: true });
  return { update_id: id, message };
}

const key = (f: ServerFixture, chatId: string) => f.server.store.getDialog({ botId: 'greeter', platform: 'telegram', chatId });

describe('with the default settings (a dialog per group member)', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await serverFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  it('answers a forum topic message in the same topic, and keeps each topic apart', async () => {
    expect((await f.post(groupText(FORUM, 501, '/start', 42))).status).toBe(200);
    await f.api.waitFor((api) => api.texts(FORUM).length === 2);
    expect(f.api.sent(FORUM).map((c) => c.payload['message_thread_id'])).toEqual([42, 42]);
    expect(await key(f, `${FORUM}:t42:u501`)).toMatchObject({ rev: 1, step: 'ask_name' });
    // A message in another topic starts another dialog, answered in that topic.
    await f.post(groupText(FORUM, 501, '/start', 7));
    await f.api.waitFor((api) => api.texts(FORUM).length === 4);
    expect(f.api.sent(FORUM).map((c) => c.payload['message_thread_id'])).toEqual([42, 42, 7, 7]);
  });

  it('gives two members of one group a dialog each', async () => {
    await f.post(groupText(GROUP, 601, '/start'));
    await f.api.waitFor((api) => api.texts(GROUP).length === 2);
    // The second member's text is not an answer to the first member's question: it opens the member's own dialog.
    await f.post(groupText(GROUP, 602, 'Bob'));
    await f.api.waitFor((api) => api.texts(GROUP).length === 4);
    expect(f.api.texts(GROUP)).not.toContain('Nice to meet you, Bob!');
    expect(await key(f, `${GROUP}:u601`)).toMatchObject({ rev: 1, step: 'ask_name' });
    expect(await key(f, `${GROUP}:u602`)).toMatchObject({ rev: 1, step: 'ask_name' });
    expect(await key(f, String(GROUP))).toBeUndefined();
    // No topic: no message_thread_id.
    expect(f.api.sent(GROUP).every((c) => !('message_thread_id' in c.payload))).toBe(true);
    // The admin API takes the address as the chat id.
    const res = await fetch(`${f.server.url}/api/bots/greeter/dialogs/telegram/${encodeURIComponent(`${GROUP}:u602`)}/history`, {
      headers: { authorization: `Bearer ${f.server.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ chatId: `${GROUP}:u602`, entries: [{ text: 'Bob' }, {}, {}] });
  });

  it('answers every delivery of a button press with its answerCallbackQuery, and advances the dialog once', async () => {
    await f.post(textUpdate(7, '/start'));
    await f.post(textUpdate(7, 'Ann'));
    await f.api.waitFor((api) => api.texts(7).length === 3);
    const press = pressUpdate(7, 'end');
    const call = { method: 'answerCallbackQuery', callback_query_id: (press['callback_query'] as { id: string }).id };
    // A redelivery means Telegram lost the first answer: the spinner still needs stopping.
    for (let i = 0; i < 3; i++) expect(await (await f.post(press)).json()).toEqual(call);
    await f.api.waitFor((api) => api.texts(7).length === 4);
    expect(await key(f, '7')).toMatchObject({ rev: 3 });
    expect(f.api.count('answerCallbackQuery')).toBe(0);
  });
});

describe('with "groupDialogs": "chat"', () => {
  let f: ServerFixture;
  beforeAll(async () => {
    f = await serverFixture({}, { telegram: { groupDialogs: 'chat' } });
  });
  afterAll(async () => {
    await f.close();
  });

  it('shares one dialog among the members of a group', async () => {
    await f.post(groupText(GROUP, 601, '/start'));
    await f.api.waitFor((api) => api.texts(GROUP).length === 2);
    await f.post(groupText(GROUP, 602, 'Bob'));
    await f.api.waitFor((api) => api.texts(GROUP).length === 3);
    expect(f.api.texts(GROUP)[2]).toBe('Nice to meet you, Bob!');
    expect(await key(f, String(GROUP))).toMatchObject({ rev: 2, step: 'greet_with_name' });
  });

  it('still keeps forum topics apart', async () => {
    await f.post(groupText(FORUM, 601, '/start', 42));
    await f.post(groupText(FORUM, 602, 'Bob', 42));
    await f.api.waitFor((api) => api.texts(FORUM).length === 3);
    expect(f.api.sent(FORUM).map((c) => c.payload['message_thread_id'])).toEqual([42, 42, 42]);
    expect(await key(f, `${FORUM}:t42`)).toMatchObject({ rev: 2 });
  });
});

describe('a reply longer than Telegram allows', () => {
  // Ten paragraphs of 999 characters: 10,008 characters in all.
  const paragraphs = Array.from({ length: 10 }, (_, i) => `${i}`.repeat(999));
  const text = paragraphs.join('\n\n');
  let f: ServerFixture;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-long-'));
    const scenario = join(dir, 'long.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        name: 'Long',
        version: '1.0',
        start_step: 'terms',
        steps: {
          terms: {
            type: 'message',
            message: { text },
            buttons: [{ text: 'I agree', value: 'yes' }],
            expected_input: { type: 'button', variable: 'agreed' },
            next_step: 'done',
          },
          done: { type: 'message', message: { text: 'Thanks.' } },
        },
      }),
    );
    f = await serverFixture({}, { scenario });
  });
  afterAll(async () => {
    await f.close();
  });

  it('arrives as 3 parts cut between paragraphs, with the buttons on the last', async () => {
    expect(text.length).toBeGreaterThan(10_000);
    await f.post(textUpdate(11, '/start'));
    await f.api.waitFor((api) => api.texts(11).length === 3);
    const parts = f.api.texts(11);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join('\n\n')).toBe(text);
    expect(f.api.sent(11).map((c) => c.payload['reply_markup'] !== undefined)).toEqual([false, false, true]);
    expect(f.api.calls.filter((c) => c.method === 'sendMessage' && c.status !== 200)).toEqual([]);
  });
});
