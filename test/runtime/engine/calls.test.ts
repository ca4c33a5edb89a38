import { describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig, type MachineConfig } from '../../../compiler/index.js';
import { Dialog, type Effect } from '../../../runtime/engine/index.js';
import { scenario } from '../../support/scenario-text.js';

function machineOf(text: string): MachineConfig {
  const { ir, diagnostics } = compileScenario(text, { file: 't.json' });
  if (!ir) throw new Error(JSON.stringify(diagnostics));
  return emitMachineConfig(ir);
}

const shown = (effects: readonly Effect[]) =>
  effects.map((e) =>
    e.type === 'say' ? e.text : e.type === 'call' ? `<call ${e.request.method} ${e.request.url}>` : e.type === 'end' ? `<end ${e.reason}>` : e.type === 'error' ? `<error ${e.code}>` : `<${e.type}>`,
  );

const ask = (text: string, variable: string, next: unknown) => ({ message: { text }, expected_input: { type: 'text', variable }, next_step: next });
const say = (text: string, next?: unknown, extra: Record<string, unknown> = {}) => ({ message: { text }, ...(next ? { next_step: next } : {}), ...extra });

const lookup = (call: Record<string, unknown>, next: unknown = 'found') =>
  machineOf(
    scenario({
      ask_id: ask('Order number?', 'order_id', 'lookup'),
      lookup: say('Looking it up...', next, { call }),
      found: say('Your order is {{order_status}} ({{http_status}}).'),
      shipped: say('Shipped!'),
      other: say('Not shipped yet: {{order_status}}.'),
      crm_down: say('The shop is not answering ({{http_status | default: "none"}}).'),
    }),
  );

const order = lookup({
  url: 'https://crm.example/orders/{{order_id}}?q={{order_id}}',
  headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}', 'X-Order': 'n {{order_id}}' },
  save: { order_status: 'body.order.status', http_status: 'status', first: 'body.items.0.name', missing: 'body.nope.deeper' },
  retries: 2,
  timeout: '5s',
  on_error: 'crm_down',
});

function atCall(config: MachineConfig, id = 'A/1 b&c') {
  const d = new Dialog(config);
  d.send({ text: 'hi' });
  const r = d.send({ text: id });
  return { d, r };
}

