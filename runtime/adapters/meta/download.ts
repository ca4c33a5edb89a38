import { Transform } from 'node:stream';
import { MediaDownloadError } from '../types.js';

type Body = NodeJS.ReadableStream & { destroy(): void };

/** Abandons an answer's body (undici reports the abort as an error, which nobody needs). */
export function discard(body: Body): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** The body, cut with a permanent MediaDownloadError past `limit` bytes, and its errors without the URL. */
export function bounded(body: Body, limit: number, tooBig: (n: number) => MediaDownloadError, platform: string): Transform {
  let seen = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > limit) done(tooBig(seen));
      else done(null, chunk);
    },
  });
  body.on('error', () => out.destroy(new MediaDownloadError(`${platform} media download failed: the connection was cut`, 'retry')));
  out.on('close', () => body.destroy());
  body.pipe(out);
  return out;
}
