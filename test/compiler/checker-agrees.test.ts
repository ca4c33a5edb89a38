import { describe, expect, it } from 'vitest';
import { at, check, codes, find, scenario } from '../support/scenario-text.js';

// The checker says what the runtime does: docs/format.md (conditions) and docs/diagnostics.md.

const say = (text: string, next?: unknown) => ({ type: 'message', message: { text }, ...(next === undefined ? {} : { next_step: next }) });
const ask = (text: string, input: Record<string, unknown>, next?: unknown, extra: Record<string, unknown> = {}) => ({
  ...say(text, next),
  expected_input: input,
  ...extra,
});
const buttons = (...values: string[]) => values.map((v) => ({ text: `T${v}`, value: v }));
const cond = (conditions: [string, string][], elseStep?: string) => ({
  type: 'conditional',
  conditions: conditions.map(([i, t]) => ({ if: i, then: t })),
  ...(elseStep ? { else: elseStep } : {}),
});

describe('a number and a numeric string compare as numbers', () => {
  it('accepts a number compared with a button whose values are numeric', () => {
    const text = scenario({
      tip: ask('Tip?', { type: 'button', variable: 'tip' }, cond([['tip == 10', 'ten']], 'other'), { buttons: buttons('0', '10', '15') }),
      ten: say('ten'),
      other: say('other'),
    });
    expect(codes(check(text))).toEqual([]);
  });

  it('accepts a number compared with a typed text answer, which may be numeric', () => {
    const text = scenario({ a: ask('?', { type: 'text', variable: 't' }, cond([['t == 5', 'b']], 'b')), b: say('b') });
    expect(codes(check(text))).toEqual([]);
  });

  it('still warns when the text can never be a number', () => {
    const text = scenario({
      pick: ask('?', { type: 'button', variable: 'c' }, cond([['c == 1', 'b']], 'b'), { buttons: buttons('yes', 'no') }),
      mail: ask('?', { type: 'email', variable: 'e' }, cond([['e != 2', 'b']], 'b')),
      b: { ...say('b', 'mail'), set: { word: '"ten"', same: 'word == 10' } },
    });
    const ds = check(text);
    expect(find(ds, 'TYPE_MISMATCH_EQUALITY')).toMatchObject([
      { severity: 'warning', ...at(text, 'c == 1') },
      at(text, 'e != 2'),
      at(text, 'word == 10'),
    ]);
  });
});
