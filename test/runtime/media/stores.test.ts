import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskMediaStore, MemoryMediaStore } from '../../../runtime/media/index.js';
import { manualClock, mediaStoreContract, PDF, PNG, registerClock } from './contract.js';

mediaStoreContract('memory', async () => {
  const clock = manualClock();
  const store = new MemoryMediaStore(clock.now);
  registerClock(store, clock.now);
  return { store, advance: clock.advance };
});

mediaStoreContract('disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'media-'));
  const clock = manualClock();
  const store = new DiskMediaStore(dir, clock.now);
  registerClock(store, clock.now);
  return { store, advance: clock.advance, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

/** Every file under `dir`, relative. */
async function files(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('the disk media store', () => {
  it('lays files out by hash with a sidecar, and leaves no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'media-'));
    try {
      const store = new DiskMediaStore(dir);
      const put = await store.put([PDF], { maxBytes: 1000, name: 'doc.pdf' });
      const id = put.ok ? put.file.id : '';
      await store.put([PDF.subarray(0, 5), Buffer.alloc(2000)], { maxBytes: 1000 });
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield PDF;
        throw new Error('cut');
      }
      await store.put(failing(), { maxBytes: 1000 }).catch(() => undefined);
      expect(await files(dir)).toEqual([`${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`, `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}.json`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sweeps temporary files a crashed process left, once they are old', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'media-'));
    try {
      const store = new DiskMediaStore(dir);
      await store.put([PDF], { maxBytes: 1000 });
      const stale = join(dir, 'tmp', 'crashed.part');
      const fresh = join(dir, 'tmp', 'writing.part');
      await writeFile(stale, 'half');
      await writeFile(fresh, 'half');
      const old = new Date(Date.now() - 2 * 3600_000);
      await utimes(stale, old, old);
      expect(await store.deleteOlderThan(0)).toBe(0);
      expect(await readdir(join(dir, 'tmp'))).toEqual(['writing.part']);
      // A process started later clears them with its first put, with or without a retention.
      await writeFile(stale, 'half');
      await utimes(stale, old, old);
      await new DiskMediaStore(dir).put([PNG], { maxBytes: 1000 });
      expect(await readdir(join(dir, 'tmp'))).toEqual(['writing.part']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
