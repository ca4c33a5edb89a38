import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgendaEntry, Store } from '../../../runtime/store/index.js';
import { appFixture, session, T0, type AppFixture } from './app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await appFixture();
});
afterAll(async () => {
  await f.close();
});

const json = async (r: Response) => [r.status, await r.json()];
const dialogPath = (s: string) => `/api/bots/vault/dialogs/webchat/${s}`;

/** Name, the sensitive code and an e-mail: the vault dialog ends. */
async function vaultDialog(label: string, g: AppFixture = f): Promise<string> {
  const s = session(label);
  for (const text of ['hi', 'Ann', 'hunter2', 'ann@example.com']) await g.say('vault', s, text);
  return s;
}

describe('admin dialogs', () => {
  it('lists the dialogs of a bot, most recent first, by platform and bounded by limit', async () => {
    const a = session('list-a');
    const b = session('list-b');
    f.now = T0 + 1_000;
    await f.say('vault', a, 'hi');
    f.now = T0 + 2_000;
    await f.say('vault', b, 'hi');
    await f.say('vault', b, 'Bo');
    const [status, body] = await json(await f.admin('/api/bots/vault/dialogs?limit=2'));
    expect(status).toBe(200);
    expect(body).toEqual({
      botId: 'vault',
      dialogs: [
        { platform: 'webchat', chatId: b, rev: 2, step: 'ask_code', status: 'active', blocked: false, scenarioVersion: f.manager.configOf('vault')!.version, messagesSent: 2, createdAt: T0 + 2_000, updatedAt: T0 + 2_000 },
        { platform: 'webchat', chatId: a, rev: 1, step: 'ask_name', status: 'active', blocked: false, scenarioVersion: f.manager.configOf('vault')!.version, messagesSent: 1, createdAt: T0 + 1_000, updatedAt: T0 + 1_000 },
      ],
    });
    expect(await json(await f.admin('/api/bots/vault/dialogs?platform=telegram'))).toEqual([200, { botId: 'vault', dialogs: [] }]);
    expect(await json(await f.admin('/api/bots/vault/dialogs?limit=0'))).toEqual([400, { error: { code: 'BAD_REQUEST', message: 'limit must be an integer from 1 to 1000' } }]);
    expect(await json(await f.admin('/api/bots/vault/dialogs?limit=2.5'))).toEqual([400, { error: { code: 'BAD_REQUEST', message: 'limit must be an integer from 1 to 1000' } }]);
    expect(await json(await f.admin('/api/bots/nobody/dialogs'))).toEqual([404, { error: { code: 'NOT_FOUND', message: 'unknown bot "nobody"' } }]);
  });

  it('reads a dialog with the answer to a sensitive input masked', async () => {
    f.now = T0;
    const s = await vaultDialog('read');
    // Replies are delivered after the answer: wait, so the counts are settled.
    await expect.poll(async () => (await f.store.getDialog(f.key('vault', s)))?.delivered).toBe(4);
    const [status, body] = await json(await f.admin(dialogPath(s)));
    expect([status, body]).toEqual([
      200,
      {
        platform: 'webchat',
        chatId: s,
        rev: 4,
        step: null,
        status: 'ended',
        blocked: false,
        scenarioVersion: f.manager.configOf('vault')!.version,
        messagesSent: 4,
        createdAt: T0,
        updatedAt: T0,
        vars: { name: 'Ann', code: '***', email: 'ann@example.com' },
        pending: 0,
        delivered: 4,
        agenda: [],
      },
    ]);
    // The store keeps the real answer: the scenario may use it.
    expect((await f.store.getDialog(f.key('vault', s)))?.vars['code']).toBe('hunter2');
  });

  it('returns the history with the sensitive answer masked, newest last, bounded by limit', async () => {
    f.now = T0;
    const s = await vaultDialog('history');
    const [status, body] = await json(await f.admin(`${dialogPath(s)}/history`));
    expect(status).toBe(200);
    const entries = (body as { entries: { rev: number; direction: string; text: string }[] }).entries;
    expect(entries.map((e) => [e.rev, e.direction, e.text])).toEqual([
      [1, 'in', 'hi'],
      [1, 'out', 'Your name?'],
      [2, 'in', 'Ann'],
      [2, 'out', 'Your secret code, Ann?'],
      [3, 'in', '***'],
      [3, 'out', 'Your e-mail?'],
      [4, 'in', 'ann@example.com'],
      [4, 'out', 'Saved, Ann.'],
    ]);
    expect(JSON.stringify(body)).not.toContain('hunter2');
    const [, last] = await json(await f.admin(`${dialogPath(s)}/history?limit=2`));
    expect(last).toEqual({
      platform: 'webchat',
      chatId: s,
      entries: [
        { rev: 4, direction: 'in', step: 'ask_email', text: 'ann@example.com', buttons: [], updateId: expect.stringMatching(/^m\d+$/), at: f.now },
        { rev: 4, direction: 'out', step: 'done', text: 'Saved, Ann.', buttons: [], at: f.now },
      ],
    });
  });

  it('masks the sensitive answer in the web chat transcript too', async () => {
    const s = await vaultDialog('transcript');
    const c = await f.events('vault', s);
    await c.waitFor((e) => e.event === 'ready');
    const inbound = c.of('messages').flatMap((e) => (e.data as { entries: { direction: string; text: string }[] }).entries.filter((x) => x.direction === 'in').map((x) => x.text));
    expect(inbound).toEqual(['hi', 'Ann', '***', 'ann@example.com']);
    await c.close();
  });

  it('resets a dialog: its variables are cleared and the next message starts the scenario again', async () => {
    const s = session('reset');
    await f.say('vault', s, 'hi');
    await f.say('vault', s, 'Dee');
    expect(await json(await f.admin(`${dialogPath(s)}/reset`, { method: 'POST' }))).toEqual([200, { status: 'reset', rev: 3 }]);
    const reset = await f.store.getDialog(f.key('vault', s));
    expect([reset?.rev, reset?.step, reset?.vars]).toEqual([3, null, {}]);
    expect(await f.say('vault', s, 'Dee')).toEqual({ status: 'applied', rev: 4 });
    const [, history] = await json(await f.admin(`${dialogPath(s)}/history?limit=1`));
    expect((history as { entries: { text: string; step: string }[] }).entries.map((e) => [e.step, e.text])).toEqual([['ask_name', 'Your name?']]);
    expect((await f.store.getDialog(f.key('vault', s)))?.step).toBe('ask_name');
  });

  it('answers 404 for a dialog that does not exist and for an unknown bot', async () => {
    const nobody = session('nobody');
    const missing = { error: { code: 'NOT_FOUND', message: `no dialog for chat "${nobody}" on webchat` } };
    expect(await json(await f.admin(dialogPath(nobody)))).toEqual([404, missing]);
    expect(await json(await f.admin(`${dialogPath(nobody)}/reset`, { method: 'POST' }))).toEqual([404, missing]);
    expect(await json(await f.admin(`/api/bots/nobody/dialogs/webchat/${nobody}/reset`, { method: 'POST' }))).toEqual([404, { error: { code: 'NOT_FOUND', message: 'unknown bot "nobody"' } }]);
    expect(await f.store.getDialog(f.key('vault', nobody))).toBeUndefined();
  });
});

