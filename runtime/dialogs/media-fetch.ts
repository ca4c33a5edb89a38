import { extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { MediaDownloadError, type PlatformAdapter } from '../adapters/types.js';
import type { FetchLimits, FileValue, IncomingFile, InboundEvent, MediaFailure } from '../engine/index.js';
import { cleanName, mimeAccepted, type MediaStore } from '../media/index.js';
import type { MediaNote } from '../store/index.js';

/** Attempts of a fetch: the first and two more after a 'retry' download error, a network error or a timeout. */
export const FETCH_ATTEMPTS = 3;

/** One attempt at a fetch's files, in order: all stored, refused on their bytes (no retry), or a failed download. */
export type FetchAttempt =
  | { readonly kind: 'stored'; readonly files: readonly FileValue[]; readonly bytes: number; readonly durationMs: number }
  | { readonly kind: 'refused'; readonly error: Exclude<MediaFailure, 'download'>; readonly detail: string; readonly index: number; readonly durationMs: number }
  | { readonly kind: 'failed'; readonly retryable: boolean; readonly detail: string; readonly index: number; readonly durationMs: number };

export interface FetchTools {
  readonly adapter: PlatformAdapter | undefined;
  readonly media: MediaStore | undefined;
  readonly timeoutMs: number;
}

/**
 * Downloads a fetch's files through the platform adapter into the media store, one after the other, each within
 * `timeoutMs`. The size limit holds while streaming and the type is read from the bytes (the store's put); a file
 * web chat stored already is checked against the same limits. The first file refused or failed ends the attempt.
 */
export async function downloadFiles(botId: string, files: readonly IncomingFile[], limits: FetchLimits, tools: FetchTools): Promise<FetchAttempt> {
  const started = performance.now();
  const took = (): number => performance.now() - started;
  const { adapter, media } = tools;
  if (!adapter?.download || !media) return { kind: 'failed', retryable: false, detail: media ? 'this platform takes no files' : 'no media store is configured', index: 0, durationMs: 0 };
  const stored: FileValue[] = [];
  let bytes = 0;
  for (const [index, file] of files.entries()) {
    // A timer of our own rather than AbortSignal.timeout: cleared once the file is in, and fake timers control it in tests.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException('the download timed out', 'TimeoutError')), tools.timeoutMs);
    const signal = abort.signal;
    let body: Readable | undefined;
    try {
      const download = await adapter.download(botId, file, signal);
      if (download.kind === 'stored') {
        const f = download.file;
        if (f.size > limits.maxBytes) return { kind: 'refused', error: 'too_large', detail: `the file is larger than ${limits.maxBytes} bytes`, index, durationMs: took() };
        if (!mimeAccepted(f.mime, limits.mime)) return { kind: 'refused', error: 'type', detail: `the file is ${f.mime}, and only ${limits.mime!.join(', ')} is accepted`, index, durationMs: took() };
        // The store names the bytes as their first upload did, perhaps another chat's: the message's name counts.
        stored.push({ ...f, kind: file.kind, name: cleanName(file.name, `file${extname(f.name)}`) });
        continue;
      }
      body = download.body;
      const name = file.name ?? download.name;
      const declaredMime = file.mime ?? download.mime;
      const put = await media.put(body, {
        maxBytes: limits.maxBytes,
        ...(limits.mime ? { mime: limits.mime } : {}),
        ...(name === undefined ? {} : { name }),
        ...(declaredMime === undefined ? {} : { declaredMime }),
        signal,
      });
      if (!put.ok) return { kind: 'refused', error: put.error, detail: put.detail, index, durationMs: took() };
      stored.push({ ...put.file, kind: file.kind });
      bytes += put.file.size;
    } catch (err) {
      // A put that throws while the download's stream is sound: the store failed (disk full, bucket unreachable).
      const storeFailed = body !== undefined && !body.errored && !signal.aborted;
      body?.destroy();
      const detail = storeFailed ? `the media store failed${errorCode(err)}` : failureDetail(err, signal);
      return { kind: 'failed', retryable: !(err instanceof MediaDownloadError) || err.kind === 'retry', detail, index, durationMs: took() };
    } finally {
      clearTimeout(timer);
    }
  }
  return { kind: 'stored', files: stored, bytes, durationMs: took() };
}

/** Why a download failed, for people and logs: never a URL (a platform's file URL may carry a token). */
function failureDetail(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'the download timed out';
  if (err instanceof MediaDownloadError) return err.message;
  return `network error${errorCode(err, false)}`;
}

/** " (CODE)" of a system error (or, `named`, an SDK error's name), else nothing: never its message (it may carry a URL). */
function errorCode(err: unknown, named = true): string {
  const { code, name } = (err ?? {}) as { code?: unknown; name?: unknown };
  const label = typeof code === 'string' ? code : named && typeof name === 'string' && !/^(Type)?Error$/.test(name) ? name : undefined;
  return label === undefined ? '' : ` (${label})`;
}

/** The `media.stored` event of a fetch's outcome. */
export function storedEvent(outcome: FetchAttempt): InboundEvent {
  if (outcome.kind === 'stored') return { type: 'media.stored', ok: true, files: outcome.files };
  if (outcome.kind === 'refused') return { type: 'media.stored', ok: false, error: outcome.error, detail: outcome.detail };
  return { type: 'media.stored', ok: false, error: 'download', detail: outcome.detail };
}

/** The history's note of stored files: references, never bytes or URLs. */
export const receivedNotes = (files: readonly FileValue[]): MediaNote[] =>
  files.map((f) => ({ kind: f.kind, file: { id: f.id, sha256: f.sha256, mime: f.mime, size: f.size, name: f.name } }));
