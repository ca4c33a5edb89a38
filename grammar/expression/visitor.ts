import type { CstNode, IToken } from 'chevrotain';
import type { ArithOp, CompareOp, Expr, Literal } from './ast.js';
import { tokenEnd, unquoteString } from './lexer.js';
import { parser } from './parser.js';

// CST -> AST. Meaning lives here; the grammar lives in parser.ts.

type Ctx = Record<string, (CstNode | IToken)[] | undefined>;

/**
 * A parenthesized node: the parentheses widen its outer extent (`start`/`end`) but not `expr.span`. Any other
 * node is returned as the bare Expr, whose outer extent is its span (most nodes: no wrapper to allocate).
 */
class Paren {
  constructor(
    readonly expr: Expr,
    readonly start: number,
    readonly end: number,
  ) {}
}

type Built = Expr | Paren;

const exprOf = (b: Built): Expr => (b instanceof Paren ? b.expr : b);
const startOf = (b: Built): number => (b instanceof Paren ? b.start : b.span.start);
const endOf = (b: Built): number => (b instanceof Paren ? b.end : b.span.end);

const BaseVisitor = parser.getBaseCstVisitorConstructor<undefined, unknown>();

function tok(ctx: Ctx, key: string, i = 0): IToken | undefined {
  return ctx[key]?.[i] as IToken | undefined;
}
function nodes(ctx: Ctx, key: string): CstNode[] {
  return (ctx[key] ?? []) as CstNode[];
}
function span(start: number, end: number) {
  return { start, end };
}

type BinaryKind = 'or' | 'and' | 'arith';

class AstBuilder extends BaseVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  private sub(node: CstNode | undefined): Built {
    return this.visit(node as CstNode) as Built;
  }

  /** Left-associative fold of `operand (op operand)*`; a lone operand is returned as is. */
  private fold(ctx: Ctx, operandKey: string, opKey: string, kind: BinaryKind): Built {
    const operands = ctx[operandKey] as CstNode[];
    const ops = ctx[opKey] as IToken[] | undefined;
    let acc = this.sub(operands[0]);
    if (!ops) return acc;
    for (let i = 0; i < ops.length; i++) {
      const right = this.sub(operands[i + 1]);
      const s = span(startOf(acc), endOf(right));
      const left = exprOf(acc);
      acc =
        kind === 'arith'
          ? { kind, op: ops[i]!.image as ArithOp, left, right: exprOf(right), span: s }
          : { kind, left, right: exprOf(right), span: s };
    }
    return acc;
  }

  expression(ctx: Ctx): Built {
    return this.sub(nodes(ctx, 'orExpr')[0]);
  }

  orExpr(ctx: Ctx): Built {
    return this.fold(ctx, 'andExpr', 'OrOp', 'or');
  }

  andExpr(ctx: Ctx): Built {
    return this.fold(ctx, 'notExpr', 'AndOp', 'and');
  }

  notExpr(ctx: Ctx): Built {
    const op = tok(ctx, 'NotOp');
    if (!op) return this.sub(nodes(ctx, 'comparison')[0]);
    const operand = this.sub(nodes(ctx, 'notExpr')[0]);
    return { kind: 'not', operand: exprOf(operand), span: span(op.startOffset, endOf(operand)) };
  }

  comparison(ctx: Ctx): Built {
    const [leftNode, rightNode] = nodes(ctx, 'additive');
    const left = this.sub(leftNode);
    if (ctx['additive']!.length === 1 && ctx['StringLiteral'] === undefined && ctx['list'] === undefined && ctx['Is'] === undefined) return left;
    const subject = exprOf(left);
    const start = startOf(left);
    const op = tok(ctx, 'CompareOp');
    if (op || tok(ctx, 'Contains')) {
      const right = this.sub(rightNode);
      const s = span(start, endOf(right));
      if (op) return { kind: 'compare', op: op.image as CompareOp, left: subject, right: exprOf(right), span: s };
      return { kind: 'contains', subject, needle: exprOf(right), span: s };
    }
    const pattern = tok(ctx, 'StringLiteral');
    if (pattern) {
      const patternSpan = span(pattern.startOffset, tokenEnd(pattern));
      return { kind: 'matches', subject, pattern: unquoteString(pattern.image), patternSpan, span: span(start, patternSpan.end) };
    }
    const listNode = nodes(ctx, 'list')[0];
    if (listNode) {
      const { items, end } = this.visit(listNode) as { items: Expr[]; end: number };
      return { kind: 'in', subject, list: items, negated: tok(ctx, 'Not') !== undefined, span: span(start, end) };
    }
    const last = tok(ctx, 'Empty') ?? tok(ctx, 'Set');
    if (last) {
      const test = tok(ctx, 'Empty') ? 'empty' : 'set';
      return { kind: 'is', subject, test, negated: tok(ctx, 'Not') !== undefined, span: span(start, tokenEnd(last)) };
    }
    return left;
  }

  list(ctx: Ctx): { items: Expr[]; end: number } {
    const close = tok(ctx, 'RBracket');
    return { items: nodes(ctx, 'expression').map((n) => exprOf(this.sub(n))), end: close ? tokenEnd(close) : 0 };
  }

  additive(ctx: Ctx): Built {
    return this.fold(ctx, 'multiplicative', 'AdditiveOp', 'arith');
  }

  multiplicative(ctx: Ctx): Built {
    return this.fold(ctx, 'unary', 'MultiplicativeOp', 'arith');
  }

  unary(ctx: Ctx): Built {
    const minus = tok(ctx, 'Minus');
    if (!minus) return this.sub(nodes(ctx, 'primary')[0]);
    const operand = this.sub(nodes(ctx, 'unary')[0]);
    return { kind: 'neg', operand: exprOf(operand), span: span(minus.startOffset, endOf(operand)) };
  }

  primary(ctx: Ctx): Built {
    const open = tok(ctx, 'LParen');
    if (open) {
      const inner = this.sub(nodes(ctx, 'expression')[0]);
      const close = tok(ctx, 'RParen');
      return new Paren(exprOf(inner), open.startOffset, close ? tokenEnd(close) : endOf(inner));
    }
    const pathNode = nodes(ctx, 'path')[0];
    if (pathNode) return this.sub(pathNode);
    const token = (tok(ctx, 'StringLiteral') ?? tok(ctx, 'NumberLiteral') ?? tok(ctx, 'True') ?? tok(ctx, 'False') ?? tok(ctx, 'Null'))!;
    return { kind: 'literal', value: literalValue(token), span: span(token.startOffset, tokenEnd(token)) };
  }

  path(ctx: Ctx): Built {
    const ids = ctx['Identifier'] as IToken[];
    const first = ids[0]!;
    const last = ids[ids.length - 1]!;
    const path = ids.length === 1 ? [first.image] : ids.map((t) => t.image);
    return { kind: 'ref', path, span: span(first.startOffset, tokenEnd(last)) };
  }
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
  return exprOf(builder.visit(cst) as Built);
}
