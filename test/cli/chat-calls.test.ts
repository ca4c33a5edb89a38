import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BusinessApi } from '../support/business-api.js';
import { runCli } from '../support/cli.js';

describe('scenarist chat: call steps', () => {
  const saved = { ...process.env };
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    process.env = { ...saved };
    for (const c of cleanup.splice(0)) await c();
  });

  async function scenarioCalling(): Promise<{ file: string; api: BusinessApi }> {
    const api = await new BusinessApi().start();
    cleanup.push(() => api.stop());
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-chat-calls-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'orders.json');
    const scenario = {
      name: 'Orders',
      version: '1',
      start_step: 'ask',
      steps: {
        ask: { message: { text: 'Order number?' }, expected_input: { type: 'integer', variable: 'order' }, next_step: 'look_up' },
        look_up: { call: { url: `${api.url('/orders')}/{{order}}`, headers: { 'X-Key': '{{secret.CRM_TOKEN}}' }, save: { state: 'body.state' }, on_error: 'failed' }, next_step: 'found' },
        found: { message: { text: 'Order {{order}} is {{state}}.' } },
        failed: { message: { text: 'The order service did not answer.' } },
      },
    };
    writeFileSync(file, JSON.stringify(scenario));
    return { file, api };
  }

  it('makes the call for real with the secret from SCENARIST_SECRET_<NAME>, under CALLS_ALLOWED_HOSTS', async () => {
    const { file, api } = await scenarioCalling();
    api.json('/orders/42', 200, { state: 'shipped' });
    process.env['CALLS_ALLOWED_HOSTS'] = '127.0.0.1';
    process.env['SCENARIST_SECRET_CRM_TOKEN'] = 'k-123';
    const r = await runCli(['chat', file], { stdin: '42\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`(GET ${api.url('/orders/42')} ...)\n(200)\nbot: Order 42 is shipped.`);
    expect(api.received.map((q) => q.headers['x-key'])).toEqual(['k-123']);
  });

  it('refuses a private address the settings do not allow, and the scenario goes on_error', async () => {
    const { file, api } = await scenarioCalling();
    api.json('/orders/42', 200, { state: 'shipped' });
    const r = await runCli(['chat', file], { stdin: '42\n' });
    expect(r.stdout).toContain('bot: The order service did not answer.');
    expect(r.stdout).toMatch(/\(refused/);
    expect(api.received).toEqual([]);
  });
});
