import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../compiler/index.js';
import { at, check, codes, find, scenario } from '../support/scenario-text.js';

const say = (text: string, next?: unknown, extra: Record<string, unknown> = {}) => ({ message: { text }, ...(next ? { next_step: next } : {}), ...extra });
const callStep = (call: Record<string, unknown>, next: unknown = 'done') => say('Calling', next, { call: { url: 'https://api.example/x', ...call } });
const twoSteps = (call: Record<string, unknown>, extra: Record<string, unknown> = {}) => scenario({ a: callStep(call), done: say('done'), ...extra });

describe('call checks', () => {
  it('accepts a well-formed call without any diagnostic', () => {
    const text = scenario({
      id: { message: { text: 'Id?' }, expected_input: { type: 'text', variable: 'order_id' }, next_step: 'a' },
      a: say('Looking', 'done', {
        call: {
          method: 'PUT',
          url: 'https://crm.example/orders/{{order_id}}',
          headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' },
          body: { id: '{{order_id}}', n: 2 },
          timeout: '30s',
          retries: 3,
          save: { status_text: 'body.status', code: 'status' },
          on_error: 'down',
        },
      }),
      done: say('{{status_text}} {{code}}'),
      down: say('Down: {{code | default: 0}}'),
    });
    expect(check(text)).toEqual([]);
  });

  it('reports a bad method as INVALID_VALUE at the method', () => {
    const text = twoSteps({ method: 'FETCH' });
    expect(check(text)).toMatchObject([{ code: 'INVALID_VALUE', ...at(text, '"FETCH"') }]);
  });

  it.each([
    ['10 s', 'DURATION_SYNTAX'],
    ['0s', 'DURATION_OUT_OF_RANGE'],
    ['61s', 'CALL_TIMEOUT_TOO_LONG'],
    ['2m', 'CALL_TIMEOUT_TOO_LONG'],
  ])('reports a timeout of %j as %s at the value', (value, code) => {
    const text = twoSteps({ timeout: value });
    expect(check(text)).toMatchObject([{ code, severity: 'error', ...at(text, JSON.stringify(value)) }]);
  });

  it('reports retries out of range, and retries on POST and PATCH, at the retries', () => {
    const many = twoSteps({ retries: 6 });
    expect(check(many)).toMatchObject([{ code: 'CALL_RETRIES_OUT_OF_RANGE', ...at(many, '6') }]);
    const negative = twoSteps({ retries: -1 });
    expect(codes(check(negative))).toEqual(['CALL_RETRIES_OUT_OF_RANGE']);
    for (const method of ['POST', 'PATCH']) {
      const text = twoSteps({ method, retries: 1 });
      expect(check(text)).toMatchObject([{ code: 'CALL_RETRIES_NOT_IDEMPOTENT', ...at(text, '1', { nth: 2 }) }]);
    }
    expect(check(twoSteps({ method: 'POST', retries: 0 }))).toEqual([]);
    expect(check(twoSteps({ method: 'DELETE', retries: 5 }))).toEqual([]);
  });

  it('reports a call together with expected_input or wait', () => {
    const withInput = scenario({ a: { ...callStep({}), expected_input: { type: 'text', variable: 'x' } }, done: say('done {{x}}') });
    expect(find(check(withInput), 'CALL_WITH_INPUT')).toMatchObject([at(withInput, '{\n        "url"')]);
    const withWait = scenario({ a: { ...callStep({}), wait: '1m' }, done: say('done') });
    expect(find(check(withWait), 'CALL_WITH_INPUT')).toMatchObject([at(withWait, '"1m"')]);
  });

  it.each(['ftp://files.example/x', '{{base}}/orders', 'crm.example/orders', 'https://'])('reports the URL %j as not http(s)', (url) => {
    const text = scenario({ a: say('a', 'b', { set: { base: '"https://x.example"' } }), b: callStep({ url }), done: say('done') });
    expect(find(check(text), 'CALL_URL_NOT_HTTP')).toMatchObject([at(text, JSON.stringify(url))]);
  });

  it('accepts templates in the host and path of an http URL', () => {
    const text = scenario({ a: say('a', 'b', { set: { host: '"x.example"' } }), b: callStep({ url: 'http://{{host}}/a/{{host}}?q={{user.id}}' }), done: say('done') });
    expect(check(text)).toEqual([]);
  });

  it('reports a secret outside header values, at the secret', () => {
    const text = twoSteps({ url: 'https://api.example/{{secret.KEY}}', body: { token: 'x {{secret.KEY}}' } });
    const ds = find(check(text), 'SECRET_OUTSIDE_HEADER');
    expect(ds).toMatchObject([at(text, 'secret.KEY'), at(text, 'secret.KEY', { nth: 2 })]);
    expect(codes(check(text))).toEqual(['SECRET_OUTSIDE_HEADER', 'SECRET_OUTSIDE_HEADER']);
  });

  it('reports a secret in a message as an undefined variable', () => {
    const text = scenario({ a: say('{{secret.KEY}}') });
    expect(codes(check(text))).toEqual(['UNDEFINED_VARIABLE']);
  });

  it('reports a secret name that is not one word', () => {
    const text = twoSteps({ headers: { A: '{{secret.A.B}}', B: '{{secret}}' } });
    expect(find(check(text), 'SECRET_NAME')).toMatchObject([at(text, 'secret.A.B'), at(text, 'secret}}')]);
  });

  it.each(['header', 'body.', 'body..x', 'status.code', ''])('reports the save path %j as CALL_SAVE_PATH at the path', (path) => {
    const text = twoSteps({ save: { v: path } });
    expect(find(check(text), 'CALL_SAVE_PATH')).toMatchObject([at(text, `"v": ${JSON.stringify(path)}`, { shift: 5 })]);
  });

  it('reports an unknown on_error step as UNKNOWN_STEP with a suggestion', () => {
    const text = twoSteps({ on_error: 'dnoe' });
    expect(check(text)).toMatchObject([{ code: 'UNKNOWN_STEP', ...at(text, '"dnoe"') }]);
  });

  it('reports a call without a url, and an unknown field of a call with a suggestion', () => {
    const text = scenario({ a: say('a', 'done', { call: { metod: 'GET' } }), done: say('done') });
    const ds = check(text);
    expect(codes(ds).sort()).toEqual(['MISSING_FIELD', 'UNKNOWN_FIELD']);
    expect(find(ds, 'UNKNOWN_FIELD')).toMatchObject([at(text, '"metod"')]);
  });

  it('draws the on_error edge in the graph, dashed', async () => {
    const { graphEdges } = await import('../../compiler/index.js');
    const { ir } = compileScenario(twoSteps({ on_error: 'failed' }, { failed: say('failed') }), { file: 't.json' });
    expect(graphEdges(ir!)).toEqual(expect.arrayContaining([{ from: 'a', to: 'done', label: 'GET 2xx' }, { from: 'a', to: 'failed', label: 'call failed', dashed: true }]));
  });

  it('reports a reserved save variable name', () => {
    const text = twoSteps({ save: { user: 'status' } });
    expect(codes(check(text))).toEqual(['RESERVED_VARIABLE']);
  });
});

