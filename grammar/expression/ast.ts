/** Offsets are 0-based, relative to the start of the expression string (UTF-16 code units), end exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type Literal = string | number | boolean | null;

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/';

export type Expr =
  | { readonly kind: 'literal'; readonly value: Literal; readonly span: Span }
  /** A variable reference. `path` has one entry per dotted segment: `user.first_name` -> ['user', 'first_name']. */
  | { readonly kind: 'ref'; readonly path: readonly string[]; readonly span: Span }
  | { readonly kind: 'not'; readonly operand: Expr; readonly span: Span }
  | { readonly kind: 'neg'; readonly operand: Expr; readonly span: Span }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: 'arith'; readonly op: ArithOp; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: 'contains'; readonly subject: Expr; readonly needle: Expr; readonly span: Span }
  | {
      readonly kind: 'matches';
      readonly subject: Expr;
      readonly pattern: string;
      readonly patternSpan: Span;
      readonly span: Span;
    }
  | { readonly kind: 'in'; readonly subject: Expr; readonly list: readonly Expr[]; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'is'; readonly subject: Expr; readonly test: 'empty' | 'set'; readonly negated: boolean; readonly span: Span };

/** Convenience aliases for single node kinds (added; the union above is unchanged). */
export type ExprKind = Expr['kind'];
export type ExprOf<K extends ExprKind> = Extract<Expr, { readonly kind: K }>;
export type RefExpr = ExprOf<'ref'>;
export type LiteralExpr = ExprOf<'literal'>;
