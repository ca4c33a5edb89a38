import { describe, expect, it } from 'vitest';
import { collectRefs, mapRefs, printExpression, printNumber, refToLiteral, type Expr } from '../../grammar/index.js';
import { parseOk, sexpr } from './helpers.js';

describe('collectRefs', () => {
  it('lists refs in source order, guarded only as the subject of is set / is empty', () => {
    const refs = collectRefs(parseOk('a.b is set and (c) is not empty and d + e in [f] and g contains h'));
    expect(refs.map((r) => [r.path.join('.'), r.guarded])).toEqual([
      ['a.b', true],
      ['c', true],
      ['d', false],
      ['e', false],
      ['f', false],
      ['g', false],
      ['h', false],
    ]);
    expect(refs[0]!.span).toEqual({ start: 0, end: 3 });
    expect(collectRefs(parseOk('(x + 1) is set')).map((r) => r.guarded)).toEqual([false]);
  });
});

describe('mapRefs', () => {
  it('replaces chosen refs by string literals keeping their spans', () => {
    const expr = parseOk('choice == more_info or x in [yes, no]');
    const known = new Set(['choice', 'x']);
    const mapped = mapRefs(expr, (ref) => (known.has(ref.path.join('.')) ? ref : refToLiteral(ref)));
    expect(sexpr(mapped)).toBe('(or (== choice "more_info") (in x ["yes" "no"]))');
    const lit = mapped.kind === 'or' && mapped.left.kind === 'compare' ? mapped.left.right : undefined;
    expect(lit).toEqual({ kind: 'literal', value: 'more_info', span: { start: 10, end: 19 } });
    expect(sexpr(expr)).toBe('(or (== choice more_info) (in x [yes no]))');
  });
});

describe('printExpression', () => {
  it.each([
    ['a  AND  b || !c', 'a and b or not c'],
    ['(a or b) and c', '(a or b) and c'],
    ['a or (b or c)', 'a or (b or c)'],
    ['(a or b) or c', 'a or b or c'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a - b) - c', 'a - b - c'],
    ['-(a + b) * c', '-(a + b) * c'],
    ['not (a and b)', 'not (a and b)'],
    ['(not a) == b', '(not a) == b'],
    ['(a == b) == c', '(a == b) == c'],
    ["x MATCHES '^\\d+$'", 'x matches "^\\\\d+$"'],
    ['x not in [1, (a or b)]', 'x not in [1, a or b]'],
    ['x IS NOT SET', 'x is not set'],
    ["'say \"hi\"\\n'", '"say \\"hi\\"\\n"'],
  ])('%s -> %s', (source, expected) => {
    expect(printExpression(parseOk(source))).toBe(expected);
  });

  it('prints numbers without exponents', () => {
    expect(printNumber(1e21)).toBe('1000000000000000000000');
    expect(printNumber(1.5e-7)).toBe('0.00000015');
    expect(printNumber(-2.5)).toBe('-2.5');
    expect(Number(printNumber(5e-324))).toBe(5e-324);
    expect(Number(printNumber(Number.MAX_VALUE))).toBe(Number.MAX_VALUE);
  });

  it('prints hand-built negative literals so they read back as negation', () => {
    const lit: Expr = { kind: 'literal', value: -3, span: { start: 0, end: 0 } };
    const expr: Expr = { kind: 'arith', op: '*', left: lit, right: lit, span: lit.span };
    expect(printExpression(expr)).toBe('-3 * -3');
  });
});
