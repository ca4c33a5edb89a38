import { Readable } from 'node:stream';
import type { StoredFile } from '../engine/index.js';
import { ingest } from './ingest.js';
import type { MediaStore, PutOptions, PutResult } from './types.js';

/** The reference implementation: files in a map. For tests of what uses a media store, never for users. */
export class MemoryMediaStore implements MediaStore {
  readonly kind = 'memory' as const;
  private readonly files = new Map<string, { file: StoredFile; bytes: Buffer; at: number }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async put(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: PutOptions): Promise<PutResult> {
    let chunks: Uint8Array[] = [];
    return ingest(body, options, {
      write: (chunk) => void chunks.push(chunk),
      keep: async (file) => {
        const had = this.files.get(file.id);
        this.files.set(file.id, { file: had?.file ?? file, bytes: had?.bytes ?? Buffer.concat(chunks), at: this.clock() });
        chunks = [];
      },
      drop: async () => void (chunks = []),
    }).then((r) => (r.ok ? { ok: true, file: { ...this.files.get(r.file.id)!.file, name: r.file.name } } : r));
  }

  async stat(id: string): Promise<StoredFile | undefined> {
    return this.files.get(id)?.file;
  }

  async open(id: string): Promise<Readable | undefined> {
    const hit = this.files.get(id);
    return hit ? Readable.from([hit.bytes]) : undefined;
  }

  async delete(id: string): Promise<void> {
    this.files.delete(id);
  }

  async deleteOlderThan(before: number): Promise<number> {
    let n = 0;
    for (const [id, f] of this.files) if (f.at < before && this.files.delete(id)) n++;
    return n;
  }

  async close(): Promise<void> {}
}
