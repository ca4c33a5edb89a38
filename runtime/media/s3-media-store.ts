// Loaded only when MEDIA_STORE=s3 (open-media-store.ts imports it on demand): the AWS SDK stays out of the heap of
// a server on the disk store.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { StoredFile } from '../engine/index.js';
import { ingest } from './ingest.js';
import { isMediaId, type MediaStore, type PutOptions, type PutResult } from './types.js';

export interface S3MediaStoreOptions {
  readonly endpoint: string | undefined;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  readonly forcePathStyle: boolean;
}

/** Parts of a multipart upload: S3's smallest (5 MB); a smaller file is one PutObject. At most one part is buffered. */
const PART_BYTES = 5 * 1024 * 1024;
/** Temporary objects older than this were left by a process that stopped mid-upload. */
const STALE_TEMP_MS = 60 * 60_000;
const TEMP_PREFIX = 'tmp/';

const keyOf = (id: string): string => `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`;
const notFound = (err: unknown): boolean =>
  err instanceof S3ServiceException && (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404);

/**
 * Files in an S3-compatible bucket, content-addressed like the disk store (`ab/cd/<sha256>`, the file's facts in its
 * object metadata). The hash is known only once the bytes are in, so they stream to a temporary key (`tmp/…`,
 * multipart, one part buffered at most) and are copied under the hash inside the bucket once complete and accepted;
 * the temporary object is then deleted. No local disk is needed. A file's stored time is its object's LastModified:
 * storing the same bytes again copies the object onto itself, which moves it.
 */
export class S3MediaStore implements MediaStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private swept: Promise<void> | undefined;

  constructor(options: S3MediaStoreOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.accessKeyId && options.secretAccessKey ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } } : {}),
    });
  }

  async put(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: PutOptions): Promise<PutResult> {
    // The first put also clears what a stopped process left (MEDIA_RETENTION_DAYS may never sweep); in the background.
    this.swept ??= this.dropStaleTemps().catch(() => undefined);
    const temp = `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`;
    const pass = new PassThrough({ highWaterMark: 256 * 1024 });
    const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key: temp, Body: pass }, partSize: PART_BYTES, queueSize: 1, leavePartsOnError: false });
    let failure: unknown;
    const uploaded = upload.done().then(
      () => undefined,
      (err: unknown) => {
        failure = err;
        pass.destroy();
      },
    );
    let kept: StoredFile | undefined;
    const result = await ingest(body, options, {
      write: async (chunk) => {
        if (failure !== undefined) throw failure;
        if (!pass.write(chunk)) await Promise.race([once(pass, 'drain'), uploaded.then(() => { if (failure !== undefined) throw failure; })]);
      },
      keep: async (file) => {
        pass.end();
        await uploaded;
        if (failure !== undefined) throw failure;
        kept = await this.keep(temp, file);
      },
      drop: async () => {
        pass.destroy();
        await upload.abort().catch(() => undefined);
        await uploaded;
        await this.deleteKey(temp);
      },
    });
    return result.ok ? { ok: true, file: { ...kept!, name: result.file.name } } : result;
  }

  /** Copies the complete temporary object under its hash (onto itself when the bytes are there already), then deletes it. */
  private async keep(temp: string, file: StoredFile): Promise<StoredFile> {
    const had = await this.stat(file.id);
    const stored = had ?? file;
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: keyOf(file.id),
          CopySource: `${this.bucket}/${had ? keyOf(file.id) : temp}`,
          MetadataDirective: 'REPLACE',
          ContentType: stored.mime,
          Metadata: { name: encodeURIComponent(stored.name), size: String(stored.size), 'stored-at': String(Date.now()) },
        }),
      );
    } finally {
      await this.deleteKey(temp);
    }
    return stored;
  }

  private async deleteKey(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })).catch((err: unknown) => {
      if (!notFound(err)) throw err;
    });
  }

  async stat(id: string): Promise<StoredFile | undefined> {
    if (!isMediaId(id)) return undefined;
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: keyOf(id) }));
      const name = head.Metadata?.['name'];
      return { id, sha256: id, mime: head.ContentType ?? 'application/octet-stream', size: head.ContentLength ?? 0, name: name ? decodeURIComponent(name) : 'file' };
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async open(id: string): Promise<Readable | undefined> {
    if (!isMediaId(id)) return undefined;
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: keyOf(id) }));
      return got.Body instanceof Readable ? got.Body : undefined;
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    if (isMediaId(id)) await this.deleteKey(keyOf(id));
  }

  /** Temporary objects of uploads a stopped process left. */
  private async dropStaleTemps(): Promise<void> {
    await this.sweep(-Infinity, TEMP_PREFIX);
  }

  async deleteOlderThan(before: number): Promise<number> {
    return this.sweep(before, undefined);
  }

  /** Deletes files last stored before `before` and stale temporary objects, under `prefix` (all: undefined). */
  private async sweep(before: number, prefix: string | undefined): Promise<number> {
    let deleted = 0;
    const staleTemp = Date.now() - STALE_TEMP_MS;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token, ...(prefix ? { Prefix: prefix } : {}) }));
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        const at = object.LastModified?.getTime() ?? Infinity;
        if (key.startsWith(TEMP_PREFIX)) {
          if (at < staleTemp) await this.deleteKey(key);
        } else if (at < before && isMediaId(key.slice(6)) && key === keyOf(key.slice(6))) {
          await this.deleteKey(key);
          deleted++;
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }

  async close(): Promise<void> {
    await this.swept;
    this.client.destroy();
  }
}
