import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IrScenario } from '../../../compiler/index.js';
import type { Effect } from '../../../runtime/engine/index.js';
import { MemoryMediaStore, ShippedFileError, ShippedFiles, shippedPaths } from '../../../runtime/media/index.js';
import { PDF, PNG } from './contract.js';

let dir = '';
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function bot(): Promise<{ media: MemoryMediaStore; shipped: ShippedFiles }> {
  dir = await mkdtemp(join(tmpdir(), 'shipped-'));
  await writeFile(join(dir, 'logo.png'), PNG);
  await writeFile(join(dir, 'menu.pdf'), PDF);
  const media = new MemoryMediaStore();
  return { media, shipped: new ShippedFiles(media, (id) => (id === 'shop' ? dir : undefined)) };
}

describe('files shipped with a bot', () => {
  it("lists the paths a scenario's steps send, each once", () => {
    const ir = {
      steps: {
        a: { media: [{ type: 'image', source: { kind: 'path', path: 'logo.png' } }, { type: 'document', source: { kind: 'url', url: [] } }] },
        b: { media: [{ type: 'image', source: { kind: 'path', path: 'logo.png' } }, { type: 'document', source: { kind: 'path', path: 'menu.pdf' } }, { type: 'location', source: { kind: 'fixed', value: { latitude: 1, longitude: 2 } } }] },
        c: {},
      },
    } as unknown as IrScenario;
    expect(shippedPaths(ir)).toEqual(['logo.png', 'menu.pdf']);
  });

  it('ships no hidden file (.env, .git) and nothing a link points to outside the scenario directory', async () => {
    const { shipped } = await bot();
    await writeFile(join(dir, '.env'), 'TELEGRAM_TOKEN_SHOP=123:secret\n');
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git', 'config'), '[core]\n');
    const outside = await mkdtemp(join(tmpdir(), 'outside-'));
    try {
      await writeFile(join(outside, 'key'), 'secret');
      await symlink(join(outside, 'key'), join(dir, 'key.png'));
      await symlink(join(dir, 'logo.png'), join(dir, 'inside.png'));
      const err = await shipped.ship('shop', ['.env', '.git/config', 'key.png', 'inside.png']).catch((e: unknown) => e);
      expect((err as ShippedFileError).problems.map((p) => p.path)).toEqual(['.env', '.git/config', 'key.png']);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('puts a file again when it is sent after retention may have deleted it', async () => {
    let now = 1_000_000;
    const day = 86_400_000;
    dir = await mkdtemp(join(tmpdir(), 'shipped-'));
    await writeFile(join(dir, 'logo.png'), PNG);
    const media = new MemoryMediaStore(() => now);
    const shipped = new ShippedFiles(media, () => dir, () => now);
    await shipped.ship('shop', ['logo.png']);
    now += 2 * day;
    expect(await media.deleteOlderThan(now - day)).toBe(1);
    const file = await shipped.resolve('shop', 'logo.png');
    expect(await media.stat(file.id)).toMatchObject({ id: file.id, mime: 'image/png' });
  });

  it('stores them relative to the scenario directory, and names every file that cannot be stored', async () => {
    const { media, shipped } = await bot();
    await shipped.ship('shop', ['logo.png']);
    expect(await media.stat((await shipped.resolve('shop', 'logo.png')).id)).toMatchObject({ mime: 'image/png', name: 'logo.png' });
    const err = await shipped.ship('shop', ['logo.png', 'missing.jpg', '../outside.png']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShippedFileError);
    expect((err as ShippedFileError).problems.map((p) => p.path)).toEqual(['missing.jpg', '../outside.png']);
    expect((err as ShippedFileError).message).toContain('missing.jpg');
  });

  it("replaces a say effect's { path } by the stored { file }, leaving URLs and cards; drops and reports a file that is gone", async () => {
    const { shipped } = await bot();
    const effects: Effect[] = [
      { type: 'say', step: 's', text: 'Menu', buttons: [], media: [{ type: 'document', source: { path: 'menu.pdf' }, caption: 'Our menu' }, { type: 'image', source: { url: 'https://x.example/a.png' } }, { kind: 'location', latitude: 1, longitude: 2 }] },
      { type: 'say', step: 's', text: 'Logo', buttons: [], media: [{ type: 'image', source: { path: 'gone.png' } }] },
    ];
    const missing: string[] = [];
    const out = await shipped.resolveEffects('shop', effects, (path) => missing.push(path));
    const menu = await shipped.resolve('shop', 'menu.pdf');
    expect(out).toEqual([
      { ...effects[0], media: [{ type: 'document', source: { file: menu }, caption: 'Our menu' }, { type: 'image', source: { url: 'https://x.example/a.png' } }, { kind: 'location', latitude: 1, longitude: 2 }] },
      { ...effects[1], media: [] },
    ]);
    expect(missing).toEqual(['gone.png']);
    const plain: Effect[] = [{ type: 'say', step: 's', text: 'Hi', buttons: [] }];
    expect(await shipped.resolveEffects('shop', plain, () => undefined)).toBe(plain);
  });
});
