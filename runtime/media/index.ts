export { isMediaId, mimeAccepted, type MediaStore, type PutOptions, type PutResult } from './types.js';
export { sniffMime, SNIFF_BYTES } from './sniff.js';
export { cleanName, ingest, type IngestSink } from './ingest.js';
export { MemoryMediaStore } from './memory-media-store.js';
export { DiskMediaStore } from './disk-media-store.js';
export { openMediaStore, type MediaStoreConfig } from './open-media-store.js';
export { startMediaRetention, RETENTION_SWEEP_MS } from './retention.js';
export { sendsShippedFile, ShippedFileError, ShippedFiles, shippedPaths, SHIPPED_MAX_BYTES } from './shipped-files.js';
