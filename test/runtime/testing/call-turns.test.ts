import { describe, expect, it } from 'vitest';
import { readConversationTests, runConversationTest } from '../../../runtime/testing/index.js';
import { compileText } from '../dialogs/harness.js';

const BOT = compileText({
  name: 'Order status',
  version: '1',
  start_step: 'ask',
  steps: {
    ask: { message: { text: 'Order number?' }, expected_input: { type: 'integer', variable: 'order' }, next_step: 'look_up' },
    look_up: {
      call: { url: 'https://crm.example/orders/{{order}}', headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' }, save: { state: 'body.state', code: 'status' }, on_error: 'failed' },
      next_step: 'found',
    },
    found: { message: { text: 'Order {{order}} is {{state}}.' } },
    failed: { message: { text: 'No answer ({{code | default: "none"}}).' } },
  },
});

const opening = [{ user: 'hi' }, { bot: 'Order number?' }, { user: '42' }];

function run(turns: unknown[]) {
  const { tests, problems } = readConversationTests({ name: 't', turns });
  expect(problems).toEqual([]);
  return runConversationTest(BOT, tests[0]!);
}

describe('conversation tests: call', () => {
  it('answers the pending call, after checking its request, and the next checks see what the bot did', async () => {
    const request = { method: 'GET', url: 'https://crm.example/orders/42', headers: { authorization: 'Bearer {{secret.CRM_TOKEN}}' } };
    expect(await run([...opening, { call: { status: 200, body: { state: 'shipped' } }, request }, { bot: 'Order 42 is shipped.', ended: true, vars: { code: 200 } }])).toMatchObject({ passed: true });
    expect(await run([...opening, { call: { status: 503 } }, { bot: 'No answer (503).' }])).toMatchObject({ passed: true });
    expect(await run([...opening, { call: { error: 'timeout' } }, { bot: 'No answer (none).' }])).toMatchObject({ passed: true });
  });

  it('a request that differs, or a call turn when no call is pending, is where the test diverges', async () => {
    expect(await run([...opening, { call: { status: 200, body: {} }, request: { url: 'https://crm.example/orders/41' } }])).toMatchObject({
      passed: false,
      failure: { turn: 4, expected: 'request url "https://crm.example/orders/41"', actual: 'request url "https://crm.example/orders/42"' },
    });
    expect(await run([{ user: 'hi' }, { bot: 'Order number?' }, { call: { status: 200 } }])).toMatchObject({ passed: false, failure: { turn: 3, actual: 'no call: step "ask"' } });
  });

  it('refuses malformed call turns when reading the file', () => {
    for (const bad of [{ call: {} }, { call: { status: 99 } }, { call: { error: 'boom' } }, { request: { url: 'x' } }, { call: { status: 200 }, bot: 'x' }]) {
      expect(readConversationTests({ name: 'bad', turns: [bad] }).problems).toHaveLength(1);
    }
  });
});
