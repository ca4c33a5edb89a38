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

describe('a variable that no step assigns', () => {
  it('is reported whatever guards its reads: a default filter or "is set"', () => {
    const text = scenario({
      a: { ...say('Total: {{totl | default: "0"}}', cond([['profile.name is set', 'b']], 'b')), set: { total: '1' } },
      b: say('{{total}}'),
    });
    const ds = check(text);
    expect(find(ds, 'UNDEFINED_VARIABLE')).toMatchObject([
      { severity: 'warning', ...at(text, 'totl |') },
      at(text, 'profile.name'),
    ]);
    expect(find(ds, 'UNDEFINED_VARIABLE')[0]!.message).toContain('"total"');
    expect(find(ds, 'VAR_UNASSIGNED')).toEqual([]);
  });
});

describe('reads an "is set" guard protects', () => {
  const maybeEmail = (route: unknown, rest: Record<string, unknown> = {}) =>
    scenario({
      start: ask('?', { type: 'button', variable: 'c' }, cond([['c == "p"', 'named']], 'show'), { buttons: buttons('p', 'q') }),
      named: ask('email?', { type: 'email', variable: 'email' }, 'show'),
      show: say('Menu', route),
      mail: say('Mail goes to {{email}}'),
      done: say('Bye'),
      ...rest,
    });

  it('accepts a read reached only through a condition that proves the variable set', () => {
    const text = maybeEmail(cond([['email is set', 'mail']], 'done'));
    expect(codes(check(text))).toEqual([]);
  });

  it('accepts a read the same condition protects, or a condition before it', () => {
    const and = maybeEmail(cond([['email is set and email matches "@example"', 'mail']], 'done'));
    expect(codes(check(and))).toEqual([]);
    const before = maybeEmail(cond([['email is not set', 'done'], ['email contains "@"', 'mail']], 'done'));
    expect(codes(check(before))).toEqual([]);
  });

  it('still reports a read that no guard protects (either side of the "or" proves email set for "mail")', () => {
    const text = maybeEmail(cond([['email is set or email contains "x"', 'mail']], 'unguarded'), { unguarded: say('No mail for {{email}}') });
    expect(find(check(text), 'VAR_UNASSIGNED')).toMatchObject([
      { severity: 'warning', ...at(text, 'email contains') },
      at(text, 'email}}', { nth: 2 }),
    ]);
    // Reached when "email is set" failed: the guard proves the opposite.
    const inverted = maybeEmail(cond([['email is set', 'done']], 'mail'));
    expect(find(check(inverted), 'VAR_UNASSIGNED')).toMatchObject([at(inverted, 'email}}')]);
  });
});

describe('buttons on a step that waits for nothing', () => {
  it('warns that they are ignored, as on a step that waits for typed text', () => {
    const text = scenario({
      menu: { ...say('Pick one', 'ask'), buttons: buttons('a', 'b') },
      ask: ask('Name?', { type: 'text', variable: 'name' }, 'end', { buttons: buttons('x') }),
      end: say('Bye {{name}}'),
    });
    expect(find(check(text), 'BUTTONS_IGNORED')).toMatchObject([
      { severity: 'warning', ...at(text, '"buttons": [', { shift: 11 }) },
      at(text, '"buttons": [', { nth: 2, shift: 11 }),
    ]);
  });
});
