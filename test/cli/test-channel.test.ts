import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const options = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `Option ${i + 1}`, value: `o${i + 1}` }));

/** A 12-button scenario and a test that presses the eleventh, in a folder of its own (no config file there). */
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'test-channel-'));
  const steps = {
    pick: { message: { text: 'Pick one' }, buttons: options(12), expected_input: { type: 'button', variable: 'b' }, next_step: 'done' },
    done: { message: { text: 'You chose {{b}}' } },
  };
  writeFileSync(join(dir, 'menu.json'), JSON.stringify({ name: 'Menu', version: '1', start_step: 'pick', steps }));
  const turns = [{ user: 'hi' }, { bot: 'Pick one', buttons: options(12).map((b) => b.text) }, { press: 'o11' }, { bot: 'You chose o11', ended: true }];
  writeFileSync(join(dir, 'menu.test.json'), JSON.stringify({ name: 'presses the eleventh', turns }));
  // Typing "11" picks only where the buttons are a numbered menu.
  writeFileSync(join(dir, 'typed.test.json'), JSON.stringify({ name: 'types 11', turns: [{ user: 'hi' }, { bot: 'Pick one' }, { user: '11' }, { bot: 'You chose o11' }] }));
  return dir;
}

describe('scenarist test --channel', () => {
  it('runs on one channel, pressing through its rendering', async () => {
    const cwd = folder();
    const r = await runCli(['test', 'menu.test.json', '--channel', 'whatsapp'], { cwd });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('✓ presses the eleventh\n');
    expect((await runCli(['test', 'menu.json', 'typed.test.json', '--channel', 'whatsapp'], { cwd })).code).toBe(0);
    const telegram = await runCli(['test', 'menu.json', 'typed.test.json', '--channel', 'telegram'], { cwd });
    expect(telegram.code).toBe(1);
    expect(telegram.stdout).toContain('turn 4: expected bot "You chose o11"');
  });

  it('all: every channel for a scenario no bot of the config runs, each result marked', async () => {
    const r = await runCli(['test', 'menu.test.json', '--channel', 'all'], { cwd: folder() });
    expect(r.code, r.stdout).toBe(0);
    for (const channel of ['telegram', 'webchat', 'whatsapp', 'messenger']) expect(r.stdout).toContain(`✓ presses the eleventh [${channel}]\n`);
    expect(r.stdout).toContain('4 passed, 0 failed');
  });

  it("all: a bot's channels, from the config file beside", async () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'scenarist.config.json'), JSON.stringify({ bots: [{ id: 'menu', scenario: 'menu.json', channels: ['whatsapp', 'messenger'] }] }));
    const r = await runCli(['test', 'menu.test.json', '--channel', 'all'], { cwd });
    expect(r.stdout).toContain('[whatsapp]');
    expect(r.stdout).toContain('[messenger]');
    expect(r.stdout).not.toContain('[telegram]');
    writeFileSync(join(cwd, 'scenarist.config.json'), JSON.stringify({ bots: [{ id: 'menu', scenario: resolve(cwd, 'menu.json') }] }));
    const defaults = await runCli(['test', 'menu.test.json', '--channel', 'all'], { cwd });
    expect(defaults.stdout).toContain('[telegram]');
    expect(defaults.stdout).toContain('[webchat]');
    expect(defaults.stdout).toContain('2 passed, 0 failed');
  });

  it('an unknown channel exits 2; --help names the option', async () => {
    const r = await runCli(['test', 'menu.test.json', '--channel', 'icq'], { cwd: folder() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('messenger');
    expect((await runCli(['test', '--help'])).stdout).toContain('--channel C');
  });
});
