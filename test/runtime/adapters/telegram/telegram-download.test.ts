import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TelegramAdapter } from '../../../../runtime/adapters/telegram/index.js';
import { MediaDownloadError, type MediaDownload } from '../../../../runtime/adapters/types.js';
import type { IncomingFile } from '../../../../runtime/engine/index.js';
import { FakeBotApi } from '../../../../runtime/testing/fake-bot-api.js';
import { closedPort } from '../net-helpers.js';

const SECRET = 'AAH-download_Secret7';
const TOKEN = `515151:${SECRET}`;
const MB = 1024 * 1024;

async function bytesOf(download: MediaDownload): Promise<Buffer> {
  if (download.kind !== 'stream') throw new Error('expected a stream');
  const chunks: Buffer[] = [];
  for await (const chunk of download.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Everything an error could show: message, stack, cause chain, inspected form, and a raw (unredacted) pino line. */
function everyTrace(err: unknown): string {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  pino({ level: 'debug' }, sink).error({ err }, 'download failed');
  const texts = [inspect(err, { depth: 10, showHidden: true }), ...lines];
  for (let e: unknown = err; e instanceof Error; e = e.cause) texts.push(e.message, e.stack ?? '', JSON.stringify(e));
  return texts.join('\n');
}

async function downloadFailure(promise: Promise<unknown>): Promise<MediaDownloadError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MediaDownloadError);
  expect(everyTrace(err)).not.toContain(SECRET);
  return err as MediaDownloadError;
}

describe('TelegramAdapter.download', () => {
  let api: FakeBotApi;
  let adapter: TelegramAdapter;
  const signal = () => AbortSignal.timeout(5000);

  beforeAll(async () => {
    api = await FakeBotApi.start();
    adapter = new TelegramAdapter({ apiRoot: api.url, timeoutMs: 1000 });
    adapter.addBot('b1', TOKEN);
  });
  afterAll(async () => {
    await adapter.close();
    await api.close();
  });
  beforeEach(() => api.reset());

  it('streams a file: getFile, then the file URL, with the size and what the user declared', async () => {
    const bytes = Buffer.alloc(3 * MB + 17, 7);
    bytes.write('%PDF-1.7');
    const f = api.addFile(TOKEN, bytes, { name: 'a.pdf' });
    const file: IncomingFile = { kind: 'document', ref: f.file_id, mime: 'application/pdf', name: 'a.pdf' };
    const download = await adapter.download('b1', file, signal());
    expect(download).toMatchObject({ kind: 'stream', size: bytes.length, mime: 'application/pdf', name: 'a.pdf' });
    // A stream, not bytes held in memory: the body arrives in several chunks.
    let chunks = 0;
    const got: Buffer[] = [];
    for await (const c of (download as { body: AsyncIterable<Buffer> }).body) {
      chunks++;
      got.push(c);
    }
    expect(Buffer.concat(got).equals(bytes)).toBe(true);
    expect(chunks).toBeGreaterThan(1);
    expect([api.count('getFile'), api.count('file')]).toEqual([1, 1]);
  });

  it('refuses a file declared over 20 MB before any call, permanently', async () => {
    const err = await downloadFailure(adapter.download('b1', { kind: 'video', ref: 'x', size: 20 * MB + 1 }, signal()));
    expect(err.kind).toBe('permanent');
    expect(err.message).toMatch(/20 MB/);
    expect(api.count()).toBe(0);
  });

  it('refuses a file getFile says is over 20 MB, without downloading it', async () => {
    const f = api.addFile(TOKEN, Buffer.from('small really'), { size: 25 * MB });
    const err = await downloadFailure(adapter.download('b1', { kind: 'document', ref: f.file_id }, signal()));
    expect(err.kind).toBe('permanent');
    expect(api.count('file')).toBe(0);
  });

  it.each([
    ['an unknown file_id (400)', undefined, 'permanent'],
    ['getFile answering 500', { method: 'getFile', status: 500 }, 'retry'],
    ['getFile answering 429', { method: 'getFile', status: 429, retryAfter: 1 }, 'retry'],
    ['getFile timing out', { method: 'getFile', status: 200, delayMs: 1500 }, 'retry'],
    ['the file URL answering 404', { method: 'file', status: 404 }, 'permanent'],
    ['the file URL answering 502', { method: 'file', status: 502 }, 'retry'],
    ['the file URL timing out', { method: 'file', status: 200, delayMs: 1500 }, 'retry'],
  ] as const)('classifies %s, and the token appears nowhere', async (_name, fault, kind) => {
    const f = api.addFile(TOKEN, Buffer.from('hello file'));
    if (fault) api.fail(fault);
    const ref = fault ? f.file_id : 'unknown-file-id';
    const err = await downloadFailure(adapter.download('b1', { kind: 'document', ref }, signal()));
    expect(err.kind).toBe(kind);
  });

  it('fails a body cut halfway as a retryable stream error without the token', async () => {
    const f = api.addFile(TOKEN, Buffer.alloc(2 * MB, 1));
    api.fail({ method: 'file', status: 200, drop: true });
    const download = await adapter.download('b1', { kind: 'document', ref: f.file_id }, signal());
    const err = await downloadFailure(bytesOf(download));
    expect(err.kind).toBe('retry');
  });

  it('fails a Bot API it cannot reach as retryable without the token', async () => {
    const offline = new TelegramAdapter({ apiRoot: `http://127.0.0.1:${await closedPort()}`, timeoutMs: 1000 });
    offline.addBot('b1', TOKEN);
    try {
      const err = await downloadFailure(offline.download('b1', { kind: 'photo', ref: 'f' }, signal()));
      expect(err.kind).toBe('retry');
    } finally {
      await offline.close();
    }
  });

  it('stops when the caller aborts', async () => {
    const f = api.addFile(TOKEN, Buffer.from('slow'));
    api.fail({ method: 'getFile', status: 200, delayMs: 800 });
    const err = await downloadFailure(adapter.download('b1', { kind: 'document', ref: f.file_id }, AbortSignal.timeout(50)));
    expect(err.kind).toBe('retry');
  });
});
