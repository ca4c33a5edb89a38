/**
 * The S3-compatible store against a real S3 protocol server: s3rver (npm, an S3 server in Node, devDependency),
 * started here on a free local port with a bucket in a temporary directory. When it cannot start, the suite is
 * skipped with the reason printed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { S3MediaStore } from '../../../runtime/media/s3-media-store.js';
import { countedBody, mediaStoreContract } from './contract.js';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

let server: S3rverInstance | undefined;
let endpoint = '';
let unavailable: string | undefined;
let bucketNo = 0;
const BUCKETS = 20;
const dir = await mkdtemp(join(tmpdir(), 's3rver-'));
try {
  const { default: S3rver } = (await import('s3rver' as string)) as { default: new (options: Record<string, unknown>) => S3rverInstance };
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: Array.from({ length: BUCKETS }, (_, i) => ({ name: `media-${i}` })) });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
} catch (err) {
  unavailable = `s3rver could not start: ${(err as Error).message}`;
  console.warn(`SKIPPED: the S3 media store tests (${unavailable})`);
}

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const open = (): S3MediaStore =>
  new S3MediaStore({ endpoint, bucket: `media-${bucketNo++ % BUCKETS}`, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });

describe.skipIf(unavailable !== undefined)('the S3-compatible media store on s3rver', () => {
  mediaStoreContract('s3 (s3rver)', async () => {
    const store = open();
    // Each test gets an empty bucket.
    await store.deleteOlderThan(Date.now() + 3_600_000);
    return { store };
  });

  it('streams a file larger than one part through a multipart upload', async () => {
    const store = open();
    await store.deleteOlderThan(Date.now() + 3_600_000);
    const { body, pulled } = countedBody(12, 1024 * 1024);
    const put = await store.put(body, { maxBytes: 20 * 1024 * 1024 });
    expect(put).toMatchObject({ ok: true, file: { size: 12 * 1024 * 1024, mime: 'image/png' } });
    expect(pulled()).toBe(12);
    await store.close();
  });
});

