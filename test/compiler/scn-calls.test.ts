import { describe, expect, it } from 'vitest';
import { compileScenario, convertScenario, emitMachineConfig, formatScn, readScenario, withoutPlaces, type Diagnostic } from '../../compiler/index.js';

const show = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.line}:${d.column} ${d.code}`);
const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;

const SCN = lines(
  'scenario "Calls" version "1"',
  'start ask_id',
  '',
  'step ask_id',
  '  say "Order number?"',
  '  ask text -> order_id',
  '  go lookup',
  '',
  'step lookup',
  '  say "Looking up {{order_id}}..."',
  '  call PUT "https://crm.example/orders/{{order_id}}"',
  '    header Authorization "Bearer {{secret.CRM_TOKEN}}"',
  '    header X-Request-Id "{{order_id}}"',
  '    body "{\\"id\\": \\"{{order_id}}\\", \\"n\\": 2, \\"tags\\": [true, null]}"',
  '    timeout after 20s',
  '    retries 2',
  '    save "body.order.status" -> order_status',
  '    save status -> code',
  '    on error go crm_down',
  '  when order_status == "shipped" go shipped',
  '  else go not_yet',
  '',
  'step shipped',
  '  say "Shipped ({{code}})."',
  '',
  'step not_yet',
  '  say "Not yet: {{order_status}}."',
  '',
  'step crm_down',
  '  say "The shop is not answering."',
);

const JSON_FORM = JSON.stringify({
  name: 'Calls',
  version: '1',
  start_step: 'ask_id',
  steps: {
    ask_id: { message: { text: 'Order number?' }, expected_input: { type: 'text', variable: 'order_id' }, next_step: 'lookup' },
    lookup: {
      message: { text: 'Looking up {{order_id}}...' },
      call: {
        method: 'PUT',
        url: 'https://crm.example/orders/{{order_id}}',
        headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}', 'X-Request-Id': '{{order_id}}' },
        body: { id: '{{order_id}}', n: 2, tags: [true, null] },
        timeout: '20s',
        retries: 2,
        save: { order_status: 'body.order.status', code: 'status' },
        on_error: 'crm_down',
      },
      next_step: { type: 'conditional', conditions: [{ if: 'order_status == "shipped"', then: 'shipped' }], else: 'not_yet' },
    },
    shipped: { message: { text: 'Shipped ({{code}}).' } },
    not_yet: { message: { text: 'Not yet: {{order_status}}.' } },
    crm_down: { message: { text: 'The shop is not answering.' } },
  },
});

describe('.scn calls', () => {
  it('reads the same scenario as the JSON form, and compiles to the same machine', () => {
    const scn = readScenario(SCN, 'bot.scn');
    const json = readScenario(JSON_FORM, 'bot.json');
    expect(show(scn.diagnostics)).toEqual([]);
    expect(withoutPlaces(scn.ast)).toEqual(withoutPlaces(json.ast));
    const a = compileScenario(SCN, { file: 'bot.scn' });
    const b = compileScenario(JSON_FORM, { file: 'bot.json' });
    expect(show(a.diagnostics)).toEqual([]);
    expect({ ...emitMachineConfig(a.ir!), version: '' }).toEqual({ ...emitMachineConfig(b.ir!), version: '' });
  });

  it('convert round-trips a call both ways, and fmt keeps the canonical layout', () => {
    const toJson = convertScenario(SCN, 'bot.scn', 'bot.json');
    expect(toJson.failure).toBeUndefined();
    expect(JSON.parse(toJson.text!)).toEqual(JSON.parse(JSON_FORM));
    const back = convertScenario(toJson.text!, 'bot.json', 'bot.scn');
    expect(back.text).toBe(SCN);
    expect(formatScn(SCN, 'bot.scn').text).toBe(SCN);
  });

  it('places diagnostics inside the body string', () => {
    const text = lines('scenario "T" version "1"', 'start a', 'step a', '  call POST "https://x.example/"', '    body "{\\"t\\": \\"{{secret.K}}\\"}"');
    expect(show(compileScenario(text, { file: 'bot.scn' }).diagnostics)).toEqual(['5:23 SECRET_OUTSIDE_HEADER']);
  });

  it('reports a body that is not JSON at the body', () => {
    const text = lines('scenario "T" version "1"', 'start a', 'step a', '  call POST "https://x.example/"', '    body "{id: 1}"');
    expect(show(compileScenario(text, { file: 'bot.scn' }).diagnostics)).toEqual(['5:10 JSON_SYNTAX']);
  });

  it('reports call options without a call as misplaced, and a second call as a duplicate', () => {
    const text = lines('scenario "T" version "1"', 'start a', 'step a', '  say "x"', '  header A "b"', '  retries 1', '  on error go a', 'step b', '  call "https://x.example/"', '  call "https://y.example/"');
    expect(show(compileScenario(text, { file: 'bot.scn' }).diagnostics)).toEqual(['5:3 SCN_MISPLACED', '6:3 SCN_MISPLACED', '7:3 SCN_MISPLACED', '8:6 UNREACHABLE_STEP', '10:3 SCN_DUPLICATE']);
  });

  it('keeps the new keywords usable as names', () => {
    const text = lines('scenario "T" version "1"', 'start call', 'step call', '  call "https://x.example/{{body}}"', '    save body -> save', '  go header', 'step header', '  say "{{save}}"', '  set body = 1');
    expect(show(compileScenario(text, { file: 'bot.scn' }).diagnostics)).toEqual(['4:29 VAR_UNASSIGNED']);
  });
});
