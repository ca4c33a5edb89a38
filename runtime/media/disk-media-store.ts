import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { StoredFile } from '../engine/index.js';
import { ingest } from './ingest.js';
import { isMediaId, type MediaStore, type PutOptions, type PutResult } from './types.js';

/** The JSON beside each file: what `stat` answers, and when the bytes were last stored (for retention). */
interface Sidecar extends StoredFile {
  readonly storedAt: number;
}

/** Temporary files older than this are left over by a crash: a retention sweep removes them. */
const STALE_TEMP_MS = 60 * 60_000;

/**
 * Files on the local disk, content-addressed: `<root>/ab/cd/<sha256>` with `<sha256>.json` beside it. Bytes stream
 * into `<root>/tmp/` (same file system) and are renamed under their hash once complete and accepted, so a crash never
 * leaves a half file under a hash. The same bytes stored again keep the first file and name, and their stored time moves.
 */
export class DiskMediaStore implements MediaStore {
  readonly kind = 'disk' as const;
  private readonly tmp: string;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly root: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.tmp = join(root, 'tmp');
  }

  private pathOf(id: string): string {
    return join(this.root, id.slice(0, 2), id.slice(2, 4), id);
  }

  async put(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: PutOptions): Promise<PutResult> {
    // The first put also clears what a crashed process left (MEDIA_RETENTION_DAYS may never sweep).
    this.ready ??= mkdir(this.tmp, { recursive: true }).then(() => this.dropStaleTemps());
    await this.ready;
    const temp = join(this.tmp, `${randomBytes(12).toString('hex')}.part`);
    // A write stream, so the next chunk is read while the last one is written; drained when its buffer is full.
    const out = createWriteStream(temp, { flags: 'wx' });
    let failure: Error | undefined;
    out.on('error', (err) => (failure ??= err));
    const closed = new Promise<void>((resolve) => out.once('close', () => resolve()));
    const check = (): void => {
      if (failure) throw failure;
    };
    let kept: StoredFile | undefined;
    const result = await ingest(body, options, {
      write: async (chunk) => {
        check();
        if (!out.write(chunk)) await Promise.race([once(out, 'drain'), closed]);
        check();
      },
      keep: async (file) => {
        out.end();
        await closed;
        check();
        kept = await this.keep(temp, file);
      },
      drop: async () => {
        out.destroy();
        await closed;
        await rm(temp, { force: true });
      },
    });
    return result.ok ? { ok: true, file: { ...kept!, name: result.file.name } } : result;
  }

  /** Moves a complete temporary file under its hash (or drops it when those bytes are there already) and writes its sidecar. */
  private async keep(temp: string, file: StoredFile): Promise<StoredFile> {
    const target = this.pathOf(file.id);
    const had = await this.sidecar(file.id);
    const exists = await stat(target).then((s) => s.size === file.size, () => false);
    if (exists) await rm(temp, { force: true });
    else {
      await mkdir(join(target, '..'), { recursive: true });
      await rename(temp, target);
    }
    const kept: StoredFile = had ?? file;
    const sidecar: Sidecar = { id: kept.id, sha256: kept.sha256, mime: kept.mime, size: kept.size, name: kept.name, storedAt: this.clock() };
    const sidecarTemp = join(this.tmp, `${randomBytes(12).toString('hex')}.json`);
    await writeFile(sidecarTemp, JSON.stringify(sidecar));
    await rename(sidecarTemp, `${target}.json`);
    return kept;
  }

  private async sidecar(id: string): Promise<Sidecar | undefined> {
    if (!isMediaId(id)) return undefined;
    try {
      const parsed = JSON.parse(await readFile(`${this.pathOf(id)}.json`, 'utf8')) as Sidecar;
      return parsed.id === id ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async stat(id: string): Promise<StoredFile | undefined> {
    const s = await this.sidecar(id);
    if (!s) return undefined;
    const { storedAt: _, ...file } = s;
    return file;
  }

  async open(id: string): Promise<Readable | undefined> {
    if (!(await this.sidecar(id))) return undefined;
    const handle = await open(this.pathOf(id), 'r').catch(() => undefined);
    return handle?.createReadStream();
  }

  async delete(id: string): Promise<void> {
    if (!isMediaId(id)) return;
    const path = this.pathOf(id);
    // The sidecar first: a file without one is not served, and a later put writes it again.
    await rm(`${path}.json`, { force: true });
    await rm(path, { force: true });
  }

  async deleteOlderThan(before: number): Promise<number> {
    let deleted = 0;
    for (const a of await dirs(this.root)) {
      for (const b of await dirs(join(this.root, a))) {
        const names = await readdir(join(this.root, a, b)).catch(() => [] as string[]);
        for (const name of names) {
          if (!name.endsWith('.json')) continue;
          const id = name.slice(0, -5);
          const s = await this.sidecar(id);
          if (s && s.storedAt < before) {
            await this.delete(id);
            deleted++;
          }
        }
      }
    }
    await this.dropStaleTemps();
    return deleted;
  }

  /** Temporary files a crashed process left. */
  private async dropStaleTemps(): Promise<void> {
    const cutoff = this.clock() - STALE_TEMP_MS;
    for (const name of await readdir(this.tmp).catch(() => [] as string[])) {
      const path = join(this.tmp, name);
      const s = await stat(path).catch(() => undefined);
      if (s && s.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }

  async close(): Promise<void> {}
}

/** The two-hex-digit directories under `dir`. */
async function dirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && /^[0-9a-f]{2}$/.test(e.name)).map((e) => e.name);
}
