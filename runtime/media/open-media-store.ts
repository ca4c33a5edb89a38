import { DiskMediaStore } from './disk-media-store.js';
import type { MediaStore } from './types.js';

/** Which media store to open: MEDIA_STORE and its settings (runtime/server/settings.ts). */
export type MediaStoreConfig =
  | { readonly store: 'disk'; readonly dir: string }
  | {
      readonly store: 's3';
      readonly s3: {
        readonly endpoint: string | undefined;
        readonly bucket: string;
        readonly region: string;
        readonly accessKeyId: string | undefined;
        readonly secretAccessKey: string | undefined;
        readonly forcePathStyle: boolean;
      };
    };

/**
 * The disk store, or the S3-compatible one. The S3 client is imported only here, only for MEDIA_STORE=s3: a server on
 * the disk store never loads it (its modules are several MB of heap).
 */
export async function openMediaStore(config: MediaStoreConfig): Promise<MediaStore> {
  if (config.store === 'disk') return new DiskMediaStore(config.dir);
  const { S3MediaStore } = await import('./s3-media-store.js');
  return new S3MediaStore(config.s3);
}
