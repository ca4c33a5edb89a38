import { createReadStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { IrScenario } from '../../compiler/index.js';
import type { Effect, OutMedia, StoredFile } from '../engine/index.js';
import type { MediaStore } from './types.js';

/** The largest file a bot may ship. */
export const SHIPPED_MAX_BYTES = 50 * 1024 * 1024;

/** Files a scenario names that cannot be stored: each with its path and why. The bot does not load. */
export class ShippedFileError extends Error {
  override readonly name = 'ShippedFileError';
  constructor(
    readonly botId: string,
    readonly problems: readonly { readonly path: string; readonly reason: string }[],
  ) {
    super(`bot ${botId}: ${problems.map((p) => `shipped file ${p.path}: ${p.reason}`).join('; ')}`);
  }
}

/** The shipped files (`{ path }` sources) a scenario's steps send, each once. */
export function shippedPaths(ir: IrScenario): string[] {
  const paths = new Set<string>();
  for (const step of Object.values(ir.steps)) {
    for (const m of step.media ?? []) if ('source' in m && m.source.kind === 'path') paths.add(m.source.path);
  }
  return [...paths];
}

/** A shipped file is put into the store again when it is sent this long after its last put (retention counts in days). */
export const SHIPPED_REFRESH_MS = 3_600_000;

/**
 * Files shipped with bots, put into the media store so that messages carry stored files, never paths. A path is
 * relative to the bot's scenario directory (for a scenario uploaded through the admin API too: the directory of the
 * bot's configured scenario file) and may not leave it. Files are read when a bot loads (`ship`); a path first met in
 * a turn (a version uploaded later) is read then, once.
 */
export class ShippedFiles {
  private readonly stored = new Map<string, { readonly file: Promise<StoredFile>; readonly at: number }>();

  constructor(
    private readonly media: MediaStore,
    /** The directory a bot's paths are relative to. */
    private readonly dirOf: (botId: string) => string | undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Stores every file of `paths` now; throws ShippedFileError naming each one that cannot be stored. */
  async ship(botId: string, paths: readonly string[]): Promise<void> {
    const problems: { path: string; reason: string }[] = [];
    for (const path of paths) {
      this.stored.delete(this.keyOf(botId, path));
      await this.resolve(botId, path).catch((err: unknown) => problems.push({ path, reason: (err as Error).message }));
    }
    if (problems.length > 0) throw new ShippedFileError(botId, problems);
  }

  /** The stored file of a shipped path (stored on first use). */
  resolve(botId: string, path: string): Promise<StoredFile> {
    const k = this.keyOf(botId, path);
    const now = this.clock();
    let hit = this.stored.get(k);
    // Put again now and then: the stored time moves, and a file retention deleted meanwhile is back.
    if (!hit || now - hit.at >= SHIPPED_REFRESH_MS) {
      const entry = { file: this.store(botId, path), at: now };
      this.stored.set(k, entry);
      entry.file.catch(() => this.stored.get(k) === entry && this.stored.delete(k));
      hit = entry;
    }
    return hit.file;
  }

  private keyOf(botId: string, path: string): string {
    return `${botId}\u0000${path}`;
  }

  private async store(botId: string, path: string): Promise<StoredFile> {
    const dir = this.dirOf(botId);
    if (dir === undefined) throw new Error('the bot has no scenario directory');
    const full = resolve(dir, path);
    const inside = relative(resolve(dir), full);
    if (isAbsolute(path) || inside.startsWith('..') || isAbsolute(inside)) throw new Error(`the path leaves the scenario directory ${dir}`);
    // A scenario uploaded through the admin API names its own paths: hidden files (.env, .git) stay private.
    if (inside.split(sep).some((part) => part.startsWith('.'))) throw new Error('a hidden file (a name starting with ".") is never shipped');
    // Nor may a link lead out of the directory.
    const realFull = await realpath(full).catch(() => undefined);
    const realInside = realFull === undefined ? '' : relative(await realpath(dir), realFull);
    if (realInside.startsWith('..') || isAbsolute(realInside)) throw new Error(`the path leads out of the scenario directory ${dir}`);
    const body = createReadStream(join(full));
    const put = await this.media.put(body, { maxBytes: SHIPPED_MAX_BYTES, name: path }).catch((err: unknown) => {
      const code = (err as { code?: string }).code;
      throw new Error(code === 'ENOENT' ? `not found (looked for ${full})` : `cannot be read (${code ?? (err as Error).message})`);
    });
    if (!put.ok) throw new Error(put.detail);
    return put.file;
  }

  /**
   * A turn's effects with each shipped file replaced by its stored file; the same list when none sends one. A file
   * that cannot be stored (removed since the bot loaded) is left out of its message and reported to `missing`.
   */
  async resolveEffects(botId: string, effects: readonly Effect[], missing: (path: string, err: Error) => void): Promise<readonly Effect[]> {
    if (!sendsShippedFile(effects)) return effects;
    const out: Effect[] = [];
    for (const e of effects) {
      if (e.type !== 'say' || !hasShipped(e)) {
        out.push(e);
        continue;
      }
      const media: OutMedia[] = [];
      for (const m of e.media!) {
        if (!('source' in m && 'path' in m.source)) {
          media.push(m);
          continue;
        }
        const path = m.source.path;
        const file = await this.resolve(botId, path).catch((err: unknown) => void missing(path, err as Error));
        if (file) media.push({ ...m, source: { file } });
      }
      out.push({ ...e, media });
    }
    return out;
  }
}

/** Whether a turn's effects send a shipped file (the common turn does not, and needs no await). */
export const sendsShippedFile = (effects: readonly Effect[]): boolean => effects.some(hasShipped);

const hasShipped = (e: Effect): boolean => e.type === 'say' && e.media !== undefined && e.media.some((m) => 'source' in m && 'path' in m.source);
