import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { MediaStore } from '../../../runtime/media/index.js';

// A 1×1 PNG.
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b1ab8b0000000049454e44ae426082',
  'hex',
);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function bytesOf(stream: Readable | undefined): Promise<Buffer | undefined> {
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** `count` chunks of `size` bytes after a PNG header, counting how many were pulled. */
export function countedBody(count: number, size: number): { body: AsyncIterable<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  async function* gen(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < count; i++) {
      pulled++;
      yield i === 0 ? Buffer.concat([PNG, Buffer.alloc(size - PNG.length, 7)]) : Buffer.alloc(size, i % 251);
    }
  }
  return { body: gen(), pulled: () => pulled };
}

export interface ContractSubject {
  readonly store: MediaStore;
  /** Moves the store's clock on; absent when the store reads the real time (its server's). */
  readonly advance?: (ms: number) => void;
  readonly cleanup?: () => Promise<void>;
}

/** The contract every MediaStore keeps (memory, disk, S3-compatible). */
export function mediaStoreContract(name: string, make: () => Promise<ContractSubject>): void {
  describe(`media store contract: ${name}`, () => {
    const withStore = (fn: (s: ContractSubject) => Promise<void>) => async () => {
      const subject = await make();
      try {
        await fn(subject);
      } finally {
        await subject.store.close();
        await subject.cleanup?.();
      }
    };

    it('stores streamed bytes under their sha256, with the type read from the bytes and a clean name', withStore(async ({ store }) => {
      const put = await store.put(Readable.from([PNG.subarray(0, 10), PNG.subarray(10)]), { maxBytes: 1000, name: '../x/receipt.png', declaredMime: 'application/pdf', mime: ['image/*'] });
      expect(put).toEqual({ ok: true, file: { id: sha(PNG), sha256: sha(PNG), size: PNG.length, mime: 'image/png', name: 'receipt.png' } });
      expect(await store.stat(sha(PNG))).toEqual({ id: sha(PNG), sha256: sha(PNG), size: PNG.length, mime: 'image/png', name: 'receipt.png' });
      expect(await bytesOf(await store.open(sha(PNG)))).toEqual(PNG);
    }));

    it('keeps the same bytes once: the first name stays, the put answers with its own name', withStore(async ({ store }) => {
      await store.put([PNG], { maxBytes: 1000, name: 'first.png' });
      const again = await store.put([PNG], { maxBytes: 1000, name: 'second.png' });
      expect(again).toMatchObject({ ok: true, file: { id: sha(PNG), name: 'second.png' } });
      expect((await store.stat(sha(PNG)))?.name).toBe('first.png');
      const both = await Promise.all([store.put([PDF], { maxBytes: 1000, name: 'a.pdf' }), store.put([PDF], { maxBytes: 1000, name: 'b.pdf' })]);
      expect(both.map((r) => r.ok && r.file.id)).toEqual([sha(PDF), sha(PDF)]);
      expect(await bytesOf(await store.open(sha(PDF)))).toEqual(PDF);
    }));

    it('stops reading a stream past the size limit and keeps nothing', withStore(async ({ store }) => {
      const { body, pulled } = countedBody(100, 1024);
      expect(await store.put(body, { maxBytes: 10 * 1024 })).toMatchObject({ ok: false, error: 'too_large' });
      expect(pulled()).toBe(11);
      const whole = Buffer.concat([Buffer.concat([PNG, Buffer.alloc(1024 - PNG.length, 7)]), ...Array.from({ length: 99 }, (_, i) => Buffer.alloc(1024, (i + 1) % 251))]);
      expect(await store.stat(sha(whole))).toBeUndefined();
      expect(await store.stat(sha(whole.subarray(0, 10 * 1024)))).toBeUndefined();
    }));

    it('refuses a type read from the bytes that is not accepted, whatever was declared', withStore(async ({ store }) => {
      expect(await store.put([PDF], { maxBytes: 1000, declaredMime: 'image/jpeg', mime: ['image/*'] })).toMatchObject({ ok: false, error: 'type' });
      expect(await store.stat(sha(PDF))).toBeUndefined();
    }));

    it('keeps nothing of a stream that fails midway', withStore(async ({ store }) => {
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield PDF.subarray(0, 20);
        throw new Error('connection reset');
      }
      await expect(store.put(failing(), { maxBytes: 1000 })).rejects.toThrow('connection reset');
      expect(await store.stat(sha(PDF.subarray(0, 20)))).toBeUndefined();
    }));

    it('answers nothing for unknown and malformed ids', withStore(async ({ store }) => {
      for (const id of [sha(Buffer.from('never stored')), '../../etc/passwd', 'AB'.repeat(32), '']) {
        expect(await store.stat(id)).toBeUndefined();
        expect(await store.open(id)).toBeUndefined();
      }
    }));

    it('deletes a file', withStore(async ({ store }) => {
      await store.put([PNG], { maxBytes: 1000 });
      await store.delete(sha(PNG));
      await store.delete(sha(PNG));
      expect(await store.stat(sha(PNG))).toBeUndefined();
      expect(await store.open(sha(PNG))).toBeUndefined();
    }));

    it('deletes files last stored before a time, and only those', withStore(async ({ store, advance }) => {
      if (advance) {
        await store.put([PNG], { maxBytes: 1000 });
        advance(1000);
        await store.put([PDF], { maxBytes: 1000 });
        advance(1000);
        // Stored again: its stored time moves.
        await store.put([PNG], { maxBytes: 1000 });
        advance(10);
        expect(await store.deleteOlderThan(nowOf(store) - 1_000_000)).toBe(0);
        expect(await store.deleteOlderThan(nowOf(store) - 500)).toBe(1);
        expect(await store.stat(sha(PDF))).toBeUndefined();
        expect(await store.stat(sha(PNG))).toBeDefined();
      } else {
        const before = Date.now() - 60_000;
        await store.put([PNG], { maxBytes: 1000 });
        expect(await store.deleteOlderThan(before)).toBe(0);
        expect(await store.stat(sha(PNG))).toBeDefined();
        expect(await store.deleteOlderThan(Date.now() + 60_000)).toBe(1);
        expect(await store.stat(sha(PNG))).toBeUndefined();
      }
    }));
  });
}

/** The manual clocks of the memory and disk subjects. */
const clocks = new WeakMap<MediaStore, () => number>();
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}
export const registerClock = (store: MediaStore, now: () => number): void => void clocks.set(store, now);
const nowOf = (store: MediaStore): number => clocks.get(store)!();
