import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FetchLimits, FileKind, FileValue, InboundEvent, IncomingFile } from '../engine/index.js';
import { MemoryMediaStore } from '../media/index.js';

/** A local file a test or the terminal chat sends, as a platform would announce it. */
export interface LocalFile {
  readonly kind: FileKind;
  readonly path: string;
  /** The file name the sender gives (default: the path's last part). */
  readonly name?: string;
  /** The type the sender declares (default: none, as for Telegram photos). */
  readonly mime?: string;
  /** The download fails for good (as a platform that lost the file): the fetch ends with `download`. */
  readonly fails?: boolean;
}

/**
 * Files sent offline: announced with their real size, then fetched into an in-memory media store through the same
 * ingest as the server's stores, so size limits and the type read from the bytes apply exactly as there.
 */
export class LocalMedia {
  private readonly store = new MemoryMediaStore();
  private readonly sent = new Map<string, { bytes: Buffer; file: LocalFile }>();

  /** Reads the files and announces them: kind, name, declared type and size, and a handle for the fetch. */
  async announce(files: readonly LocalFile[]): Promise<IncomingFile[]> {
    const out: IncomingFile[] = [];
    for (const file of files) {
      const bytes = await readFile(file.path);
      const ref = `local:${this.sent.size + 1}`;
      this.sent.set(ref, { bytes, file });
      const name = file.name ?? basename(file.path);
      out.push(file.mime === undefined ? { kind: file.kind, ref, size: bytes.length, name } : { kind: file.kind, ref, size: bytes.length, name, mime: file.mime });
    }
    return out;
  }

  /** Downloads a fetch's files into the store, in order: the `media.stored` event it ends with. */
  async fetch(files: readonly IncomingFile[], limits: FetchLimits): Promise<Extract<InboundEvent, { type: 'media.stored' }>> {
    const stored: FileValue[] = [];
    for (const f of files) {
      const sent = this.sent.get(f.ref);
      if (!sent || sent.file.fails) return { type: 'media.stored', ok: false, error: 'download', detail: `the download of ${f.name ?? 'a file'} failed` };
      const options = { maxBytes: limits.maxBytes, ...(limits.mime ? { mime: limits.mime } : {}), ...(f.name ? { name: f.name } : {}), ...(f.mime ? { declaredMime: f.mime } : {}) };
      const r = await this.store.put([sent.bytes], options);
      if (!r.ok) return { type: 'media.stored', ok: false, error: r.error, detail: r.detail };
      stored.push({ ...r.file, kind: f.kind });
    }
    return { type: 'media.stored', ok: true, files: stored };
  }
}
