import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { PlatformAdapter } from '../../../runtime/adapters/types.js';
import { downloadFiles } from '../../../runtime/dialogs/media-fetch.js';
import { MemoryMediaStore } from '../../../runtime/media/index.js';
import { png } from '../http/webchat-media-fixture.js';

/** An adapter whose files are in the media store already, as the web chat's are. */
function storedAdapter(media: MemoryMediaStore): PlatformAdapter {
  return {
    platform: 'webchat',
    methods: { send: 'push' },
    parseUpdate: () => ({ kind: 'ignored', reason: 'unused' }),
    send: async () => undefined,
    download: async (_bot, file) => ({ kind: 'stored', file: (await media.stat(file.ref))! }),
  };
}

describe('downloadFiles', () => {
  it("names a stored file as its message did, never with another upload's name for the same bytes", async () => {
    const media = new MemoryMediaStore();
    const first = await media.put([png(10, 5)], { maxBytes: 10_000, name: 'alice-passport.png' });
    if (!first.ok) throw new Error('refused');
    const tools = { adapter: storedAdapter(media), media, timeoutMs: 1_000 };
    const limits = { maxBytes: 10_000 };
    const named = await downloadFiles('bot', [{ kind: 'photo', ref: first.file.id, name: 'mine.png' }], limits, tools);
    const unnamed = await downloadFiles('bot', [{ kind: 'photo', ref: first.file.id }], limits, tools);
    const names = [named, unnamed].map((a) => (a.kind === 'stored' ? a.files.map((f) => f.name) : a.kind));
    expect(names).toEqual([['mine.png'], ['file.png']]);
  });

  it('tells a failing media store (disk full, bucket unreachable) from a failing download, and retries it', async () => {
    const media = new MemoryMediaStore();
    media.put = async () => {
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    };
    const adapter: PlatformAdapter = { ...storedAdapter(media), download: async () => ({ kind: 'stream', body: Readable.from([png(5)]) }) };
    const attempt = await downloadFiles('bot', [{ kind: 'photo', ref: 'x' }], { maxBytes: 10_000 }, { adapter, media, timeoutMs: 1_000 });
    expect(attempt).toMatchObject({ kind: 'failed', retryable: true, detail: 'the media store failed (ENOSPC)' });
  });

  it('fails at once, without retries, for a platform that takes no files', async () => {
    const media = new MemoryMediaStore();
    const { download: _none, ...adapter } = storedAdapter(media);
    const attempt = await downloadFiles('bot', [{ kind: 'photo', ref: 'x' }], { maxBytes: 10_000 }, { adapter, media, timeoutMs: 1_000 });
    expect(attempt).toMatchObject({ kind: 'failed', retryable: false, detail: 'this platform takes no files' });
  });
});
