import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { runCli } from '../support/cli.js';

describe('chat --inspect', () => {
  it('starts the inspector relay, says where it is and that it needs internet, and stops it on exit', async () => {
    const port = await freePort();
    const r = await runCli(['chat', 'examples/spec-example.json', '--inspect', '--inspect-port', String(port)], { stdin: 'Ann\n/quit\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Inspector: open http://localhost:${port} to watch the dialog`);
    expect(r.stderr).toContain('the browser needs internet');
    expect(r.stdout).toContain('bot: Nice to meet you, Ann!');
    // Stopped: the port is free again.
    const again = createServer();
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => again.close(resolve));
  });

  it('rejects a bad --inspect-port as a usage error', async () => {
    const r = await runCli(['chat', 'examples/spec-example.json', '--inspect', '--inspect-port', '99999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--inspect-port "99999": expected a port from 1 to 65535');
  });
});
