import { describe, expect, it } from 'vitest';
import { evaluate, parseExpression, truthy, type Expr, type Value } from '../../grammar/index.js';
import { parseOk } from './helpers.js';

const vars: Record<string, unknown> = {
  n5: 5,
  n0: 0,
  s5: '5',
  s5sp: ' 5 ',
  sHi: 'Hello World',
  sEmpty: '',
  sBlank: '  \t',
  t: true,
  f: false,
  nul: null,
  d1: '2024-01-31',
  d2: '2024-02-01',
  arr: ['a'],
  emptyArr: [],
  obj: { a: 1 },
  nan: NaN,
  big: 1e308,
  user: { first_name: 'Ann' },
};
const lookup = (path: readonly string[]): unknown => (path.length === 1 ? vars[path[0]!] : path.join('.') === 'user.first_name' ? 'Ann' : undefined);
const run = (source: string): Value => evaluate(parseOk(source), lookup);

describe('evaluate: semantics table', () => {
  it.each<[string, Value]>([
    // equality
    ['n5 == 5', true],
    ['s5 == 5', true],
    ['5 == s5', true],
    ['s5sp == 5', true],
    ['s5 == "5"', true],
    ['"abc" == 0', false],
    ['sEmpty == 0', false],
    ['unset == null', true],
    ['nul == unset', true],
    ['unset == ""', false],
    ['t == "true"', false],
    ['t == 1', false],
    ['n5 != 6', true],
    ['obj == obj', false],
    ['obj != obj', true],
    ['arr == "a"', false],
    ['nan == nan', false],
    ['user.first_name == "Ann"', true],
    // ordering
    ['n5 > 3', true],
    ['n5 <= 5', true],
    ['s5 > 3', false],
    ['d1 < d2', true],
    ['d2 >= d1', true],
    ['unset < 1', false],
    ['unset >= unset', false],
    // logic
    ['n0 or sEmpty', false],
    ['n5 and sHi', true],
    ['not unset', true],
    ['not nan', true],
    ['not sBlank', false],
    ['arr and obj', true],
    ['emptyArr or f', true],
    // contains / matches
    ['sHi contains "world"', true],
    ['sHi contains "WORLD"', true],
    ['sHi contains "x"', false],
    ['n5 contains 5', false],
    ['arr contains "a"', false],
    ['sHi matches "^Hello\\s\\w+$"', true],
    ['n5 matches "5"', false],
    // in
    ['n5 in [1, "5", 9]', true],
    ['s5 in [5]', true],
    ['sHi in ["x"]', false],
    ['sHi not in ["x"]', true],
    ['unset in [null]', true],
    ['n5 in []', false],
    // is
    ['unset is empty', true],
    ['nul is empty', true],
    ['sEmpty is empty', true],
    ['sBlank is empty', true],
    ['emptyArr is empty', true],
    ['arr is empty', false],
    ['n0 is empty', false],
    ['f is not empty', true],
    ['unset is set', false],
    ['nul is set', false],
    ['sEmpty is set', true],
    ['obj is set', true],
    ['n0 is not set', false],
    // arithmetic
    ['n5 + 1', 6],
    ['n5 + "x"', '5x'],
    ['"x" + unset + nul', 'x'],
    ['"a" + t', 'atrue'],
    ['s5 + 1', '51'],
    ['n5 - 2 * 3', -1],
    ['n5 / 2', 2.5],
    ['n5 / 0', null],
    ['n5 - "1"', null],
    ['unset + 1', null],
    ['obj + "x"', null],
    ['big * 10', null],
    ['-n5', -5],
    ['-sHi', null],
    ['1 + 2 == 3', true],
    // results of refs
    ['sHi', 'Hello World'],
    ['unset', undefined],
    ['obj', true],
  ])('%s -> %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });
});

describe('evaluate: robustness', () => {
  it('truthy', () => {
    expect([undefined, null, false, 0, NaN, ''].map(truthy)).toEqual([false, false, false, false, false, false]);
    expect([' ', 'a', 1, -1, true].map(truthy)).toEqual([true, true, true, true, true]);
  });

  it('never throws on malformed or deep ASTs', () => {
    const bogus = { kind: 'nope', span: { start: 0, end: 0 } } as unknown as Expr;
    expect(evaluate(bogus, lookup)).toBeUndefined();
    let deep: Expr = { kind: 'literal', value: true, span: { start: 0, end: 0 } };
    for (let i = 0; i < 200_000; i++) deep = { kind: 'not', operand: deep, span: deep.span };
    expect(evaluate(deep, lookup)).toBeUndefined();
  });

  it('treats exotic lookup results as set values', () => {
    for (const weird of [Symbol('s'), 10n, () => 1, new Date(0), new Map()]) {
      const expr = parseOk('x is set and x != 1 and not (x is empty)');
      expect(evaluate(expr, () => weird)).toBe(true);
    }
  });

  it('lets errors thrown by lookup propagate', () => {
    expect(() =>
      evaluate(parseOk('x'), () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
  });

  it('a refused pattern never matches, even if the parse issue was ignored', () => {
    const { expr, issues } = parseExpression('x matches "(a)\\1"');
    expect(issues[0]?.code).toBe('REGEX_INVALID');
    expect(evaluate(expr!, () => 'aa')).toBe(false);
  });

  it('truncates the subject before matching', () => {
    const long = 'a'.repeat(5000) + 'END';
    expect(evaluate(parseOk('x matches "END$"'), () => long)).toBe(false);
    expect(evaluate(parseOk('x matches "^a+$"'), () => long)).toBe(true);
  });
});
