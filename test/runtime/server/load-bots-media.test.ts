// A bot whose scenario sends a file it does not ship: the server refuses to start, naming the file and the position
// of its path in the scenario (file:line:column CODE), as `scenarist check` does.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryMediaStore, ShippedFiles } from '../../../runtime/media/index.js';
import { parseKeyring } from '../../../runtime/secrets/index.js';
import { loadBots, ScenarioLoadError } from '../../../runtime/server/index.js';
import { MemoryStore } from '../../../runtime/store/index.js';
import { captureLogger } from '../../support/capture-logger.js';

const SCENARIO = `{
  "name": "Menu",
  "version": "1.0",
  "start_step": "hello",
  "steps": {
    "hello": {
      "message": { "text": "Our menu:" },
      "media": [{ "image": "images/menu.png" }]
    }
  }
}
`;

describe('loading a bot whose scenario ships files', () => {
  it('reports a missing shipped file as MEDIA_FILE_MISSING at its path in the scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-ship-'));
    const scenario = join(dir, 'menu.json');
    writeFileSync(scenario, SCENARIO);
    const bots = [{ id: 'menu', account: 'default', name: 'Menu', scenario, telegram: { groupDialogs: 'member' as const }, callsAllowedHosts: [] }];
    const media = new MemoryMediaStore();
    const shipped = new ShippedFiles(media, () => dir);
    const { logger } = captureLogger();
    const loading = loadBots(bots, new MemoryStore(), parseKeyring('1'.repeat(64)), {}, logger, () => 1_000, shipped);
    await expect(loading).rejects.toBeInstanceOf(ScenarioLoadError);
    const message = await loading.then(
      () => '',
      (err: Error) => err.message,
    );
    const line = message.split('\n').find((l) => l.startsWith(`${scenario}:`));
    expect(line?.slice(scenario.length + 1).split(' ').slice(0, 2)).toEqual(['8:28', 'MEDIA_FILE_MISSING']);
  });
});