describe('admin dialogs with personal data masking on', () => {
  it('masks e-mail addresses in variables and history as well', async () => {
    const g = await appFixture({ maskPii: true });
    try {
      const s = await vaultDialog('pii', g);
      const [, dialog] = await json(await g.admin(dialogPath(s)));
      expect((dialog as { vars: unknown }).vars).toEqual({ name: 'Ann', code: '***', email: '[email]' });
      const [, history] = await json(await g.admin(`${dialogPath(s)}/history?limit=2`));
      expect((history as { entries: { text: string }[] }).entries.map((e) => e.text)).toEqual(['[email]', 'Saved, Ann.']);
    } finally {
      await g.close();
    }
  });
});

describe('admin dialogs: the agenda', () => {
  const reminder: AgendaEntry = { id: '2.1', kind: 'timer', name: 'reminder', index: 0, step: 'ask_code', due: T0 + 60_000, at: T0 };
  const timeout: AgendaEntry = { id: '2.2', kind: 'timer', name: 'timeout', step: 'ask_code', due: T0 + 600_000, at: T0 };
  /** A store whose records hold timers, as a scheduling turn of the engine writes them. */
  const withAgenda = (store: Store): Store =>
    new Proxy(store, {
      get(target, prop, receiver) {
        if (prop !== 'getDialog') return Reflect.get(target, prop, receiver) as unknown;
        return async (...args: Parameters<Store['getDialog']>) => {
          const state = await target.getDialog(...args);
          return state && { ...state, agenda: [reminder, timeout] };
        };
      },
    });

  it('lists the pending timers of a dialog, earliest first', async () => {
    const g = await appFixture({ wrapStore: withAgenda });
    try {
      const s = session('agenda');
      await g.say('vault', s, 'hi');
      const res = await g.admin(dialogPath(s));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { agenda: unknown };
      expect(body.agenda).toEqual([
        { id: '2.1', kind: 'timer', name: 'reminder', index: 0, step: 'ask_code', due: T0 + 60_000, at: T0 },
        { id: '2.2', kind: 'timer', name: 'timeout', step: 'ask_code', due: T0 + 600_000, at: T0 },
      ]);
    } finally {
      await g.close();
    }
  });
});
