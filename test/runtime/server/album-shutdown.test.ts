// A clean shutdown while the webhook holds an album: its parts were answered 200 already, so Telegram will not send
// them again; the server hands the album to its dialog before the dialog manager stops.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../runtime/store/index.js';
import { fakeUpdates } from '../../../runtime/testing/fake-bot-api.js';
import { serverFixture, textUpdate, TOKEN } from '../../support/server-fixture.js';

describe('an album held at shutdown', () => {
  it('is applied to its dialog when the server stops before the album window ends', async () => {
    // A window far longer than the test: only the shutdown can hand the album over.
    const f = await serverFixture({ TELEGRAM_MEDIA_GROUP_MS: '10000' });
    try {
      expect((await f.post(textUpdate(51, '/start'))).status).toBe(200);
      await f.api.waitFor((api) => api.texts(51).length === 2);
      const files = [0, 1].map((i) => f.api.addFile(TOKEN, Buffer.from(`photo ${i}`)));
      let id = 70_000;
      for (const part of fakeUpdates.album(51, files, 'held-album')) expect((await f.post({ update_id: id++, ...part })).status).toBe(200);
    } finally {
      await f.close();
    }
    const store = await openStore(join(f.dir, 'db.sqlite'));
    try {
      const [dialog] = await store.listDialogs('greeter');
      const inbound = (await store.history(dialog!.key)).filter((e) => e.direction === 'in');
      // /start, then the album as one message of two photos (the name step re-prompts it).
      expect(inbound).toHaveLength(2);
      expect(inbound[1]!.media?.map((m) => ('kind' in m ? m.kind : undefined))).toEqual(['photo', 'photo']);
    } finally {
      await store.close();
    }
  });
});
