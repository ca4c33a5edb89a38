import { describe, expect, it } from 'vitest';
import { MemoryMediaStore } from '../../../runtime/media/index.js';

// A 1×1 PNG.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b1ab8b0000000049454e44ae426082',
  'hex',
);

describe('the in-memory media store', () => {
  it('stores by content, reads the type from the bytes and cleans the name', async () => {
    const store = new MemoryMediaStore();
    const first = await store.put([PNG], { maxBytes: 1000, name: '../receipt.png', declaredMime: 'application/pdf', mime: ['image/*'] });
    expect(first).toMatchObject({ ok: true, file: { mime: 'image/png', size: PNG.length, name: 'receipt.png' } });
    const again = await store.put([PNG], { maxBytes: 1000, name: 'other.png' });
    expect(again.ok && first.ok && again.file.id === first.file.id).toBe(true);
  });

  it('refuses a file over the limit and a type not accepted', async () => {
    const store = new MemoryMediaStore();
    expect(await store.put([PNG.subarray(0, 40), PNG.subarray(40)], { maxBytes: 50 })).toMatchObject({ ok: false, error: 'too_large' });
    expect(await store.put([Buffer.from('hello world')], { maxBytes: 100, mime: ['image/*'] })).toMatchObject({ ok: false, error: 'type' });
    expect(await store.put([Buffer.from('a,b\n1,2\n')], { maxBytes: 100, declaredMime: 'text/csv' })).toMatchObject({ ok: true, file: { mime: 'text/csv' } });
  });
});
