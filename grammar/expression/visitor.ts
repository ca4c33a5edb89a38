import type { CstNode, IToken } from 'chevrotain';
import type { ArithOp, CompareOp, Expr, Literal } from './ast.js';
import { tokenEnd, unquoteString } from './lexer.js';
import { parser } from './parser.js';

// CST -> AST. Meaning lives here; the grammar lives in parser.ts.

type Ctx = Record<string, (CstNode | IToken)[] | undefined>;

/** A node plus its outer extent: parentheses around it widen `start`/`end` but not `expr.span`. */
interface Built {
  expr: Expr;
  start: number;
  end: number;
}

const BaseVisitor = parser.getBaseCstVisitorConstructor<undefined, unknown>();

function tok(ctx: Ctx, key: string, i = 0): IToken | undefined {
  return ctx[key]?.[i] as IToken | undefined;
}
function toks(ctx: Ctx, key: string): IToken[] {
  return (ctx[key] ?? []) as IToken[];
}
function nodes(ctx: Ctx, key: string): CstNode[] {
  return (ctx[key] ?? []) as CstNode[];
}
function span(start: number, end: number) {
  return { start, end };
}

class AstBuilder extends BaseVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  private sub(node: CstNode | undefined): Built {
    return this.visit(node as CstNode) as Built;
  }

  /** Left-associative fold of `operand (op operand)*`. */
  private fold(operands: CstNode[], ops: IToken[], make: (op: IToken, l: Expr, r: Expr, s: { start: number; end: number }) => Expr): Built {
    let acc = this.sub(operands[0]);
    ops.forEach((op, i) => {
      const right = this.sub(operands[i + 1]);
      acc = { expr: make(op, acc.expr, right.expr, span(acc.start, right.end)), start: acc.start, end: right.end };
    });
    return acc;
  }

  expression(ctx: Ctx): Built {
    return this.sub(nodes(ctx, 'orExpr')[0]);
  }

  orExpr(ctx: Ctx): Built {
    return this.fold(nodes(ctx, 'andExpr'), toks(ctx, 'OrOp'), (_, left, right, s) => ({ kind: 'or', left, right, span: s }));
  }

  andExpr(ctx: Ctx): Built {
    return this.fold(nodes(ctx, 'notExpr'), toks(ctx, 'AndOp'), (_, left, right, s) => ({ kind: 'and', left, right, span: s }));
  }

  notExpr(ctx: Ctx): Built {
    const op = tok(ctx, 'NotOp');
    if (!op) return this.sub(nodes(ctx, 'comparison')[0]);
    const operand = this.sub(nodes(ctx, 'notExpr')[0]);
    return built({ kind: 'not', operand: operand.expr, span: span(op.startOffset, operand.end) });
  }

  comparison(ctx: Ctx): Built {
    const [leftNode, rightNode] = nodes(ctx, 'additive');
    const left = this.sub(leftNode);
    const subject = left.expr;
    const start = left.start;
    const op = tok(ctx, 'CompareOp');
    if (op || tok(ctx, 'Contains')) {
      const right = this.sub(rightNode);
      const s = span(start, right.end);
      if (op) return built({ kind: 'compare', op: op.image as CompareOp, left: subject, right: right.expr, span: s });
      return built({ kind: 'contains', subject, needle: right.expr, span: s });
    }
    const pattern = tok(ctx, 'StringLiteral');
    if (pattern) {
      const patternSpan = span(pattern.startOffset, tokenEnd(pattern));
      return built({ kind: 'matches', subject, pattern: unquoteString(pattern.image), patternSpan, span: span(start, patternSpan.end) });
    }
    const listNode = nodes(ctx, 'list')[0];
    if (listNode) {
      const { items, end } = this.visit(listNode) as { items: Expr[]; end: number };
      return built({ kind: 'in', subject, list: items, negated: tok(ctx, 'Not') !== undefined, span: span(start, end) });
    }
    const last = tok(ctx, 'Empty') ?? tok(ctx, 'Set');
    if (last) {
      const test = tok(ctx, 'Empty') ? 'empty' : 'set';
      return built({ kind: 'is', subject, test, negated: tok(ctx, 'Not') !== undefined, span: span(start, tokenEnd(last)) });
    }
    return left;
  }

  list(ctx: Ctx): { items: Expr[]; end: number } {
    const close = tok(ctx, 'RBracket');
    return { items: nodes(ctx, 'expression').map((n) => this.sub(n).expr), end: close ? tokenEnd(close) : 0 };
  }

  additive(ctx: Ctx): Built {
    return this.fold(nodes(ctx, 'multiplicative'), toks(ctx, 'AdditiveOp'), (op, left, right, s) => arith(op, left, right, s));
  }

  multiplicative(ctx: Ctx): Built {
    return this.fold(nodes(ctx, 'unary'), toks(ctx, 'MultiplicativeOp'), (op, left, right, s) => arith(op, left, right, s));
  }

  unary(ctx: Ctx): Built {
    const minus = tok(ctx, 'Minus');
    if (!minus) return this.sub(nodes(ctx, 'primary')[0]);
    const operand = this.sub(nodes(ctx, 'unary')[0]);
    return built({ kind: 'neg', operand: operand.expr, span: span(minus.startOffset, operand.end) });
  }

  primary(ctx: Ctx): Built {
    const open = tok(ctx, 'LParen');
    if (open) {
      const inner = this.sub(nodes(ctx, 'expression')[0]);
      const close = tok(ctx, 'RParen');
      return { expr: inner.expr, start: open.startOffset, end: close ? tokenEnd(close) : inner.end };
    }
    const pathNode = nodes(ctx, 'path')[0];
    if (pathNode) return this.sub(pathNode);
    const token = (tok(ctx, 'StringLiteral') ?? tok(ctx, 'NumberLiteral') ?? tok(ctx, 'True') ?? tok(ctx, 'False') ?? tok(ctx, 'Null'))!;
    return built({ kind: 'literal', value: literalValue(token), span: span(token.startOffset, tokenEnd(token)) });
  }

  path(ctx: Ctx): Built {
    const ids = toks(ctx, 'Identifier');
    const first = ids[0]!;
    const last = ids[ids.length - 1]!;
    return built({ kind: 'ref', path: ids.map((t) => t.image), span: span(first.startOffset, tokenEnd(last)) });
  }
}

function built(expr: Expr): Built {
  return { expr, start: expr.span.start, end: expr.span.end };
}

function arith(op: IToken, left: Expr, right: Expr, s: { start: number; end: number }): Expr {
  return { kind: 'arith', op: op.image as ArithOp, left, right, span: s };
}

/** Value of a literal token; number overflow is rejected earlier (parse.ts). */
export function literalValue(token: IToken): Literal {
  switch (token.tokenType.name) {
    case 'StringLiteral':
      return unquoteString(token.image);
    case 'NumberLiteral':
      return Number(token.image);
    case 'True':
      return true;
    case 'False':
      return false;
    default:
      return null;
  }
}

const builder = new AstBuilder();

export function buildAst(cst: CstNode): Expr {
  return (builder.visit(cst) as Built).expr;
}
