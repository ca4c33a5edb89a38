import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('scenarist test: media turns', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reads the files a test sends relative to the test file, wherever it runs from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-test-media-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'tests', 'fixtures'), { recursive: true });
    copyFileSync('examples/fixtures/receipt.jpg', join(dir, 'tests', 'fixtures', 'receipt.jpg'));
    const scenario = {
      name: 'Names',
      version: '1',
      start_step: 'ask',
      steps: {
        ask: { message: { text: 'Name?' }, expected_input: { type: 'text', variable: 'name', error_message: 'Your name, in words.' }, next_step: 'hi' },
        hi: { message: { text: 'Hi {{name}}' } },
      },
    };
    writeFileSync(join(dir, 'names.json'), JSON.stringify(scenario));
    const turns = [{ user: 'hello' }, { bot: 'Name?' }, { photo: 'fixtures/receipt.jpg', caption: 'Ann' }, { bot: 'Your name, in words.' }, { user: 'Ann' }, { bot: 'Hi Ann', ended: true }];
    writeFileSync(join(dir, 'tests', 'names.test.json'), JSON.stringify({ name: 'a photo is no name', turns }));
    writeFileSync(join(dir, 'tests', 'missing.test.json'), JSON.stringify({ name: 'missing file', turns: [{ user: 'hello' }, { bot: 'Name?' }, { photo: 'nope.jpg' }] }));
    const ok = await runCli(['test', 'names.json', 'tests/names.test.json'], { cwd: dir });
    expect(ok.stdout).toContain('1 passed, 0 failed');
    const missing = await runCli(['test', 'names.json', 'tests/missing.test.json'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/turn 3: expected the turn to run\n\s+actual\s+an error: ENOENT/);
  });

  it('runs a test file given alone against the scenario it is named after', async () => {
    const run = await runCli(['test', 'examples/receipt.test.json']);
    expect([run.code, run.stdout.trim().split('\n').at(-1)]).toEqual([0, '4 passed, 0 failed']);
    const none = await runCli(['test', 'examples/nothing.test.json']);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('examples/nothing.json')]);
  });
});
