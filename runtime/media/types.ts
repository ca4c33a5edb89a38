import type { Readable } from 'node:stream';
import type { StoredFile } from '../engine/index.js';

/**
 * The media store port. Files are content-addressed: the same bytes are stored once, whatever their name. Every
 * implementation (disk, S3-compatible, in-memory reference) passes the same contract suite.
 */
export interface MediaStore {
  readonly kind: 'disk' | 's3' | 'memory';
  /**
   * Streams bytes in. The size limit holds while streaming (the stream is abandoned past it, nothing is kept) and
   * the type is read from the first bytes; the declared type counts only where the bytes say nothing (plain text).
   */
  put(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: PutOptions): Promise<PutResult>;
  /** What is stored under `id` (its name is the one of its first upload), or undefined. */
  stat(id: string): Promise<StoredFile | undefined>;
  /** The bytes of `id`, or undefined when there is no such file. */
  open(id: string): Promise<Readable | undefined>;
  delete(id: string): Promise<void>;
  /** Deletes files last stored (or stored again) before `before`; returns how many. For the retention setting. */
  deleteOlderThan(before: number): Promise<number>;
  close(): Promise<void>;
}

export interface PutOptions {
  readonly maxBytes: number;
  /** Accepted types (exact, or `image/*`); absent: any. */
  readonly mime?: readonly string[];
  /** The sender's file name and type, if any. */
  readonly name?: string;
  readonly declaredMime?: string;
  readonly signal?: AbortSignal;
}

export type PutResult =
  | { readonly ok: true; readonly file: StoredFile }
  | { readonly ok: false; readonly error: 'too_large' | 'type'; readonly detail: string };

/** Whether `mime` is one of `accepted` (exact, or a `type/*` pattern); everything is accepted when the list is absent. */
export function mimeAccepted(mime: string, accepted: readonly string[] | undefined): boolean {
  if (accepted === undefined) return true;
  const m = mime.toLowerCase();
  return accepted.some((a) => {
    const p = a.toLowerCase();
    return p.endsWith('/*') ? m.startsWith(p.slice(0, -1)) : m === p;
  });
}

/** A stored file's id: its sha256 in lower-case hex. Anything else names no file (and never a path). */
export const isMediaId = (id: string): boolean => /^[0-9a-f]{64}$/.test(id);
