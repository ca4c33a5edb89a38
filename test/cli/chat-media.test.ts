import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediaLine, mediaMessage } from '../../cli/commands/chat-media.js';
import { LocalMedia } from '../../runtime/testing/index.js';
import { runCli } from '../support/cli.js';

describe('scenarist chat: media commands', () => {
  it('/photo PATH announces the file with its real size; /location and /contact build cards', async () => {
    const media = new LocalMedia();
    expect(await mediaMessage('/photo fixtures/receipt.jpg', resolve('examples'), media)).toEqual({ files: [{ kind: 'photo', ref: 'local:1', size: 212, name: 'receipt.jpg' }] });
    expect(await mediaMessage('/location 52.52 13.405', '.', media)).toEqual({ location: { kind: 'location', latitude: 52.52, longitude: 13.405 } });
    expect(await mediaMessage('/contact +4930123 Ann van Lee', '.', media)).toEqual({ contact: { kind: 'contact', phone: '+4930123', first_name: 'Ann', last_name: 'van Lee' } });
    expect(await mediaMessage('hello', '.', media)).toBeUndefined();
  });

  it('answers a malformed command with its usage, and a missing file with its error code', async () => {
    const media = new LocalMedia();
    for (const line of ['/photo', '/location 91 0', '/location north', '/contact +1']) expect(typeof (await mediaMessage(line, '.', media))).toBe('string');
    expect(await mediaMessage('/document nope.pdf', '.', media)).toBe('cannot read nope.pdf: ENOENT');
  });

  it('shows the bot media as lines', () => {
    const file = { id: 'x', sha256: 'x', mime: 'image/jpeg', size: 212, name: 'receipt.jpg' };
    expect(mediaLine({ type: 'image', source: { file }, caption: 'yours' })).toBe('[image: receipt.jpg, image/jpeg, 212 bytes] yours');
    expect(mediaLine({ type: 'document', source: { url: 'https://x.example/a.pdf' } })).toBe('[document: https://x.example/a.pdf]');
    expect(mediaLine({ kind: 'location', latitude: 1.5, longitude: 2, title: 'Shop' })).toBe('[location: 1.5, 2 (Shop)]');
    expect(mediaLine({ kind: 'contact', phone: '+1', first_name: 'Ann', last_name: 'Lee' })).toBe('[contact: Ann Lee, +1]');
  });

  it('--help names the media commands', async () => {
    const { stdout } = await runCli(['chat', '--help']);
    for (const c of ['/photo PATH', '/document PATH', '/location LAT LON', '/contact PHONE FIRST [LAST]']) expect(stdout).toContain(c);
  });

  it('talks to the receipt example: a photo fetched with the server checks, a location, both shown back', async () => {
    const stdin = ['/photo fixtures/receipt.txt', '/photo fixtures/receipt.jpg', '/location 52.52 13.405', '/quit'].join('\n');
    const { code, stdout } = await runCli(['chat', 'receipt.json'], { stdin, cwd: resolve('examples') });
    expect(code).toBe(0);
    expect(stdout).toContain('(the file was not taken: the file is text/plain, and only image/* is accepted)');
    expect(stdout).toContain('bot: [image: receipt.jpg, image/jpeg, 212 bytes] receipt.jpg, 212 bytes');
    expect(stdout).toContain('bot: [location: 52.52, 13.405]');
  });
});
