import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const scenario = JSON.stringify(
  { name: 'T', version: '1', start_step: 'a', steps: { a: { message: { text: 'Menu' }, media: [{ image: 'images/menu.jpg' }, { document: 'images/gone.pdf' }] } } },
  null,
  2,
);

describe('scenarist check: media files shipped with the scenario', () => {
  it('resolves paths against the scenario file\'s folder, not the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scn-media-'));
    mkdirSync(join(dir, 'bot', 'images'), { recursive: true });
    writeFileSync(join(dir, 'bot', 'images', 'menu.jpg'), 'not really a jpeg');
    writeFileSync(join(dir, 'bot', 'scenario.json'), scenario);
    const r = await runCli(['check', 'bot/scenario.json'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bot\/scenario\.json:15:23 error MEDIA_FILE_MISSING /);
  });
});
