/**
 * A large scenario shaped like real ones: blocks of five steps with a message and a counter, a validated number
 * input with retries, a button menu with conditions, a template that reads earlier answers, and a text input.
 */
export function generateScenario(steps: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const id = (i: number): string => (i >= steps - 1 ? 'done' : `s${i}`);
  out['s0'] = { message: { text: 'Welcome!' }, set: { count: '0' }, next_step: id(1) };
  let i = 1;
  for (let k = 0; i < steps - 1; k++, i += 5) {
    out[id(i)] = { message: { text: `Block ${k}` }, set: { count: 'count + 1' }, next_step: id(i + 1) };
    if (i + 1 >= steps - 1) break;
    out[id(i + 1)] = {
      message: { text: `How many (block ${k})?` },
      expected_input: { type: 'integer', variable: `n${k}`, validation: { min: 0, max: 100 }, error_message: 'A number from 0 to 100, please.', max_attempts: 3, on_fail: 'done' },
      next_step: id(i + 2),
    };
    if (i + 2 >= steps - 1) break;
    out[id(i + 2)] = {
      message: { text: 'Pick one' },
      buttons: [
        { text: 'Alpha', value: 'a' },
        { text: 'Beta', value: 'b' },
        { text: 'Gamma', value: 'c' },
      ],
      expected_input: { type: 'button', variable: `c${k}` },
      next_step: { type: 'conditional', conditions: [{ if: `c${k} == "a"`, then: id(i + 3) }, { if: `c${k} == "b" and n${k} > 10`, then: id(i + 4) }], else: id(i + 3) },
    };
    if (i + 3 >= steps - 1) break;
    out[id(i + 3)] = {
      message: { text: `You said {{n${k}}} and {{c${k} | upper}}, visit {{count}}` },
      next_step: { type: 'conditional', conditions: [{ if: `(n${k} >= 50 or c${k} in ["a", "c"]) and not (count > 1000000)`, then: id(i + 5) }], else: id(i + 4) },
    };
    if (i + 4 >= steps - 1) break;
    out[id(i + 4)] = { message: { text: 'Any comment?' }, expected_input: { type: 'text', variable: `t${k}`, validation: { max_length: 200 } }, next_step: id(i + 5) };
  }
  out['done'] = { message: { text: 'Thanks, bye!' } };
  return { name: `Generated ${steps}`, version: '1', start_step: 's0', steps: out };
}
