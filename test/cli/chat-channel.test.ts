import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const buttons = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `Option ${i + 1}`, value: `o${i + 1}` }));

/** A scenario: a 4-button step, then an 11-button step, then a long text. */
function scenarioDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chat-channel-'));
  const scenario = {
    name: 'Channels',
    version: '1.0',
    start_step: 'four',
    steps: {
      four: { message: { text: 'Pick one of four' }, buttons: buttons(4), expected_input: { type: 'button', variable: 'a' }, next_step: 'eleven' },
      eleven: { message: { text: 'Pick one of eleven' }, buttons: buttons(11), expected_input: { type: 'button', variable: 'b' }, next_step: 'long' },
      long: { message: { text: `You chose {{b}}. ${'word '.repeat(1000)}` }, next_step: 'end' },
      end: { message: { text: 'Bye' } },
    },
  };
  writeFileSync(join(dir, 's.json'), JSON.stringify(scenario));
  return dir;
}

describe('scenarist chat --channel', () => {
  it('on whatsapp: 4 buttons as a list, 11 as a numbered menu that "2" answers, a long text split', async () => {
    const cwd = scenarioDir();
    const { code, stdout } = await runCli(['chat', 's.json', '--channel', 'whatsapp'], { stdin: 'Option 3\n2\n/quit\n', cwd });
    expect(code).toBe(0);
    expect(stdout).toContain('[Choose ▾]');
    expect(stdout).toContain('  · Option 4');
    expect(stdout).toContain('1. Option 1\n');
    expect(stdout).toContain('11. Option 11\n');
    expect(stdout).toContain('You chose o2.');
    const long = stdout.slice(stdout.indexOf('You chose'));
    expect(long.split('bot: ').length - 1).toBe(2); // the long text's second part, then "Bye"
  });

  it('on messenger: 11 buttons fit quick replies', async () => {
    const { code, stdout } = await runCli(['chat', 's.json', '--channel', 'messenger'], { stdin: 'Option 1\n/quit\n', cwd: scenarioDir() });
    expect(code).toBe(0);
    expect(stdout).toContain('[Option 1] [Option 2]');
    expect(stdout).toContain('[Option 11]');
    expect(stdout).not.toContain('11. Option 11');
  });

  it('on telegram: the long text splits at 4096 characters; --help names the option', async () => {
    const { stdout } = await runCli(['chat', 's.json', '--channel', 'telegram'], { stdin: 'Option 1\nOption 1\n/quit\n', cwd: scenarioDir() });
    const long = stdout.slice(stdout.indexOf('You chose'));
    expect(long.split('bot: ').length - 1).toBe(2);
    expect((await runCli(['chat', '--help'])).stdout).toContain('--channel');
  });

  it('without --channel: the numbered buttons as before', async () => {
    const { stdout } = await runCli(['chat', 's.json'], { stdin: '/quit\n', cwd: scenarioDir() });
    expect(stdout).toContain('  [4] Option 4');
    expect(stdout).not.toContain('Choose');
  });

  it('where the channel draws the buttons, a typed number is text: the step asks again', async () => {
    const { stdout } = await runCli(['chat', 's.json', '--channel', 'messenger'], { stdin: '1\n/quit\n', cwd: scenarioDir() });
    expect(stdout).not.toContain('Pick one of eleven');
    const whatsapp = await runCli(['chat', 's.json', '--channel', 'whatsapp'], { stdin: 'Option 1\n11.\n/quit\n', cwd: scenarioDir() });
    expect(whatsapp.stdout).toContain('You chose o11.');
  });

  it('an unknown channel exits 2 naming the channels', async () => {
    const { code, stderr } = await runCli(['chat', 's.json', '--channel', 'icq'], { cwd: scenarioDir() });
    expect(code).toBe(2);
    expect(stderr).toContain('whatsapp');
  });
});
