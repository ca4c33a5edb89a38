/**
 * A bot's secrets end to end on a real server (SQLite on disk): set through the admin API, sent in a call's header to
 * a local business API, and found in no log line, no stored record and no API answer; the environment wins over the
 * store; a missing secret refuses the call without a request.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStore } from '../../../runtime/store/index.js';
import { BusinessApi } from '../../support/business-api.js';
import { runCli } from '../../support/cli.js';
import { serverFixture, textUpdate, TOKEN, type ServerFixture } from '../../support/server-fixture.js';

const STORED = 'stored-crm-token-7f3a9c1e';
const FROM_ENV = 'env-crm-token-b2d4e6f8';

let f: ServerFixture | undefined;
let api: BusinessApi | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  await f?.close();
  await api?.stop();
  f = undefined;
  api = undefined;
});

/** A server whose greeter bot asks an order number and looks it up in the local API with {{secret.CRM_TOKEN}}. */
async function start(env: Record<string, string> = {}): Promise<{ f: ServerFixture; api: BusinessApi }> {
  api = await new BusinessApi().start();
  api.json('/orders/42', 200, { state: 'shipped' });
  const scenario = {
    name: 'Order status',
    version: '1',
    start_step: 'ask',
    steps: {
      ask: { message: { text: 'Order number?' }, expected_input: { type: 'integer', variable: 'order' }, next_step: 'look_up' },
      look_up: {
        call: { url: `${api.url('/orders')}/{{order}}`, headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' }, timeout: '2s', save: { state: 'body.state' }, on_error: 'failed' },
        next_step: 'found',
      },
      found: { message: { text: 'Order {{order}} is {{state}}.' } },
      failed: { message: { text: 'The order service cannot be asked.' } },
    },
  };
  const file = join(mkdtempSync(join(tmpdir(), 'scenarist-secret-bot-')), 'order.json');
  writeFileSync(file, JSON.stringify(scenario));
  f = await serverFixture(env, { scenario: file, calls: { allowedHosts: ['127.0.0.1'] } });
  return { f, api };
}

function admin(f: ServerFixture, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${f.server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${f.server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Asks for order 42 in chat 1 and waits for the bot's last answer. */
async function askOrder(f: ServerFixture): Promise<string> {
  await f.post(textUpdate(1, 'hi'));
  await f.api.waitFor((a) => a.texts(1).length === 1);
  await f.post(textUpdate(1, '42'));
  await f.api.waitFor((a) => a.texts(1).length === 2);
  return f.api.texts(1)[1]!;
}

describe('bot secrets through the admin API, in calls', () => {
  it('sends a secret set through the API, and the value is in no log line, stored record or API answer', async () => {
    const { f, api } = await start();
    const answers: string[] = [];
    const put = await admin(f, 'PUT', '/api/bots/greeter/secrets/CRM_TOKEN', { value: STORED });
    expect(put.status).toBe(204);
    answers.push(await put.text());
    const list = await admin(f, 'GET', '/api/bots/greeter/secrets');
    expect(list.status).toBe(200);
    const listed = (await list.json()) as { secrets: { name: string; updatedAt: number }[] };
    answers.push(JSON.stringify(listed));
    expect(listed.secrets.map((s) => Object.keys(s).sort())).toEqual([['name', 'updatedAt']]);
    expect(listed.secrets[0]!.name).toBe('CRM_TOKEN');

    expect(await askOrder(f)).toBe('Order 42 is shipped.');
    expect(api.received.map((r) => r.headers['authorization'])).toEqual([`Bearer ${STORED}`]);

    for (const path of ['/api/bots', '/api/bots/greeter/dialogs', '/api/bots/greeter/secrets', '/api/bots/greeter/dashboard']) answers.push(await (await admin(f, 'GET', path)).text());
    expect(answers.join('\n')).not.toContain(STORED);
    expect(JSON.stringify(f.lines)).not.toContain(STORED);
    expect(f.lines.some((l) => l['event_type'] === 'ADMIN' && l['secret_name'] === 'CRM_TOKEN')).toBe(true);

    const dialog = await f.server.store.getDialog({ botId: 'greeter', platform: 'telegram', chatId: '1' });
    const history = await f.server.store.history({ botId: 'greeter', platform: 'telegram', chatId: '1' }, { limit: 100 });
    const credentials = await f.server.store.listCredentials('greeter');
    expect(credentials.map((c) => c.platform)).toEqual(['secret:CRM_TOKEN', 'telegram']);
    expect(JSON.stringify([dialog, history, credentials])).not.toContain(STORED);
    // The SQLite file on disk, read byte for byte.
    expect(readFileSync(join(f.dir, 'db.sqlite')).includes(Buffer.from(STORED))).toBe(false);

    const removed = await admin(f, 'DELETE', '/api/bots/greeter/secrets/CRM_TOKEN');
    expect(removed.status).toBe(204);
    expect((await admin(f, 'DELETE', '/api/bots/greeter/secrets/CRM_TOKEN')).status).toBe(404);
    expect(((await (await admin(f, 'GET', '/api/bots/greeter/secrets')).json()) as { secrets: unknown[] }).secrets).toEqual([]);
  });

  it('answers 400 to a bad name or value, 404 to an unknown bot, 401 without the token', async () => {
    const { f } = await start();
    expect((await admin(f, 'PUT', '/api/bots/greeter/secrets/crm_token', { value: STORED })).status).toBe(400);
    expect((await admin(f, 'PUT', `/api/bots/greeter/secrets/${'A'.repeat(65)}`, { value: STORED })).status).toBe(400);
    expect((await admin(f, 'PUT', '/api/bots/greeter/secrets/CRM_TOKEN', { value: '' })).status).toBe(400);
    expect((await admin(f, 'PUT', '/api/bots/greeter/secrets/CRM_TOKEN', { value: 'two\nlines' })).status).toBe(400);
    expect((await admin(f, 'PUT', '/api/bots/greeter/secrets/CRM_TOKEN', { value: 42 })).status).toBe(400);
    expect((await admin(f, 'PUT', '/api/bots/greeter/secrets/CRM_TOKEN', {})).status).toBe(400);
    expect((await admin(f, 'PUT', '/api/bots/nobody/secrets/CRM_TOKEN', { value: STORED })).status).toBe(404);
    const anonymous = await fetch(`${f.server.url}/api/bots/greeter/secrets/CRM_TOKEN`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: STORED }) });
    expect(anonymous.status).toBe(401);
    expect(await f.server.store.listCredentials('greeter')).toHaveLength(1); // the Telegram token only
  });

  it('the environment variable wins over the stored value', async () => {
    const { f, api } = await start({ SCENARIST_SECRET_CRM_TOKEN: FROM_ENV });
    expect((await admin(f, 'PUT', '/api/bots/greeter/secrets/CRM_TOKEN', { value: STORED })).status).toBe(204);
    expect(await askOrder(f)).toBe('Order 42 is shipped.');
    expect(api.received.map((r) => r.headers['authorization'])).toEqual([`Bearer ${FROM_ENV}`]);
    expect(JSON.stringify(f.lines)).not.toContain(FROM_ENV);
  });

  it('a secret set nowhere refuses the call without a request, with a log line naming it', async () => {
    const { f, api } = await start();
    expect(await askOrder(f)).toBe('The order service cannot be asked.');
    expect(api.received).toEqual([]);
    const refused = f.lines.filter((l) => l['event_type'] === 'CALL' && l['error'] === 'refused' && 'attempt' in l && 'reason' in l);
    expect(refused).toHaveLength(1);
    expect(String(refused[0]!['reason'])).toContain('CRM_TOKEN');
  });

  it('a secret set with the CLI on the server\'s store and key is sent by the running server', async () => {
    const { f, api } = await start();
    vi.stubEnv('ENCRYPTION_KEY', 'c'.repeat(64)); // the fixture's key
    const set = await runCli(['secret', 'set', 'greeter', 'CRM_TOKEN', '--database', join(f.dir, 'db.sqlite')], { stdin: `${STORED}\n`, cwd: f.dir });
    expect(set.code).toBe(0);
    const list = await runCli(['secret', 'list', 'greeter', '--database', join(f.dir, 'db.sqlite'), '--json'], { cwd: f.dir });
    expect((JSON.parse(list.stdout) as { name: string }[]).map((s) => s.name)).toEqual(['CRM_TOKEN']);
    expect(await askOrder(f)).toBe('Order 42 is shipped.');
    expect(api.received.map((r) => r.headers['authorization'])).toEqual([`Bearer ${STORED}`]);
  });

  it('a value stored under an earlier key is read after ENCRYPTION_KEY rotates, and moves to the new key', async () => {
    const first = await start();
    expect((await admin(first.f, 'PUT', '/api/bots/greeter/secrets/CRM_TOKEN', { value: STORED })).status).toBe(204);
    const file = join(first.f.dir, 'db.sqlite');
    await first.f.close();
    await first.api.stop();
    f = undefined;
    api = undefined;
    const store = openSqliteStore({ file });
    const before = await store.getCredential('greeter', 'secret:CRM_TOKEN');
    await store.close();
    // The same database, a new first key and the old one after it.
    const again = await start({ DATABASE_URL: file, ENCRYPTION_KEY: `${'d'.repeat(64)},${'c'.repeat(64)}`, TELEGRAM_TOKEN_GREETER: TOKEN });
    // Encrypted again under the first key at start, before any call reads it.
    const atStart = await again.f.server.store.getCredential('greeter', 'secret:CRM_TOKEN');
    expect(atStart?.keyId).not.toBe(before?.keyId);
    expect(await askOrder(again.f)).toBe('Order 42 is shipped.');
    expect(again.api.received.map((r) => r.headers['authorization'])).toEqual([`Bearer ${STORED}`]);
    const after = await again.f.server.store.getCredential('greeter', 'secret:CRM_TOKEN');
    expect(after?.keyId).not.toBe(before?.keyId);
    expect(after?.ciphertext).not.toBe(before?.ciphertext);
  });
});
