import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../runtime/metrics/index.js';
import { compileText, harness } from '../dialogs/harness.js';
import { parseExposition, seriesOf } from './exposition.js';

// An age between 0 and 120; two refused answers in a row send the dialog to "human".
const AGE = compileText({
  name: 'Age',
  version: '1',
  start_step: 'age',
  steps: {
    age: {
      type: 'message',
      message: { text: 'How old are you?' },
      expected_input: { type: 'integer', variable: 'age', validation: { min: 0, max: 120 }, error_message: 'A number, please.', max_attempts: 2, on_fail: 'human' },
      next_step: { type: 'conditional', conditions: [{ if: 'age >= 18', then: 'adult' }] },
    },
    adult: { type: 'message', message: { text: 'Welcome.' } },
    human: { type: 'message', message: { text: 'Someone will help you.' } },
  },
});

describe('scenarist_validation_errors_total', () => {
  it('counts every answer a step refused, re-prompted or sent on to on_fail, through the dialog manager', async () => {
    const h = harness({ config: AGE });
    const metrics = createMetrics({ defaultMetrics: false });
    h.manager.observe(metrics.observeDialogs);
    await h.send({ id: 1, chat: 'a', text: '/start' });
    await h.send({ id: 2, chat: 'a', text: 'twelve' }); // invalid: re-prompt
    await h.send({ id: 3, chat: 'a', text: '12' }); // valid, but no condition matches: re-asked, attempts exhausted
    await h.send({ id: 10, chat: 'b', text: '/start' });
    await h.send({ id: 11, chat: 'b', text: '500' }); // out of range: re-prompt
    await h.send({ id: 12, chat: 'b', text: '30' }); // accepted
    await h.send({ id: 13, chat: 'b', text: 'hello' }); // the dialog has ended: not an answer to a step
    const samples = parseExposition(await metrics.text());
    expect(seriesOf(samples, 'scenarist_validation_errors_total')).toEqual([{ bot: 'bot', value: 3 }]);
  });
});
