import { describe, expect, it } from 'vitest';
import { ingest, type IngestSink } from '../../../runtime/media/index.js';
import { PNG } from './contract.js';

describe('ingest', () => {
  it('drops what it wrote when keeping the file fails (a full disk, a bucket gone), and fails the put', async () => {
    const calls: string[] = [];
    const sink: IngestSink = {
      write: () => void calls.push('write'),
      keep: async () => {
        calls.push('keep');
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      },
      drop: async () => void calls.push('drop'),
    };
    await expect(ingest([PNG], { maxBytes: 1000 }, sink)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(calls).toEqual(['write', 'keep', 'drop']);
  });
});
