import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { evaluate, truthy, type CompareOp, type Expr, type Literal } from '../../grammar/index.js';
import { guardedRefs, provenSet } from '../../compiler/check/guards.js';
import { fcParams } from '../grammar/arbitraries.js';

// What a condition proves set must agree with the evaluator (grammar/expression/evaluate.ts) on every value.

const span = { start: 0, end: 0 };
const NAMES = ['a', 'b'] as const;
const VALUES: readonly (Literal | undefined)[] = [undefined, null, '', 'x', '5', 5, 0, true, false];
const ops: CompareOp[] = ['==', '!=', '<', '<=', '>', '>='];

const ref = (name: string): Expr => ({ kind: 'ref', path: [name], span });
const lit = (value: Literal): Expr => ({ kind: 'literal', value, span });
const ATOMS: readonly Expr[] = [...NAMES.map(ref), ...[null, '', 'x', '5', 5, 0, true].map(lit)];

/** Every test on atoms: comparisons, `is`, `contains`, `matches`, `in` (enumerated, not sampled). */
const TESTS: readonly Expr[] = ATOMS.flatMap((x) => [
  ...ATOMS.flatMap((y): Expr[] => [
    ...ops.map((op): Expr => ({ kind: 'compare', op, left: x, right: y, span })),
    { kind: 'contains', subject: x, needle: y, span },
    { kind: 'in', subject: x, list: [y], negated: false, span },
    { kind: 'in', subject: x, list: [y], negated: true, span },
  ]),
  x,
  { kind: 'matches', subject: x, pattern: '.', patternSpan: span, span },
  { kind: 'in', subject: x, list: [], negated: false, span },
  ...(['set', 'empty'] as const).flatMap((test) => [true, false].map((negated): Expr => ({ kind: 'is', subject: x, test, negated, span }))),
]);

/** `and` / `or` / `not` over the tests above. */
const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => {
  const sub = tie('expr');
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true, maxDepth: 3 },
      fc.constantFrom(...TESTS),
      sub.map((operand): Expr => ({ kind: 'not', operand, span })),
      fc.tuple(fc.constantFrom('and' as const, 'or' as const), sub, sub).map(([kind, left, right]): Expr => ({ kind, left, right, span })),
    ),
  };
}).expr;

const unsound = (e: Expr): string | undefined => {
  for (const a of VALUES) {
    for (const b of VALUES) {
      const vars: Record<string, Literal | undefined> = { a, b };
      const outcome = truthy(evaluate(e, (path) => vars[path[0]!]));
      for (const v of provenSet(e, outcome)) if (vars[v] === undefined || vars[v] === null) return `${v} when ${JSON.stringify(vars)}, outcome ${outcome}`;
    }
  }
  return undefined;
};

describe('provenSet', () => {
  it('names only variables that are set whenever a single test has that outcome (every test on atoms)', () => {
    expect(TESTS.flatMap((e) => unsound(e) ?? [])).toEqual([]);
  });

  test.prop([exprArb], fcParams)('and under "and", "or" and "not"', (e) => {
    expect(unsound(e)).toBeUndefined();
  });

  it('reads "is set", "is not empty", comparisons with literals, and their negations', () => {
    const isSet: Expr = { kind: 'is', subject: ref('a'), test: 'set', negated: false, span };
    const notEmpty: Expr = { kind: 'is', subject: ref('b'), test: 'empty', negated: true, span };
    const both: Expr = { kind: 'and', left: isSet, right: notEmpty, span };
    expect([...provenSet(both, true)].sort()).toEqual(['a', 'b']);
    expect([...provenSet(both, false)]).toEqual([]);
    expect([...provenSet({ kind: 'not', operand: isSet, span }, false)]).toEqual(['a']);
    expect([...provenSet({ kind: 'compare', op: '==', left: ref('a'), right: { kind: 'literal', value: 'x', span }, span }, true)]).toEqual(['a']);
  });
});

describe('guardedRefs', () => {
  it('marks a read that the left side of "and" (or a failed left side of "or") proves set', () => {
    const isSet = (name: string, negated = false): Expr => ({ kind: 'is', subject: ref(name), test: 'set', negated, span });
    const matches = (name: string): Expr => ({ kind: 'matches', subject: ref(name), pattern: '@', patternSpan: span, span });
    const guarded = (e: Expr) => guardedRefs(e).map((r) => r.guarded);
    expect(guarded({ kind: 'and', left: isSet('a'), right: matches('a'), span })).toEqual([true, true]);
    expect(guarded({ kind: 'or', left: isSet('a', true), right: matches('a'), span })).toEqual([true, true]);
    expect(guarded({ kind: 'or', left: isSet('a'), right: matches('a'), span })).toEqual([true, false]);
    expect(guarded({ kind: 'and', left: isSet('b'), right: matches('a'), span })).toEqual([true, false]);
  });
});
