import { describe, expect, it } from 'vitest';
import { parseOk, shape } from './helpers.js';

describe('parseExpression: operators', () => {
  it.each([
    ['a == 1', '(== a 1)'],
    ['a != "x"', '(!= a "x")'],
    ['a < 1', '(< a 1)'],
    ['a <= 1', '(<= a 1)'],
    ['a > 1', '(> a 1)'],
    ['a >= 1.5', '(>= a 1.5)'],
    ['a and b', '(and a b)'],
    ['a && b', '(and a b)'],
    ['a or b', '(or a b)'],
    ['a || b', '(or a b)'],
    ['not a', '(not a)'],
    ['!a', '(not a)'],
    ['not not a', '(not (not a))'],
    ['name contains "bo"', '(contains name "bo")'],
    ['code matches "^\\d{3}$"', '(matches code "^\\\\d{3}$")'],
    ['x in [1, "two", y]', '(in x [1 "two" y])'],
    ['x not in [1]', '(not-in x [1])'],
    ['x in []', '(in x [])'],
    ['x is empty', '(is-empty x)'],
    ['x is not empty', '(is-not-empty x)'],
    ['x is set', '(is-set x)'],
    ['x is not set', '(is-not-set x)'],
    ['a + b', '(+ a b)'],
    ['a - b', '(- a b)'],
    ['a * b', '(* a b)'],
    ['a / b', '(/ a b)'],
    ['-a', '(neg a)'],
    ['- -3', '(neg (neg 3))'],
    ['true', 'true'],
    ['FALSE', 'false'],
    ['Null', 'null'],
    ['user.first_name', 'user.first_name'],
    ['more_info', 'more_info'],
  ])('%s', (source, expected) => {
    expect(shape(source)).toBe(expected);
  });
});

describe('parseExpression: precedence and associativity', () => {
  it.each([
    ['a or b and c', '(or a (and b c))'],
    ['a and b or c', '(or (and a b) c)'],
    ['not a and b', '(and (not a) b)'],
    ['not a == b', '(not (== a b))'],
    ['a == b and c != d', '(and (== a b) (!= c d))'],
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b / c', '(/ (/ a b) c)'],
    ['a or b or c', '(or (or a b) c)'],
    ['-a * b', '(* (neg a) b)'],
    ['a + b == c * 2', '(== (+ a b) (* c 2))'],
    ['(a or b) and c', '(and (or a b) c)'],
    ['x + 1 in [2, 3]', '(in (+ x 1) [2 3])'],
    ['a is set and b is not empty', '(and (is-set a) (is-not-empty b))'],
    ['x in [a or b]', '(in x [(or a b)])'],
    ['not x in [1]', '(not (in x [1]))'],
  ])('%s', (source, expected) => {
    expect(shape(source)).toBe(expected);
  });
});

describe('parseExpression: lexical details', () => {
  it('keywords are case-insensitive', () => {
    expect(shape('a AND b Or NOT c')).toBe('(or (and a b) (not c))');
    expect(shape('x IS NOT SET')).toBe('(is-not-set x)');
  });

  it('identifiers may start with a keyword', () => {
    expect(shape('index or order_id or island')).toBe('(or (or index order_id) island)');
  });

  it('decodes string escapes and keeps unknown ones for regexes', () => {
    const expr = parseOk(String.raw`a == "q\"\\\n\t\u0041\d" or b == 'it\'s'`);
    expect(expr.kind === 'or' && expr.left.kind === 'compare' && expr.left.right).toMatchObject({
      value: 'q"\\\n\tA\\d',
    });
    expect(expr.kind === 'or' && expr.right.kind === 'compare' && expr.right.right).toMatchObject({ value: "it's" });
  });

  it('numbers: integers and decimals', () => {
    expect(shape('3 + 3.25')).toBe('(+ 3 3.25)');
  });
});

describe('parseExpression: spans', () => {
  it('gives each node its source range, parentheses included in parents', () => {
    const expr = parseOk('(a or b) and c.d == "x"');
    expect(expr.span).toEqual({ start: 0, end: 23 });
    if (expr.kind !== 'and') throw new Error('expected and');
    expect(expr.left.span).toEqual({ start: 1, end: 7 });
    expect(expr.right.span).toEqual({ start: 13, end: 23 });
    if (expr.right.kind !== 'compare') throw new Error('expected compare');
    expect(expr.right.left.span).toEqual({ start: 13, end: 16 });
  });

  it('matches records the pattern span', () => {
    const expr = parseOk('x matches "a+"');
    expect(expr).toMatchObject({ kind: 'matches', pattern: 'a+', patternSpan: { start: 10, end: 14 }, span: { start: 0, end: 14 } });
  });

  it('in and is spans end at the closing token', () => {
    expect(parseOk('x not in [1, 2]').span).toEqual({ start: 0, end: 15 });
    expect(parseOk('x is not set').span).toEqual({ start: 0, end: 12 });
    expect(parseOk('not  -x').span).toEqual({ start: 0, end: 7 });
  });
});
