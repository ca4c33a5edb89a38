import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpCallClient, type CallAttempt, type CallClient, type CallResult } from '../../../runtime/agenda/index.js';
import type { CallOutcome, DialogEvent } from '../../../runtime/dialogs/index.js';
import { Dialog, type CallRequest, type MachineConfig } from '../../../runtime/engine/index.js';
import { openSqliteStore, type AgendaEntry, type DialogKey, type Store } from '../../../runtime/store/index.js';
import { BusinessApi } from '../../support/business-api.js';
import { harness, key, SPEC, type Harness } from './harness.js';

const text = (t: string) => ({ parts: [{ kind: 'text', text: t }] });

/** SPEC, and at ask_name (standing in for a call step): call.result says "Got it" and goes to goodbye, as the engine will. */
const CALLING = (() => {
  const askName = SPEC.states['ask_name']!;
  const on = { ...askName.on, 'call.result': [{ actions: ['beginTurn', { type: 'say', params: { step: 'ask_name', text: text('Got it'), buttons: [] } }], target: 'goodbye' }] };
  return { ...SPEC, version: `${SPEC.version}-calls`, states: { ...SPEC.states, ask_name: { ...askName, on } } } as unknown as MachineConfig;
})();

const GET: CallRequest = { method: 'GET', url: 'https://crm.example/orders/7?token=abc', headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' }, timeoutMs: 5_000, retries: 2 };
const POST: CallRequest = { ...GET, method: 'POST', body: { id: 7 }, retries: 0 };
const callEntry = (id: string, request: CallRequest, attempts = 0): AgendaEntry => ({ id, kind: 'call', name: 'call', step: 'ask_name', due: 0, at: 0, request: { ...request }, attempts });

async function putAgenda(store: Store, k: DialogKey, agenda: AgendaEntry[]): Promise<void> {
  const state = (await store.getDialog(k))!;
  expect(await store.writeDialog({ expectedRev: state.rev, state: { ...state, rev: state.rev + 1, agenda }, history: [] })).toBeTruthy();
}

const ok = (body: unknown = { status: 'shipped' }): CallResult => ({ ok: true, status: 200, body });
const unavailable: CallResult = { ok: false, error: 'status', status: 503 };

/** A client answering from a script (one result per attempt), noting each request and what the record held meanwhile. */
class ScriptedClient implements CallClient {
  readonly requests: CallRequest[] = [];
  onSend: (() => Promise<void>) | undefined;
  constructor(private readonly script: CallResult[]) {}
  async send(request: CallRequest): Promise<CallAttempt> {
    this.requests.push(request);
    await this.onSend?.();
    const result = this.script.shift() ?? ok();
    const retryable = !result.ok && (result.error === 'network' || result.error === 'timeout' || (result.status ?? 0) >= 500);
    return { result, durationMs: 12, retryable, redirects: 0 };
  }
}

const callOutcomes = (events: DialogEvent[]): [CallOutcome, number][] => events.flatMap((e) => (e.type === 'call' ? [[e.outcome, e.attempts] as [CallOutcome, number]] : []));

describe('dialog manager: calls', () => {
  let dir: string | undefined;
  const stores: Store[] = [];

  afterEach(async () => {
    vi.restoreAllMocks();
    vi.useRealTimers();
    for (const s of stores.splice(0)) await s.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function sqlite(): () => Store {
    dir = mkdtempSync(join(tmpdir(), 'scenarist-calls-'));
    const file = join(dir, 'bots.db');
    return () => {
      const store = openSqliteStore({ file });
      stores.push(store);
      return store;
    };
  }

  async function started(h: Harness, agenda: AgendaEntry[]): Promise<void> {
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await putAgenda(h.store, key('c'), agenda);
  }

  it('writes the attempt into the entry before the request, then applies the result once as a turn', async () => {
    const client = new ScriptedClient([ok()]);
    const h = harness({ config: CALLING, clock: () => 5000, calls: client });
    const events: DialogEvent[] = [];
    h.manager.observe((e) => events.push(e));
    const entry = callEntry('9.1', GET);
    await started(h, [entry]);
    let during: AgendaEntry | undefined;
    client.onSend = async () => void (during = (await h.store.getDialog(key('c')))!.agenda?.[0]);
    const sent = vi.spyOn(Dialog.prototype, 'sendEvent');
    expect(await h.manager.fireCall(key('c'), entry)).toBe('applied');
    expect(during).toMatchObject({ id: '9.1', attempts: 1 });
    expect(sent.mock.calls.map(([e]) => e)).toEqual([{ type: 'call.result', ok: true, status: 200, body: { status: 'shipped' } }]);
    const stored = (await h.store.getDialog(key('c')))!;
    expect(stored).toMatchObject({ rev: 4, step: null, agenda: undefined });
    expect(stored.recentUpdates).toContain('agenda:9.1');
    await h.settle();
    expect(h.adapter.texts('c')).toContain('Got it');
    expect(await h.manager.fireCall(key('c'), entry)).toBe('duplicate');
    expect(client.requests).toHaveLength(1);
    expect(callOutcomes(events)).toEqual([
      ['ok', 1],
      ['duplicate', 0],
    ]);
  });

  it('retries an idempotent call after a 5xx with backoff 1 s, 2 s (injected sleep), each attempt written first', async () => {
    const client = new ScriptedClient([unavailable, unavailable, ok()]);
    const waits: number[] = [];
    const h = harness({ config: CALLING, clock: () => 5000, calls: client, sleep: async (ms) => void waits.push(ms) });
    const attempts: number[] = [];
    client.onSend = async () => void attempts.push((await h.store.getDialog(key('c')))!.agenda![0]!.attempts!);
    await started(h, [callEntry('9.1', GET)]);
    expect(await h.manager.fireCall(key('c'), callEntry('9.1', GET))).toBe('applied');
    expect(attempts).toEqual([1, 2, 3]);
    expect(waits).toEqual([1000, 2000]);
    expect(h.lines.filter((l) => l['event_type'] === 'CALL' && 'duration_ms' in l).map((l) => [l['attempt'], l['status']])).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
  });

  it('does not retry a POST: the 5xx is its result', async () => {
    const client = new ScriptedClient([unavailable, ok()]);
    const waits: number[] = [];
    const h = harness({ config: CALLING, clock: () => 5000, calls: client, sleep: async (ms) => void waits.push(ms) });
    const events: DialogEvent[] = [];
    h.manager.observe((e) => events.push(e));
    await started(h, [callEntry('9.1', { ...POST, retries: 3 })]);
    const sent = vi.spyOn(Dialog.prototype, 'sendEvent');
    expect(await h.manager.fireCall(key('c'), callEntry('9.1', POST))).toBe('applied');
    expect(client.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(sent.mock.calls.map(([e]) => e)).toEqual([{ type: 'call.result', ok: false, error: 'status', status: 503 }]);
    expect(callOutcomes(events)).toEqual([['status', 1]]);
  });

  it('leaves a call to be retried by a later holder when the manager stops between attempts', async () => {
    const client = new ScriptedClient([unavailable, ok()]);
    let stopped: Promise<void> | undefined;
    const h = harness({ config: CALLING, clock: () => 5000, calls: client, sleep: async () => void (stopped = h.manager.stop()) });
    await started(h, [callEntry('9.1', GET)]);
    expect(await h.manager.fireCall(key('c'), callEntry('9.1', GET))).toBe('deferred');
    await stopped;
    expect(client.requests).toHaveLength(1);
    expect((await h.store.getDialog(key('c')))!.agenda).toEqual([{ ...callEntry('9.1', GET), attempts: 1 }]);
  });

  it('drops the result when the dialog left the step during the call', async () => {
    const client = new ScriptedClient([ok()]);
    const h = harness({ config: CALLING, clock: () => 5000, calls: client });
    const events: DialogEvent[] = [];
    h.manager.observe((e) => events.push(e));
    await started(h, [callEntry('9.1', GET)]);
    // Another process's turn left the step: the entry went with it.
    client.onSend = () => putAgenda(h.store, key('c'), []);
    expect(await h.manager.fireCall(key('c'), callEntry('9.1', GET))).toBe('dropped');
    expect((await h.store.getDialog(key('c')))!).toMatchObject({ step: 'ask_name' });
    expect(callOutcomes(events)).toEqual([['dropped', 1]]);
  });

  it('logs each attempt as CALL with method, host, path without its query, status and duration; no headers', async () => {
    const h = harness({ config: CALLING, clock: () => 5000, calls: new ScriptedClient([ok()]) });
    await started(h, [callEntry('9.1', GET)]);
    await h.manager.fireCall(key('c'), callEntry('9.1', GET));
    const line = h.lines.find((l) => l['event_type'] === 'CALL' && l['level'] === 'INFO')!;
    expect(line).toMatchObject({ method: 'GET', host: 'crm.example', path: '/orders/7', status: 200, attempt: 1, duration_ms: 12 });
    expect(JSON.stringify(h.lines)).not.toContain('token=abc');
    expect(JSON.stringify(h.lines)).not.toContain('secret.CRM_TOKEN');
  });

  it('after a crash during an attempt (attempts 1 in the record): a POST is interrupted without a call, a GET is called again', async () => {
    const open = sqlite();
    const first = harness({ config: CALLING, clock: () => 5000, store: open(), owner: 'p1' });
    await first.send({ id: 1, chat: 'c', text: '/start' });
    await first.send({ id: 1, chat: 'd', text: '/start' });
    await putAgenda(first.store, key('c'), [callEntry('9.1', POST, 1)]);
    await putAgenda(first.store, key('d'), [callEntry('9.1', { ...GET, retries: 1 }, 1)]);
    // The process that made attempt 1 is gone; a second one on the same file takes the entries over.
    const client = new ScriptedClient([ok()]);
    const second = harness({ config: CALLING, clock: () => 5000, store: open(), owner: 'p2', calls: client });
    const sent = vi.spyOn(Dialog.prototype, 'sendEvent');
    expect(await second.manager.fireCall(key('c'), callEntry('9.1', POST, 1))).toBe('applied');
    expect(client.requests).toHaveLength(0);
    expect(sent.mock.calls.map(([e]) => e)).toEqual([{ type: 'call.result', ok: false, error: 'interrupted' }]);
    sent.mockClear();
    expect(await second.manager.fireCall(key('d'), callEntry('9.1', { ...GET, retries: 1 }, 1))).toBe('applied');
    expect(client.requests).toHaveLength(1);
    expect(sent.mock.calls.map(([e]) => e)).toEqual([{ type: 'call.result', ok: true, status: 200, body: { status: 'shipped' } }]);
    // A GET whose attempts are all spent is interrupted too.
    await second.send({ id: 1, chat: 'e', text: '/start' });
    const spent = callEntry('9.1', { ...GET, retries: 1 }, 2);
    await putAgenda(second.store, key('e'), [spent]);
    expect(await second.manager.fireCall(key('e'), spent)).toBe('applied');
    expect(client.requests).toHaveLength(1);
  });

  it('a process that died during a POST holds its lease until it expires; then another process applies interrupted, calling nothing', async () => {
    const open = sqlite();
    const first = harness({ config: CALLING, store: open(), owner: 'p1' });
    await first.send({ id: 1, chat: 'c', text: '/start' });
    await putAgenda(first.store, key('c'), [callEntry('9.1', POST, 1)]);
    // The dead process's claim, never renewed nor released.
    expect(await first.store.claimAgenda(key('c'), 'p1', Date.now(), 300)).toBeDefined();
    const client = new ScriptedClient([ok()]);
    const second = harness({ config: CALLING, store: open(), owner: 'p2', calls: client, agenda: { sweepMs: 20 } });
    const events: DialogEvent[] = [];
    second.manager.observe((e) => events.push(e));
    second.manager.start();
    await vi.waitFor(() => expect(callOutcomes(events)).toEqual([['interrupted', 1]]), { timeout: 5000, interval: 20 });
    await second.manager.stop();
    expect(client.requests).toHaveLength(0);
    expect((await second.store.getDialog(key('c')))!).toMatchObject({ step: null });
  });

  it('two managers racing on one SQLite file apply the result once', async () => {
    const open = sqlite();
    const clients = [new ScriptedClient([ok()]), new ScriptedClient([ok()])];
    const one = harness({ config: CALLING, clock: () => 5000, store: open(), owner: 'p1', calls: clients[0] });
    const two = harness({ config: CALLING, clock: () => 5000, store: open(), owner: 'p2', calls: clients[1] });
    await one.send({ id: 1, chat: 'c', text: '/start' });
    await putAgenda(one.store, key('c'), [callEntry('9.1', GET)]);
    const outcomes = await Promise.all([one.manager.fireCall(key('c'), callEntry('9.1', GET)), two.manager.fireCall(key('c'), callEntry('9.1', GET))]);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    await one.settle();
    await two.settle();
    expect([...one.adapter.texts('c'), ...two.adapter.texts('c')].filter((t) => t === 'Got it')).toEqual(['Got it']);
    const stored = (await one.store.getDialog(key('c')))!;
    expect(stored.recentUpdates.filter((id) => id === 'agenda:9.1')).toHaveLength(1);
  });

  it('two running managers on one SQLite file make a call entry written by a turn once, under the agenda lease', async () => {
    const open = sqlite();
    const clients = [new ScriptedClient([ok()]), new ScriptedClient([ok()])];
    const one = harness({ config: CALLING, store: open(), owner: 'p1', calls: clients[0], agenda: { sweepMs: 20 } });
    const two = harness({ config: CALLING, store: open(), owner: 'p2', calls: clients[1], agenda: { sweepMs: 20 } });
    // The turn that enters the step asks for the call (as the engine's call step will).
    const original = Dialog.prototype.send;
    vi.spyOn(Dialog.prototype, 'send').mockImplementation(function (this: Dialog, message, tracer) {
      const turn = original.call(this, message, tracer);
      return turn.step === 'ask_name' ? { ...turn, effects: [...turn.effects, { type: 'call', step: 'ask_name', request: GET }] } : turn;
    });
    one.manager.start();
    two.manager.start();
    await one.send({ id: 1, chat: 'c', text: '/start' });
    await vi.waitFor(async () => expect((await one.store.getDialog(key('c')))!.step).toBeNull(), { timeout: 5000, interval: 20 });
    await one.manager.stop();
    await two.manager.stop();
    expect(clients[0]!.requests.length + clients[1]!.requests.length).toBe(1);
    expect([...one.adapter.texts('c'), ...two.adapter.texts('c')].filter((t) => t === 'Got it')).toEqual(['Got it']);
  });

  it('against a local API: the secret is sent, and is in no log line and not in the stored record', async () => {
    const secret = 'crm-token-0f9e8d7c6b5a';
    const api = await new BusinessApi().json('/orders/7', 200, { status: 'shipped' }).start();
    const client = new HttpCallClient({ policy: { allowPrivate: false, allowedHosts: ['127.0.0.1'] }, secrets: (name) => (name === 'CRM_TOKEN' ? secret : undefined) });
    const open = sqlite();
    const h = harness({ config: CALLING, clock: () => 5000, store: open(), calls: client });
    try {
      const request: CallRequest = { ...GET, url: api.url('/orders/7') };
      await started(h, [callEntry('9.1', request)]);
      expect(await h.manager.fireCall(key('c'), callEntry('9.1', request))).toBe('applied');
      expect(api.received[0]!.headers['authorization']).toBe(`Bearer ${secret}`);
      // Whatever logs it later (an error quoting a header, say) has it masked.
      h.manager['logger'].warn({ header: `Bearer ${secret}` }, `sent Bearer ${secret}`);
      const logged = JSON.stringify(h.lines);
      expect(logged).toContain('CALL');
      expect(logged).not.toContain(secret);
      expect(JSON.stringify(await h.store.getDialog(key('c')))).not.toContain(secret);
      expect(JSON.stringify(await h.store.history(key('c')))).not.toContain(secret);
    } finally {
      await client.close();
      await api.stop();
    }
  });
});
