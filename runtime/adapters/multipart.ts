import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** A header value safe in a quoted multipart parameter (file names were cleaned by the media store already). */
export const quoted = (s: string): string => s.replace(/["\r\n\\]/g, '_');

/** One file of a multipart body: its bytes are streamed, never held whole. */
export interface MultipartFile {
  readonly field: string;
  readonly name: string;
  readonly mime: string;
  readonly size: number;
  readonly body: Readable;
}

/**
 * A multipart/form-data body of text fields and one file, streamed, with its exact length (platforms want a
 * Content-Length for uploads). The file's stream is destroyed when the body ends or is abandoned.
 */
export function streamedMultipart(fields: Readonly<Record<string, string>>, file: MultipartFile): { readonly contentType: string; readonly length: number; readonly body: Readable } {
  const boundary = `----scenarist${randomBytes(12).toString('hex')}`;
  const head: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) head.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`));
  head.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.name)}"\r\nContent-Type: ${quoted(file.mime)}\r\n\r\n`));
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = head.reduce((n, b) => n + b.length, 0) + file.size + tail.length;
  async function* parts(): AsyncGenerator<Uint8Array> {
    try {
      yield* head;
      for await (const chunk of file.body) yield chunk as Uint8Array;
      yield tail;
    } finally {
      file.body.destroy();
    }
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, length, body: Readable.from(parts(), { objectMode: false }) };
}
