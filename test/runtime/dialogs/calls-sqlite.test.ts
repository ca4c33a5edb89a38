import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpCallClient } from '../../../runtime/agenda/index.js';
import { openSqliteStore, type Store } from '../../../runtime/store/index.js';
import { BusinessApi } from '../../support/business-api.js';
import { compileText, harness, key, type Harness } from './harness.js';

const SECRET = 's3cr3t-crm-token';

/** A compiled scenario that looks an order up in the business's API, and says what it found or that it failed. */
function orderBot(api: BusinessApi): ReturnType<typeof compileText> {
  return compileText({
    name: 'Order status',
    version: '1',
    start_step: 'ask',
    steps: {
      ask: { message: { text: 'Order number?' }, expected_input: { type: 'integer', variable: 'order' }, next_step: 'look_up' },
      look_up: {
        message: { text: 'Looking up order {{order}}...' },
        call: {
          url: `${api.url('/orders')}/{{order}}`,
          headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' },
          timeout: '2s',
          retries: 1,
          save: { state: 'body.state', code: 'status' },
          on_error: 'failed',
        },
        next_step: 'found',
      },
      found: { message: { text: 'Order {{order}} is {{state}}.' } },
      failed: { message: { text: 'The order service did not answer ({{code | default: "no status"}}).' } },
    },
  });
}

describe('calls end to end: a compiled call step, the real HTTP client, SQLite on disk', () => {
  const cleanup: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup(): Promise<{ h: Harness; api: BusinessApi; store: Store }> {
    const api = await new BusinessApi().start();
    cleanup.push(() => api.stop());
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-calls-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = openSqliteStore({ file: join(dir, 'bots.db') });
    cleanup.push(() => store.close());
    // The test's API listens on loopback: allowed by name, as an operator would allow an internal host.
    const calls = new HttpCallClient({ policy: { allowPrivate: false, allowedHosts: ['127.0.0.1'] }, secrets: (name) => (name === 'CRM_TOKEN' ? SECRET : undefined) });
    cleanup.push(() => calls.close());
    const h = harness({ config: orderBot(api), store, calls, agenda: { sweepMs: 100 } });
    h.manager.start();
    cleanup.push(() => h.manager.stop());
    return { h, api, store };
  }

  const outTexts = async (store: Store, chat: string): Promise<string[]> =>
    (await store.history(key(chat), { limit: 100 })).filter((e) => e.direction === 'out').map((e) => e.text ?? '');

  it('makes the call once the turn is committed, with the secret filled in, and applies the answer once', async () => {
    const { h, api, store } = await setup();
    api.json('/orders/42', 200, { state: 'shipped' });
    await h.send({ id: 1, chat: 'a', text: 'hi' });
    await h.send({ id: 2, chat: 'a', text: '42' });
    await expect.poll(() => h.adapter.texts('a'), { timeout: 10_000 }).toContain('Order 42 is shipped.');
    expect(await outTexts(store, 'a')).toEqual(['Order number?', 'Looking up order 42...', 'Order 42 is shipped.']);
    expect(api.received.map((r) => [r.method, r.path, r.headers['authorization']])).toEqual([['GET', '/orders/42', `Bearer ${SECRET}`]]);
    const stored = (await store.getDialog(key('a')))!;
    expect(stored).toMatchObject({ status: 'ended', vars: { order: 42, state: 'shipped', code: 200 } });
    expect(stored.agenda ?? []).toEqual([]);
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect(JSON.stringify(h.lines)).not.toContain(SECRET);
  });

  it('a failing API: the idempotent GET is tried again, then on_error runs with the status saved', async () => {
    const { h, api, store } = await setup();
    api.json('/orders/7', 503, { error: 'busy' });
    await h.send({ id: 1, chat: 'b', text: 'hi' });
    await h.send({ id: 2, chat: 'b', text: '7' });
    await expect.poll(() => h.adapter.texts('b').at(-1), { timeout: 15_000 }).toBe('The order service did not answer (503).');
    expect(api.received.filter((r) => r.path === '/orders/7')).toHaveLength(2);
    expect((await store.getDialog(key('b')))!).toMatchObject({ status: 'ended', vars: { code: 503 } });
  });

  it('a call to a private address the settings do not allow is refused without a request', async () => {
    const { h, api } = await setup();
    const refusing = new HttpCallClient({ policy: { allowPrivate: false, allowedHosts: [] } });
    cleanup.push(() => refusing.close());
    const other = harness({ config: orderBot(api), store: h.store, calls: refusing, agenda: { sweepMs: 100 }, owner: 'strict' });
    other.manager.start();
    cleanup.push(() => other.manager.stop());
    await h.manager.stop();
    await other.send({ id: 1, chat: 'c', text: 'hi' });
    await other.send({ id: 2, chat: 'c', text: '9' });
    await expect.poll(() => other.adapter.texts('c').at(-1), { timeout: 10_000 }).toBe('The order service did not answer (no status).');
    expect(api.received).toEqual([]);
  });
});
