import { createHash } from 'node:crypto';
import { finished, Readable } from 'node:stream';
import type { StoredFile } from '../engine/index.js';
import { sniffMime, SNIFF_BYTES } from './sniff.js';
import { mimeAccepted, type PutOptions, type PutResult } from './types.js';

/** Where ingested bytes go while they stream: a temporary place, kept under the hash or dropped at the end. */
export interface IngestSink {
  write(chunk: Uint8Array): Promise<void> | void;
  /** The bytes were accepted: keep them as `file`. */
  keep(file: StoredFile): Promise<void>;
  /** The bytes were refused or the stream failed: remove whatever was written. */
  drop(): Promise<void>;
}

const SAFE_NAME = /[^\p{L}\p{N} ._()-]/gu;

/** A file name safe to show and to put in a header: no path, no control characters, at most 120 characters. */
export function cleanName(name: string | undefined, fallback: string): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(SAFE_NAME, '_').trim().slice(0, 120);
  return base === '' || base === '.' || base === '..' ? fallback : base;
}

/**
 * Streams `body` into `sink`: counts bytes and stops past `maxBytes` (before storing the chunk that crosses it),
 * hashes, and reads the type from the first bytes. The type is checked as soon as the first bytes are in.
 * The id of a stored file is its sha256: the same bytes are one file.
 */
export async function ingest(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: PutOptions, sink: IngestSink): Promise<PutResult> {
  const hash = createHash('sha256');
  let size = 0;
  let head: Uint8Array[] = [];
  let headBytes = 0;
  let mime: { mime: string; ext: string } | undefined;
  const fail = async (result: PutResult & { ok: false }): Promise<PutResult> => {
    await sink.drop();
    if (body instanceof Readable) body.destroy();
    return result;
  };
  const checkType = async (): Promise<PutResult | undefined> => {
    mime = await sniffMime(Buffer.concat(head), options.declaredMime);
    head = [];
    if (!mimeAccepted(mime.mime, options.mime)) {
      return fail({ ok: false, error: 'type', detail: `the file is ${mime.mime}, and only ${options.mime!.join(', ')} is accepted` });
    }
    return undefined;
  };
  try {
    for await (const chunk of body instanceof Readable ? chunksOf(body) : body) {
      options.signal?.throwIfAborted();
      size += chunk.byteLength;
      if (size > options.maxBytes) return fail({ ok: false, error: 'too_large', detail: `the file is larger than ${options.maxBytes} bytes` });
      hash.update(chunk);
      if (mime === undefined) {
        head.push(chunk);
        headBytes += chunk.byteLength;
        if (headBytes >= SNIFF_BYTES) {
          const refused = await checkType();
          if (refused) return refused;
        }
      }
      await sink.write(chunk);
    }
    if (mime === undefined) {
      const refused = await checkType();
      if (refused) return refused;
    }
  } catch (err) {
    await sink.drop();
    throw err;
  }
  const sha256 = hash.digest('hex');
  const file: StoredFile = { id: sha256, sha256, size, mime: mime!.mime, name: cleanName(options.name, `file.${mime!.ext}`) };
  try {
    await sink.keep(file);
  } catch (err) {
    // Nothing half kept: the temporary bytes go (what keep finished under the hash stays, complete).
    await sink.drop().catch(() => undefined);
    throw err;
  }
  return { ok: true, file };
}

/**
 * A stream's chunks as they arrive, one at a time, paused in between. A Readable's own async iterator reads
 * everything buffered at once, which copies the chunks into one new buffer: twice the allocation for large files.
 */
async function* chunksOf(stream: Readable): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = [];
  let ended = false;
  let error: unknown;
  let wake: (() => void) | undefined;
  const onData = (chunk: Uint8Array): void => {
    queue.push(chunk);
    stream.pause();
    wake?.();
  };
  stream.on('data', onData);
  const stopWatching = finished(stream, (err) => {
    if (err) error = err;
    else ended = true;
    wake?.();
  });
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk !== undefined) {
        if (queue.length === 0 && !ended) stream.resume();
        yield chunk;
        continue;
      }
      if (error !== undefined) throw error;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stream.off('data', onData);
    stopWatching();
    if (!ended) stream.destroy();
  }
}
