import { childrenOf, type Expr, type Span } from '../../grammar/index.js';

/**
 * What a condition proves about which variables are set (neither unset nor null), following the evaluator's
 * semantics (grammar/expression/evaluate.ts): `x is set` and `x is not empty` hold only for a set x, `x == "a"`
 * never holds for an unset x, and so on. Used to accept reads that an `is set` guard protects.
 */

const variableOf = (e: Expr): string | undefined => (e.kind === 'ref' && e.path.length === 1 ? e.path[0] : undefined);

const refsOf = (...es: Expr[]): Set<string> => new Set(es.map(variableOf).filter((v): v is string => v !== undefined));

const union = (a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> => new Set([...a, ...b]);
const intersection = (a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> => new Set([...a].filter((v) => b.has(v)));

const NONE: ReadonlySet<string> = new Set();

const isNullish = (e: Expr): boolean => e.kind !== 'literal' || e.value === null;

/** The variables that are surely set when `e` evaluates to a truthy value (`outcome` true) or a falsy one. */
export function provenSet(e: Expr, outcome: boolean): ReadonlySet<string> {
  switch (e.kind) {
    case 'ref':
      return outcome ? refsOf(e) : NONE;
    case 'not':
      return provenSet(e.operand, !outcome);
    case 'and':
      return outcome ? union(provenSet(e.left, true), provenSet(e.right, true)) : intersection(provenSet(e.left, false), provenSet(e.right, false));
    case 'or':
      return outcome ? intersection(provenSet(e.left, true), provenSet(e.right, true)) : union(provenSet(e.left, false), provenSet(e.right, false));
    case 'is': {
      // `is set` holds, or `is empty` fails (unset is empty): either way the subject is set.
      const setWhen = e.test === 'set' ? !e.negated : e.negated;
      return outcome === setWhen ? refsOf(e.subject) : NONE;
    }
    case 'compare':
      if (!outcome) return e.op === '!=' ? provenSet({ ...e, op: '==' }, true) : NONE;
      // Orderings hold only between two numbers or two strings; `==` holds against a non-null literal only when set.
      if (e.op !== '==' && e.op !== '!=') return refsOf(e.left, e.right);
      if (e.op === '==') return union(isNullish(e.right) ? NONE : refsOf(e.left), isNullish(e.left) ? NONE : refsOf(e.right));
      return NONE;
    case 'in':
      return outcome !== e.negated && e.list.length > 0 && !e.list.some(isNullish) ? refsOf(e.subject) : NONE;
    case 'contains':
      return outcome ? refsOf(e.subject, e.needle) : NONE;
    case 'matches':
      return outcome ? refsOf(e.subject) : NONE;
    default:
      return NONE;
  }
}

export interface GuardedRef {
  readonly path: readonly string[];
  readonly span: Span;
  /** True when the read cannot see an unset variable: the subject of `is`, or under a guard that proves it set. */
  readonly guarded: boolean;
}

/**
 * Every variable reference of `e`, in source order, marking those an `is set` guard protects: the right side of
 * `and` is only evaluated when the left side holds, the right side of `or` when it fails.
 */
export function guardedRefs(e: Expr, known: ReadonlySet<string> = NONE): GuardedRef[] {
  const out: GuardedRef[] = [];
  const walk = (x: Expr, set: ReadonlySet<string>, subject: boolean): void => {
    if (x.kind === 'ref') {
      out.push({ path: x.path, span: x.span, guarded: subject || (x.path.length === 1 && set.has(x.path[0]!)) });
      return;
    }
    if (x.kind === 'is') return walk(x.subject, set, true);
    if (x.kind === 'and' || x.kind === 'or') {
      walk(x.left, set, false);
      walk(x.right, union(set, provenSet(x.left, x.kind === 'and')), false);
      return;
    }
    for (const child of childrenOf(x)) walk(child, set, false);
  };
  walk(e, known, false);
  return out;
}
