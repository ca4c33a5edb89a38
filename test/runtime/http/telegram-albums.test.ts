// Albums through the webhook of a real server: the parts of one media group are answered at once, held, and reach
// the dialog as one message; a part delivered again is recognised as applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeUpdates } from '../../../runtime/testing/fake-bot-api.js';
import { pressUpdate, serverFixture, textUpdate, TOKEN, type ServerFixture } from '../../support/server-fixture.js';

let f: ServerFixture;
beforeAll(async () => {
  f = await serverFixture();
});
afterAll(async () => {
  await f.close();
});

let nextId = 90_000;
function albumParts(chat: number, group: string, count: number): Record<string, unknown>[] {
  const files = Array.from({ length: count }, (_, i) => f.api.addFile(TOKEN, Buffer.from(`photo ${i}`)));
  return fakeUpdates.album(chat, files, group).map((u) => ({ update_id: nextId++, ...u }));
}

describe('albums through the webhook', () => {
  it('answers each part at once and gives the dialog one message for the whole album', async () => {
    expect((await f.post(textUpdate(41, '/start'))).status).toBe(200);
    await f.api.waitFor((api) => api.texts(41).length === 2);
    const parts = albumParts(41, 'album-1', 3);
    for (const part of parts) expect((await f.post(part)).status).toBe(200);
    // The name step does not take photos: one re-prompt for the album, not one per photo.
    await f.api.waitFor((api) => api.texts(41).length === 3);
    // A text of the same chat after the album is applied after it.
    expect((await f.post(textUpdate(41, 'Ann'))).status).toBe(200);
    await f.api.waitFor((api) => api.texts(41).length === 4);
    expect(f.api.texts(41)).toEqual(['Welcome to our bot!', "What's your name?", 'Please tell me your name.', 'Nice to meet you, Ann!']);

    // A part Telegram delivers again belongs to the album already applied: no answer for it.
    expect((await f.post(parts[1]!)).status).toBe(200);
    expect((await f.post(pressUpdate(41, 'end'))).status).toBe(200);
    await f.api.waitFor((api) => api.texts(41).length === 5);
    expect(f.api.texts(41)[4]).toBe('Goodbye, Ann!');
  });

  it('takes a part whose photo cannot be read as a message without it: answered 200, the step asks again', async () => {
    expect((await f.post(textUpdate(42, '/start'))).status).toBe(200);
    await f.api.waitFor((api) => api.texts(42).length === 2);
    const [part] = albumParts(42, 'album-2', 1);
    const broken = { ...part, message: { ...(part!['message'] as object), photo: [] } };
    expect((await f.post(broken)).status).toBe(200);
    await f.api.waitFor((api) => api.texts(42).length === 3);
    expect(f.api.texts(42)[2]).toBe('Please tell me your name.');
  });
});
