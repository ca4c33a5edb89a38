import type { Expr, LiteralExpr, RefExpr, Span } from './ast.js';

/** Direct sub-expressions in source order. */
export function childrenOf(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case 'literal':
    case 'ref':
      return [];
    case 'not':
    case 'neg':
      return [expr.operand];
    case 'and':
    case 'or':
    case 'compare':
    case 'arith':
      return [expr.left, expr.right];
    case 'contains':
      return [expr.subject, expr.needle];
    case 'matches':
    case 'is':
      return [expr.subject];
    case 'in':
      return [expr.subject, ...expr.list];
  }
}

/** Rebuilds `expr` with each direct child replaced by `fn(child)`. */
export function mapChildren(expr: Expr, fn: (child: Expr) => Expr): Expr {
  switch (expr.kind) {
    case 'literal':
    case 'ref':
      return expr;
    case 'not':
    case 'neg':
      return { ...expr, operand: fn(expr.operand) };
    case 'and':
    case 'or':
    case 'compare':
    case 'arith':
      return { ...expr, left: fn(expr.left), right: fn(expr.right) };
    case 'contains':
      return { ...expr, subject: fn(expr.subject), needle: fn(expr.needle) };
    case 'matches':
    case 'is':
      return { ...expr, subject: fn(expr.subject) };
    case 'in':
      return { ...expr, subject: fn(expr.subject), list: expr.list.map(fn) };
  }
}

export interface ExprRef {
  path: readonly string[];
  span: Span;
  /** True when the ref is the subject of `is set` / `is empty`: reading an unassigned variable is fine there. */
  guarded: boolean;
}

/** Every variable reference, in source order. */
export function collectRefs(expr: Expr): ExprRef[] {
  const out: ExprRef[] = [];
  const walk = (e: Expr, guarded: boolean): void => {
    if (e.kind === 'ref') {
      out.push({ path: e.path, span: e.span, guarded });
      return;
    }
    if (e.kind === 'is') {
      walk(e.subject, true);
      return;
    }
    for (const child of childrenOf(e)) walk(child, false);
  };
  walk(expr, false);
  return out;
}

/**
 * Returns a new AST where every ref is replaced by `fn(ref)` (return the ref itself to keep it).
 * Used by the compiler to turn bare words such as `more_info` into string literals.
 */
export function mapRefs(expr: Expr, fn: (ref: RefExpr) => Expr): Expr {
  if (expr.kind === 'ref') return fn(expr);
  return mapChildren(expr, (child) => mapRefs(child, fn));
}

/** The string literal a bare word stands for (`more_info` -> "more_info"), keeping the ref's span. */
export function refToLiteral(ref: RefExpr): LiteralExpr {
  return { kind: 'literal', value: ref.path.join('.'), span: ref.span };
}

/** Number of nodes, counted without recursion so huge hand-built ASTs cannot overflow the stack. */
export function countNodes(expr: Expr): number {
  let count = 0;
  const stack: Expr[] = [expr];
  for (let e = stack.pop(); e; e = stack.pop()) {
    count++;
    stack.push(...childrenOf(e));
  }
  return count;
}