describe('calls in the dataflow and the graph', () => {
  it('saved variables are assigned after the 2xx edge, and only those from status after on_error', () => {
    const text = scenario({
      a: callStep({ save: { s: 'body.s', code: 'status' }, on_error: 'failed' }),
      done: say('{{s}} {{code}}'),
      failed: say('{{code}} {{s}}'),
    });
    const ds = check(text);
    expect(find(ds, 'VAR_UNASSIGNED')).toMatchObject([{ ...at(text, 's}}', { nth: 2 }) }]);
    expect(codes(ds)).toEqual(['VAR_UNASSIGNED']);
  });

  it('reads in the URL, headers and body are checked', () => {
    const text = twoSteps({ url: 'https://x.example/{{nope}}', headers: { A: '{{later}}' }, body: ['{{later}}'] }, { later_step: say('x', undefined, { set: { later: '1' } }) });
    const ds = check(text);
    expect(find(ds, 'UNDEFINED_VARIABLE')).toMatchObject([at(text, 'nope')]);
    expect(find(ds, 'VAR_UNASSIGNED')).toHaveLength(2);
  });

  it('types: status is a number, body paths unknown', () => {
    const { ir } = compileScenario(twoSteps({ save: { s: 'body.s', code: 'status' } }), { file: 't.json' });
    expect(ir?.variables['code']?.type).toBe('number');
    expect(ir?.variables['s']?.type).toBe('unknown');
  });

  it('the on_error step is reachable; without on_error it is not', () => {
    const withError = twoSteps({ on_error: 'failed' }, { failed: say('failed') });
    expect(check(withError)).toEqual([]);
    const without = twoSteps({}, { failed: say('failed') });
    expect(codes(check(without))).toEqual(['UNREACHABLE_STEP']);
  });

  it('a call step waits: a loop through it is not a loop without input', () => {
    const text = scenario({ a: callStep({ save: { s: 'body.s' } }, { type: 'conditional', conditions: [{ if: 's == "done"', then: 'done' }], else: 'a' }), done: say('done') });
    expect(check(text)).toEqual([]);
  });
});