describe('call steps in the engine', () => {
  it('says the message, then asks for the call: variables percent-encoded in the URL, secrets left as written', () => {
    const { r } = atCall(order);
    expect(shown(r.effects)).toEqual(['Looking it up...', '<call GET https://crm.example/orders/A%2F1%20b%26c?q=A%2F1%20b%26c>']);
    expect(r.step).toBe('lookup');
    expect(r.effects[1]).toEqual({
      type: 'call',
      step: 'lookup',
      request: {
        method: 'GET',
        url: 'https://crm.example/orders/A%2F1%20b%26c?q=A%2F1%20b%26c',
        headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}', 'X-Order': 'n A/1 b&c' },
        timeoutMs: 5000,
        retries: 2,
      },
    });
  });

  it('a 2xx result saves status and body paths (null where missing) and follows next_step', () => {
    const { d } = atCall(order, '42');
    const r = d.sendEvent({ type: 'call.result', ok: true, status: 200, body: { order: { status: 'shipped' }, items: [{ name: 'Tea' }] } });
    expect(shown(r.effects)).toEqual(['Your order is shipped (200).', '<end final>']);
    expect(d.vars).toMatchObject({ order_status: 'shipped', http_status: 200, first: 'Tea', missing: null });
  });

  it('a failure goes to on_error with the status saved, and the body paths left unset', () => {
    const { d } = atCall(order, '42');
    const r = d.sendEvent({ type: 'call.result', ok: false, error: 'status', status: 503, body: { order: { status: 'x' } } });
    expect(shown(r.effects)).toEqual(['The shop is not answering (503).', '<end final>']);
    expect(d.vars).toMatchObject({ http_status: 503 });
    expect(d.vars).not.toHaveProperty('order_status');
  });

  it('a failure without a status goes to on_error with nothing saved', () => {
    const { d } = atCall(order, '42');
    const r = d.sendEvent({ type: 'call.result', ok: false, error: 'timeout' });
    expect(shown(r.effects)).toEqual(['The shop is not answering (none).', '<end final>']);
  });

  it('without on_error a failure ends the dialog with CALL_FAILED and reason error', () => {
    const config = lookup({ url: 'https://crm.example/o/{{order_id}}', save: { order_status: 'body.status', http_status: 'status' } });
    const { d } = atCall(config, '42');
    const r = d.sendEvent({ type: 'call.result', ok: false, error: 'network' });
    expect(r.effects).toEqual([
      { type: 'error', step: 'lookup', code: 'CALL_FAILED', message: expect.any(String) },
      { type: 'end', step: 'lookup', reason: 'error' },
    ]);
    expect(r.ended).toBe(true);
  });

  it('conditions of the route read the saved variables', () => {
    const config = lookup(
      { url: 'https://crm.example/o/{{order_id}}', save: { order_status: 'body.status', http_status: 'status' } },
      { type: 'conditional', conditions: [{ if: 'order_status == "shipped"', then: 'shipped' }], else: 'other' },
    );
    const shipped = atCall(config, '1').d.sendEvent({ type: 'call.result', ok: true, status: 200, body: { status: 'shipped' } });
    expect(shown(shipped.effects)).toEqual(['Shipped!', '<end final>']);
    const other = atCall(config, '1').d.sendEvent({ type: 'call.result', ok: true, status: 201, body: { status: 'packing' } });
    expect(shown(other.effects)).toEqual(['Not shipped yet: packing.', '<end final>']);
  });

  it('a message while the call runs changes nothing; commands still work', () => {
    const { d } = atCall(order, '42');
    const r = d.send({ text: 'hello?' });
    expect(r.effects).toEqual([]);
    expect(r.step).toBe('lookup');
    const after = d.sendEvent({ type: 'call.result', ok: true, status: 200, body: { order: { status: 'new' } } });
    expect(shown(after.effects)).toEqual(['Your order is new (200).', '<end final>']);
    const again = atCall(order, '42').d.send({ text: '/cancel' });
    expect(again.ended).toBe(true);
  });

  it('a call.result at a step that makes no call changes nothing', () => {
    const d = new Dialog(order);
    d.send({ text: 'hi' });
    const r = d.sendEvent({ type: 'call.result', ok: true, status: 200, body: {} });
    expect(r.effects).toEqual([]);
    expect(r.step).toBe('ask_id');
  });

  it('renders a JSON body: text leaves as templates, a lone value keeps its type, other leaves as written', () => {
    const config = machineOf(
      scenario({
        start: say('go', 'post', { set: { n: '2 + 1', name: '"Ann"' } }),
        post: say('Sending', 'done', {
          call: { method: 'POST', url: 'https://api.example/x', body: { n: '{{n}}', who: 'I am {{name}}', list: [true, null, 1.5, '{{user.first_name}}'] } },
        }),
        done: say('done'),
      }),
    );
    const r = new Dialog(config).send({ text: 'hi' });
    const call = r.effects.find((e) => e.type === 'call');
    expect(call).toMatchObject({ request: { method: 'POST', url: 'https://api.example/x', body: { n: 3, who: 'I am Ann', list: [true, null, 1.5, null] }, retries: 0, timeoutMs: 10_000 } });
  });
});

describe('call steps in the machine config', () => {
  it('the entry ends with a call action; call.result routes on callSucceeded / callMatches, then on_error', () => {
    const config = lookup(
      { url: 'https://crm.example/o/{{order_id}}', save: { order_status: 'body.status', http_status: 'status' }, on_error: 'crm_down' },
      { type: 'conditional', conditions: [{ if: 'order_status == "shipped"', then: 'shipped' }], else: 'other' },
    );
    const state = config.states['lookup']!;
    expect(state.entry?.at(-1)).toMatchObject({ type: 'call', params: { step: 'lookup', method: 'GET', headers: [], timeoutMs: 10_000, retries: 0 } });
    const save = { type: 'saveCall', params: { save: [{ variable: 'order_status', path: ['body', 'status'] }, { variable: 'http_status', path: ['status'] }] } };
    const transitions = state.on?.['call.result'] ?? [];
    expect(transitions.map((t) => [typeof t.guard === 'string' ? t.guard : t.guard?.type, t.target])).toEqual([
      ['callMatches', 'shipped'],
      ['callSucceeded', 'other'],
      [undefined, 'crm_down'],
    ]);
    expect(transitions.every((t) => JSON.stringify(t.actions) === JSON.stringify(['beginTurn', save]))).toBe(true);
    expect(state.on?.['user.input']).toBeUndefined();
    expect(state.always).toBeUndefined();
  });
});
