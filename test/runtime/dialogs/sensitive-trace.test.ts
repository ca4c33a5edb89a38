import { describe, expect, it } from 'vitest';
import { compileText, harness, key } from './harness.js';

const SECRET = 'Opal-Falcon-7731';

/** pw is sensitive; copy is set from pw, again from copy: all three are sensitive. */
const CHAIN = compileText({
  name: 'Chain',
  version: '1',
  start_step: 'ask_pw',
  steps: {
    ask_pw: { type: 'message', message: { text: 'Password?' }, expected_input: { type: 'text', variable: 'pw', sensitive: true }, next_step: 'copy' },
    copy: { type: 'message', message: { text: 'Copying.' }, set: { copy: 'pw' }, next_step: 'again' },
    again: {
      type: 'message',
      message: { text: 'Checking.' },
      set: { again: 'copy' },
      next_step: { type: 'conditional', conditions: [{ if: 'again == "x"', then: 'done' }], else: 'done' },
    },
    done: { type: 'message', message: { text: 'Yours: {{again}}' }, expected_input: { type: 'text', variable: 'more' }, next_step: 'done' },
  },
});

describe('values set from a sensitive answer, at any depth', () => {
  it('stay out of the DEBUG trace and the history, and reach the user in clear', async () => {
    const h = harness({ config: CHAIN });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await h.send({ id: 2, chat: 'c', text: SECRET });
    await h.settle();
    expect(h.adapter.texts('c')).toContain(`Yours: ${SECRET}`);
    const variables = h.lines.filter((l) => l['event_type'] === 'VARIABLE');
    expect(variables.map((l) => [l['variable'], l['masked']])).toEqual([
      ['pw', true],
      ['copy', true],
      ['again', true],
    ]);
    expect(h.lines.some((l) => l['event_type'] === 'CONDITION')).toBe(true);
    expect(JSON.stringify(h.lines)).not.toContain(SECRET);
    expect(JSON.stringify(await h.store.history(key('c')))).not.toContain(SECRET);
  });
});
