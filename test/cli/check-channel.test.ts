import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// receipt.json waits for a location, which Messenger users cannot send, and sends a location card back.
const receipt = 'examples/receipt.json';
const rows = (stdout: string) => (JSON.parse(stdout) as { code: string; severity: string; line: number; column: number }[]).filter((d) => d.code.startsWith('CHANNEL_'));

describe('scenarist check --channel', () => {
  it('checks against the channels named, repeated or comma-separated', async () => {
    const r = await runCli(['check', '--json', '--channel', 'messenger', receipt]);
    expect(r.code).toBe(1);
    expect(rows(r.stdout).map((d) => `${d.severity} ${d.code} ${d.line}:${d.column}`)).toEqual([
      'error CHANNEL_INPUT_UNSUPPORTED 23:35',
      'warning CHANNEL_CAPTION_SEPARATE 30:47',
      'warning CHANNEL_MEDIA_AS_TEXT 31:9',
    ]);
    const both = await runCli(['check', '--json', '--channel', 'whatsapp,messenger', '--channel', 'telegram', receipt]);
    expect(rows(both.stdout)).toEqual(rows(r.stdout));
  });

  it('reports nothing new without --channel, or on channels that show everything', async () => {
    expect((await runCli(['check', receipt])).code).toBe(0);
    const r = await runCli(['check', '--json', '--channel', 'telegram', '--channel', 'webchat', '--channel', 'whatsapp', receipt]);
    expect(r.code).toBe(0);
    expect(rows(r.stdout)).toEqual([]);
  });

  it('refuses an unknown channel as a usage error', async () => {
    expect((await runCli(['check', '--channel', 'sms', receipt])).code).toBe(2);
  });
});
