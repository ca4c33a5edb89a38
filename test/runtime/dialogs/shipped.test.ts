import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dialog, type TurnResult } from '../../../runtime/engine/index.js';
import { MemoryMediaStore, ShippedFiles } from '../../../runtime/media/index.js';
import { PNG } from '../media/contract.js';
import { harness } from './harness.js';

let dir = '';
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('dialog manager: files shipped with a bot', () => {
  it('turns a say effect with a shipped path into one with the stored file before the write', async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipped-'));
    await writeFile(join(dir, 'logo.png'), PNG);
    const media = new MemoryMediaStore();
    const shipped = new ShippedFiles(media, () => dir);
    const h = harness({ shipped });
    const send = Dialog.prototype.send;
    vi.spyOn(Dialog.prototype, 'send').mockImplementation(function (this: Dialog, ...args: Parameters<Dialog['send']>): TurnResult {
      const turn = send.apply(this, args);
      return { ...turn, effects: [...turn.effects, { type: 'say', step: 'welcome', text: '', buttons: [], media: [{ type: 'image', source: { path: 'logo.png' } }] }] };
    });
    const result = await h.send({ id: 1, chat: 'c', text: '/start' });
    const file = await shipped.resolve('bot', 'logo.png');
    expect(result.status === 'applied' && result.effects.at(-1)).toEqual({ type: 'say', step: 'welcome', text: '', buttons: [], media: [{ type: 'image', source: { file } }] });
    expect(JSON.stringify(await h.store.getDialog({ botId: 'bot', platform: 'test', chatId: 'c' }))).not.toContain('"path"');
  });
});
