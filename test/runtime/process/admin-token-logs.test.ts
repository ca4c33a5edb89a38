/**
 * The generated admin token opens the admin API: the dashboard link that carries it is printed on the terminal
 * (the CLI's stderr) and never goes through the logger, so no log line, on stdout or in a log file, holds it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../../runtime/testing/fake-bot-api.js';
import { processWorkspace, startServerProcess } from '../../support/server-process.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('the generated admin token', () => {
  it('is shown on the terminal and written to no log sink', async () => {
    const api = await FakeBotApi.start();
    cleanup.push(() => api.close());
    const ws = processWorkspace();
    const logDir = join(ws.dir, 'logs');
    const stdout: string[] = [];
    const server = await startServerProcess(ws, api.url, { BOT_FILE_LOGGING: 'true', BOT_LOG_DIR: logDir, ADMIN_TOKEN: '' });
    server.child.stdout!.on('data', (d) => stdout.push(String(d)));
    const token = readFileSync(join(ws.dir, 'data', 'admin.token'), 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(16);
    await waitUntil(() => server.stderr().includes('Dashboard:'));
    expect(server.stderr()).toContain(`/dashboard#token=${token}`);
    await server.stop();

    expect(server.lines.some((l) => l['msg'] === 'scenarist is serving')).toBe(true);
    const logged = server.lines.map((l) => JSON.stringify(l)).join('\n') + stdout.join('');
    expect(logged).not.toContain(token);
    const files = readdirSync(logDir).filter((f) => f.endsWith('.log'));
    expect(files.length).toBeGreaterThan(0);
    const written = files.map((f) => readFileSync(join(logDir, f), 'utf8')).join('');
    expect(written).toContain('scenarist is serving');
    expect(written).not.toContain(token);
  });
});

async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(done()).toBe(true);
}
