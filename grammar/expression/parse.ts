import { tokenMatcher, type IToken } from 'chevrotain';
import { grammarIssue, quoteForMessage, type GrammarIssue } from '../issues.js';
import { checkRegex } from '../regex.js';
import type { Expr, ExprOf } from './ast.js';
import { syntaxIssue } from './errors.js';
import * as T from './lexer.js';
import { parseTokens } from './parser.js';
import { buildAst } from './visitor.js';

export interface ParseExpressionOptions {
  /** Maximum source length in characters (default 1000). */
  maxLength?: number;
  /** Maximum nesting of parentheses, lists and prefix operators (default 32). */
  maxDepth?: number;
  /** Maximum number of AST nodes (default 256). */
  maxNodes?: number;
}

export const EXPRESSION_LIMITS = { maxLength: 1000, maxDepth: 32, maxNodes: 256 } as const;

/**
 * `expr` is present whenever the text parses. Issues may accompany an `expr` (an invalid or unsafe
 * `matches` pattern); syntax errors and exceeded limits leave `expr` undefined.
 */
export interface ParseExpressionResult {
  expr?: Expr;
  issues: GrammarIssue[];
}

export function parseExpression(source: string, options: ParseExpressionOptions = {}): ParseExpressionResult {
  if (typeof source !== 'string') {
    return { issues: [grammarIssue('EXPR_SYNTAX', 'Expression must be text; write a condition such as age >= 18.', 0)] };
  }
  try {
    return parse(source, hasOwnKeys(options) ? { ...EXPRESSION_LIMITS, ...definedOnly(options) } : EXPRESSION_LIMITS);
  } catch {
    // Safety net only: tests assert this message never shows up.
    return { issues: [grammarIssue('EXPR_SYNTAX', 'Internal error while parsing this expression; please report it.', 0, source.length)] };
  }
}

function hasOwnKeys(options: ParseExpressionOptions): boolean {
  for (const key in options) if (Object.hasOwn(options, key)) return true;
  return false;
}

function definedOnly(options: ParseExpressionOptions): ParseExpressionOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v === 'number' && !Number.isNaN(v)));
}

function parse(source: string, limits: Required<ParseExpressionOptions>): ParseExpressionResult {
  // Length first, so huge inputs are never even lexed.
  if (source.length > limits.maxLength) {
    const message = `Expression is ${source.length} characters long; the limit is ${limits.maxLength}. Split it into simpler conditions.`;
    return { issues: [grammarIssue('EXPR_TOO_LONG', message, limits.maxLength, source.length)] };
  }
  const { tokens, issue } = T.tokenize(source);
  if (issue) return { issues: [issue] };
  const early = tooDeep(tokens, limits.maxDepth) ?? badNumber(tokens);
  if (early) return { issues: [early] };
  const { cst, error } = parseTokens(tokens);
  if (!cst || error) return { issues: error ? [syntaxIssue(source, tokens, error)] : [] };
  const expr = buildAst(cst);
  const matches: ExprOf<'matches'>[] = [];
  const nodes = countNodes(expr, matches);
  if (nodes > limits.maxNodes) {
    const message = `Expression has ${nodes} parts; the limit is ${limits.maxNodes}. Split it into simpler conditions.`;
    return { issues: [grammarIssue('EXPR_TOO_LARGE', message, 0, source.length)] };
  }
  return { expr, issues: matches.length === 0 ? [] : regexIssues(matches) };
}

const VALUE_END = [T.Identifier, T.StringLiteral, T.NumberLiteral, T.True, T.False, T.Null, T.Empty, T.SetKw, T.RParen, T.RBracket];

/**
 * Estimates nesting from the token stream before parsing, so deep input cannot overflow the
 * parser's stack: each open bracket adds one, and so does each prefix operator still waiting for its value.
 */
function tooDeep(tokens: IToken[], maxDepth: number): GrammarIssue | undefined {
  const runs: number[] = [0];
  let depth = 0;
  let afterValue = false;
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === T.LParen || type === T.LBracket) {
      runs.push(0);
      depth++;
    } else if ((type === T.RParen || type === T.RBracket) && runs.length > 1) {
      depth -= 1 + runs.pop()!;
    } else if (tokenMatcher(token, T.NotOp) || (type === T.Minus && !afterValue)) {
      runs[runs.length - 1]!++;
      depth++;
    }
    afterValue = VALUE_END.includes(type);
    if (afterValue) {
      depth -= runs[runs.length - 1]!;
      runs[runs.length - 1] = 0;
    }
    if (depth > maxDepth) {
      const message = `Expression nests more than ${maxDepth} levels deep at column ${token.startOffset + 1}; split it into simpler conditions.`;
      return grammarIssue('EXPR_TOO_DEEP', message, token.startOffset, T.tokenEnd(token));
    }
  }
  return undefined;
}

function badNumber(tokens: IToken[]): GrammarIssue | undefined {
  const token = tokens.find((t) => t.tokenType === T.NumberLiteral && !Number.isFinite(Number(t.image)));
  if (!token) return undefined;
  const message = `Number ${quoteForMessage(token.image, 20)} at column ${token.startOffset + 1} is too large; use a smaller number.`;
  return grammarIssue('EXPR_SYNTAX', message, token.startOffset, T.tokenEnd(token));
}

/** Counts the nodes of `expr` without recursion, collecting its `matches` nodes on the way. */
function countNodes(expr: Expr, matches: ExprOf<'matches'>[]): number {
  let count = 0;
  const stack: Expr[] = [expr];
  for (let e = stack.pop(); e; e = stack.pop()) {
    count++;
    switch (e.kind) {
      case 'literal':
      case 'ref':
        break;
      case 'not':
      case 'neg':
        stack.push(e.operand);
        break;
      case 'and':
      case 'or':
      case 'compare':
      case 'arith':
        stack.push(e.left, e.right);
        break;
      case 'contains':
        stack.push(e.subject, e.needle);
        break;
      case 'matches':
        matches.push(e);
        stack.push(e.subject);
        break;
      case 'is':
        stack.push(e.subject);
        break;
      case 'in':
        stack.push(e.subject);
        for (const item of e.list) stack.push(item);
        break;
    }
  }
  return count;
}

function regexIssues(matches: readonly ExprOf<'matches'>[]): GrammarIssue[] {
  const issues: GrammarIssue[] = [];
  for (const e of matches) {
    const found = checkRegex(e.pattern);
    if (found) issues.push({ ...found, span: e.patternSpan });
  }
  return issues.sort((a, b) => a.span.start - b.span.start);
}
