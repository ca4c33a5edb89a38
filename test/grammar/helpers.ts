import { expect } from 'vitest';
import { parseExpression, type Expr } from '../../grammar/index.js';

/** Compact s-expression of an AST, ignoring spans, for readable shape assertions. */
export function sexpr(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return JSON.stringify(e.value);
    case 'ref':
      return e.path.join('.');
    case 'not':
    case 'neg':
      return `(${e.kind} ${sexpr(e.operand)})`;
    case 'and':
    case 'or':
      return `(${e.kind} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case 'compare':
    case 'arith':
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
    case 'contains':
      return `(contains ${sexpr(e.subject)} ${sexpr(e.needle)})`;
    case 'matches':
      return `(matches ${sexpr(e.subject)} ${JSON.stringify(e.pattern)})`;
    case 'in':
      return `(${e.negated ? 'not-in' : 'in'} ${sexpr(e.subject)} [${e.list.map(sexpr).join(' ')}])`;
    case 'is':
      return `(is-${e.negated ? 'not-' : ''}${e.test} ${sexpr(e.subject)})`;
  }
}

/** Parses and fails the test with the issues if the source does not parse cleanly. */
export function parseOk(source: string): Expr {
  const { expr, issues } = parseExpression(source);
  expect(issues).toEqual([]);
  expect(expr).toBeDefined();
  return expr!;
}

export function shape(source: string): string {
  return sexpr(parseOk(source));
}

/** Deep copy of an AST without spans, for structural equality. */
export function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'span' && k !== 'patternSpan' && k !== 'pathSpan')
        .map(([k, v]) => [k, withoutSpans(v)]),
    );
  }
  return value;
}
