import { fc } from '@fast-check/vitest';
import type { ArithOp, CompareOp, Expr, Literal } from '../../grammar/index.js';

/** Shared property-test settings: fixed seed unless FC_SEED is set, FC_RUNS runs (default 200). */
export const fcParams = {
  seed: Number(process.env.FC_SEED ?? 42),
  numRuns: Number(process.env.FC_RUNS ?? 200),
};

const span = { start: 0, end: 0 };
const KEYWORDS = new Set(['and', 'or', 'not', 'contains', 'matches', 'in', 'is', 'empty', 'set', 'true', 'false', 'null']);

export const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/).filter((s) => !KEYWORDS.has(s.toLowerCase()));

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('\\', '"', "'", '\n', '}}', '{{'));

/** Only literals the parser can produce: numbers are non-negative (a minus sign is a `neg` node). */
export const literalValue: fc.Arbitrary<Literal> = fc.oneof(
  text,
  fc.nat(),
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
  fc.boolean(),
  fc.constant(null),
);

const compareOps: CompareOp[] = ['==', '!=', '<', '<=', '>', '>='];
const arithOps: ArithOp[] = ['+', '-', '*', '/'];

/** Parser-producible ASTs with dummy spans. */
export const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => {
  const sub = tie('expr');
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      literalValue.map((value): Expr => ({ kind: 'literal', value, span })),
      fc.array(identifier, { minLength: 1, maxLength: 3 }).map((path): Expr => ({ kind: 'ref', path, span })),
      sub.map((operand): Expr => ({ kind: 'not', operand, span })),
      sub.map((operand): Expr => ({ kind: 'neg', operand, span })),
      fc.tuple(fc.constantFrom('and' as const, 'or' as const), sub, sub).map(([kind, left, right]): Expr => ({ kind, left, right, span })),
      fc.tuple(fc.constantFrom(...compareOps), sub, sub).map(([op, left, right]): Expr => ({ kind: 'compare', op, left, right, span })),
      fc.tuple(fc.constantFrom(...arithOps), sub, sub).map(([op, left, right]): Expr => ({ kind: 'arith', op, left, right, span })),
      fc.tuple(sub, sub).map(([subject, needle]): Expr => ({ kind: 'contains', subject, needle, span })),
      fc.tuple(sub, text).map(([subject, pattern]): Expr => ({ kind: 'matches', subject, pattern, patternSpan: span, span })),
      fc.tuple(sub, fc.array(sub, { maxLength: 3 }), fc.boolean()).map(([subject, list, negated]): Expr => ({ kind: 'in', subject, list, negated, span })),
      fc.tuple(sub, fc.constantFrom('empty' as const, 'set' as const), fc.boolean()).map(([subject, test, negated]): Expr => ({ kind: 'is', subject, test, negated, span })),
    ),
  };
}).expr;

const EXPR_TOKENS = [
  '(', ')', '[', ']', ',', '.', ' ', 'and', 'OR', 'not', '&&', '||', '!', '==', '!=', '<', '<=', '>', '>=',
  '"', "'", '"a+"', "'x'", '\\', 'x', 'y.z', '1', '2.5', 'contains', 'matches', 'in', 'is', 'empty', 'set',
  'true', 'null', '-', '+', '*', '/', '=', '&', '|', ':', '{{', '}}', '{', '}', 'default', 'upper', '\u00e9', '\ud800',
];

/** Arbitrary text, and text made of expression/template tokens so the parser gets past the lexer. */
export const sourceArb = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(...EXPR_TOKENS), maxLength: 40 }),
);

const TEMPLATE_TOKENS = ['{{name}}', '{{ user.name | upper }}', '{{x|default:"a"}}', 'Hi ', '{{', '}}', ' ', 'name', '.', 'user', '|', 'upper', 'default', ':', '"x"', "'y'", '1', ',', '{', '}', '"', 'bogus', '\\', '-'];

export const templateSourceArb = fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...TEMPLATE_TOKENS), maxLength: 30 }));

const filterArb = fc.record({
  name: fc.oneof(fc.constantFrom('default', 'upper', 'lower', 'trim', 'capitalize'), identifier.map((s) => s.toLowerCase())),
  args: fc.array(fc.oneof(text, fc.nat(), fc.double({ noNaN: true, noDefaultInfinity: true })), { maxLength: 2 }),
  span: fc.constant(span),
});

const partArb = fc.oneof(
  text.filter((t) => !t.includes('{{')).map((t) => ({ kind: 'text' as const, text: t })),
  fc.record({
    kind: fc.constant('value' as const),
    path: fc.array(fc.oneof(identifier, fc.constantFrom('set', 'IN')), { minLength: 1, maxLength: 3 }),
    filters: fc.array(filterArb, { maxLength: 3 }),
    span: fc.constant(span),
    pathSpan: fc.constant(span),
  }),
);

/** Templates as parseTemplate builds them: no empty or adjacent text parts. */
export const templateArb = fc.array(partArb, { maxLength: 6 }).map((parts) => ({
  parts: parts
    .reduce<typeof parts>((acc, part) => {
      const last = acc[acc.length - 1];
      if (part.kind === 'text' && last?.kind === 'text') acc[acc.length - 1] = { kind: 'text', text: last.text + part.text };
      else acc.push(part);
      return acc;
    }, [])
    .filter((p) => p.kind !== 'text' || (p.text !== '' && !p.text.includes('{{'))),
}));

const REGEX_TOKENS = ['a', 'b', '1', ' ', '\\d', '\\w', '\\s', '.', '(', ')', '(?:', '|', '*', '+', '?', '{2}', '{1,3}', '{2,}', '[ab]', '[^a]', '^', '$'];

/** Patterns built from regex tokens; most are valid, and many would backtrack badly on a backtracking engine. */
export const patternArb = fc.string({ unit: fc.constantFrom(...REGEX_TOKENS), maxLength: 12 });
