import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveWebhookSecret } from '../../runtime/secrets/index.js';
import { FakeBotApi } from '../../runtime/testing/fake-bot-api.js';

const TOKEN = '555111:AAHcliWebhookToken_abcdefghijklmnop';
let api: FakeBotApi;
beforeAll(async () => {
  api = await FakeBotApi.start();
});
afterAll(async () => {
  await api.close();
});

/** The built CLI in a child process, with its own environment. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [resolve('bin/scenarist.js'), ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('scenarist webhook', () => {
  const env = { TELEGRAM_API_ROOT: '', TELEGRAM_TOKEN_GREETER: TOKEN };
  it('sets the webhook with the derived secret, shows it, and deletes it', async () => {
    env.TELEGRAM_API_ROOT = api.url;
    const set = await cli(['webhook', 'set', 'greeter', '--url', 'https://bots.example.com/'], env);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('https://bots.example.com/webhooks/telegram/greeter');
    expect(api.webhookOf(TOKEN)).toMatchObject({ url: 'https://bots.example.com/webhooks/telegram/greeter', secretToken: deriveWebhookSecret(TOKEN) });
    const info = await cli(['webhook', 'info', 'greeter'], env);
    expect(JSON.parse(info.stdout)).toMatchObject({ url: 'https://bots.example.com/webhooks/telegram/greeter' });
    expect(info.stdout).not.toContain(deriveWebhookSecret(TOKEN));
    const del = await cli(['webhook', 'delete', 'greeter'], env);
    expect(del.code).toBe(0);
    expect(api.webhookOf(TOKEN)).toBeUndefined();
  });

  it('says which variable holds the token when it is missing, and refuses bad usage', async () => {
    const r = await cli(['webhook', 'set', 'greeter', '--url', 'https://x.example'], { TELEGRAM_API_ROOT: api.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('set TELEGRAM_TOKEN_GREETER');
    expect((await cli(['webhook', 'set', 'greeter'], { ...env, TELEGRAM_API_ROOT: api.url })).code).toBe(2);
    expect((await cli(['webhook', 'wipe', 'greeter'], env)).code).toBe(2);
  });
});

describe('scenarist serve refuses to start', () => {
  it('without a readable config file, on a scenario with errors, and on bad settings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-serve-'));
    const missing = await cli(['serve', '--config', join(dir, 'nope.json')], { DATA_DIR: join(dir, 'data') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read the config file');

    writeFileSync(join(dir, 'broken.json'), '{"name":"x","version":"1","start_step":"a","steps":{"a":{"type":"message","next_step":"b"}}}');
    writeFileSync(join(dir, 'bots.json'), JSON.stringify({ bots: [{ id: 'broken', scenario: 'broken.json' }] }));
    const broken = await cli(['serve', '--config', join(dir, 'bots.json')], { DATA_DIR: join(dir, 'data'), DATABASE_URL: join(dir, 'db.sqlite') });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/bot broken: the scenario has errors\n.*broken\.json:1:\d+ UNKNOWN_STEP/);

    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ bots: [{ id: 'greeter', scenario: resolve('examples/spec-example.json') }] }));
    const badKey = await cli(['serve', '--config', join(dir, 'ok.json')], { DATA_DIR: join(dir, 'data'), DATABASE_URL: join(dir, 'db.sqlite'), ENCRYPTION_KEY: 'too-short' });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('ENCRYPTION_KEY must be 32 bytes');
    const badDb = await cli(['serve', '--config', join(dir, 'ok.json')], { DATA_DIR: join(dir, 'data'), DATABASE_URL: join(dir, 'ok.json', 'db.sqlite') });
    expect(badDb.code).toBe(1);
    expect(badDb.stderr).toMatch(/scenarist serve: cannot (create the directory|open the SQLite database)/);

    const badPort = await cli(['serve', '--config', join(dir, 'bots.json'), '--port', 'eighty']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('PORT="eighty"');
  });
});
