import type { IToken } from 'chevrotain';
import { tokenMatcher } from '../chevrotain.js';
import { grammarIssue, quoteForMessage, type GrammarIssue } from '../issues.js';
import { checkRegex } from '../regex.js';
import type { ArithOp, CompareOp, Expr, ExprOf } from './ast.js';
import { syntaxIssue } from './errors.js';
import * as T from './lexer.js';
import { parseTokens } from './parser.js';
import { buildAst, literalValue } from './visitor.js';

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
  return parseWith(source, options, true);
}

/**
 * `parseExpression` without the shape cache: always runs the parser and the CST visitor. Same results;
 * for tests and for comparing costs.
 */
export function parseExpressionUncached(source: string, options: ParseExpressionOptions = {}): ParseExpressionResult {
  return parseWith(source, options, false);
}

function parseWith(source: string, options: ParseExpressionOptions, useCache: boolean): ParseExpressionResult {
  if (typeof source !== 'string') {
    return { issues: [grammarIssue('EXPR_SYNTAX', 'Expression must be text; write a condition such as age >= 18.', 0)] };
  }
  try {
    return parse(source, hasOwnKeys(options) ? { ...EXPRESSION_LIMITS, ...definedOnly(options) } : EXPRESSION_LIMITS, useCache);
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

function parse(source: string, limits: Required<ParseExpressionOptions>, useCache: boolean): ParseExpressionResult {
  // Length first, so huge inputs are never even lexed.
  if (source.length > limits.maxLength) {
    const message = `Expression is ${source.length} characters long; the limit is ${limits.maxLength}. Split it into simpler conditions.`;
    return { issues: [grammarIssue('EXPR_TOO_LONG', message, limits.maxLength, source.length)] };
  }
  const { tokens, issue } = T.tokenize(source);
  if (issue) return { issues: [issue] };
  const early = tooDeep(tokens, limits.maxDepth) ?? badNumber(tokens);
  if (early) return { issues: [early] };
  const key = useCache ? shapeKey(tokens) : undefined;
  if (key !== undefined) {
    const shape = shapes.get(key);
    // A shape only ever parsed cleanly; if this call's node limit is lower, take the ordinary path for its issue.
    if (shape && shape.nodes <= limits.maxNodes) return { expr: instantiate(shape.template, tokens), issues: [] };
  }
  const { cst, error } = parseTokens(tokens);
  if (!cst || error) return { issues: error ? [syntaxIssue(source, tokens, error)] : [] };
  const expr = buildAst(cst);
  const matches: ExprOf<'matches'>[] = [];
  const nodes = countNodes(expr, matches);
  if (nodes > limits.maxNodes) {
    const message = `Expression has ${nodes} parts; the limit is ${limits.maxNodes}. Split it into simpler conditions.`;
    return { issues: [grammarIssue('EXPR_TOO_LARGE', message, 0, source.length)] };
  }
  if (matches.length !== 0) return { expr, issues: regexIssues(matches) };
  if (key !== undefined) {
    const template = toTemplate(expr, tokens);
    if (template) {
      if (shapes.size >= SHAPE_CACHE_SIZE) shapes.clear();
      shapes.set(key, { template, nodes });
      // Serve the miss from the template too, so a template that disagreed with the visitor could not hide.
      return { expr: instantiate(template, tokens), issues: [] };
    }
  }
  return { expr, issues: [] };
}

// ---------------------------------------------------------------------------------------------------------
// Shape cache. The parser only looks at token types, so every token sequence with the same types yields the
// same tree; only the spans (token offsets) and the values of identifiers and literals differ. A clean parse
// is stored as a template whose spans and values are token indices, and later expressions of the same shape
// are built from their own tokens without running the parser or the CST visitor.
// Not cached: anything with issues, anything containing `matches` (its pattern is checked per expression),
// and very long token sequences (rarely repeated; keeps keys and templates small).

const SHAPE_CACHE_SIZE = 2000;
const MAX_CACHED_TOKENS = 256;

interface Shape {
  template: Template;
  /** AST node count, for the maxNodes limit of later calls. */
  nodes: number;
}

const shapes = new Map<string, Shape>();

/** Token types as one character each (tokenTypeIdx is small); undefined when the expression is not cacheable. */
function shapeKey(tokens: IToken[]): string | undefined {
  if (tokens.length > MAX_CACHED_TOKENS) return undefined;
  let key = '';
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === T.Matches) return undefined;
    key += String.fromCharCode(type.tokenTypeIdx!);
  }
  return key;
}

/** Spans as token indices: `start` is the start of token `s`, `end` the end of token `e`. */
type Template =
  | { readonly kind: 'literal'; readonly t: number }
  | { readonly kind: 'ref'; readonly s: number; readonly e: number }
  | { readonly kind: 'not' | 'neg'; readonly operand: Template; readonly s: number; readonly e: number }
  | { readonly kind: 'and' | 'or'; readonly left: Template; readonly right: Template; readonly s: number; readonly e: number }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Template; readonly right: Template; readonly s: number; readonly e: number }
  | { readonly kind: 'arith'; readonly op: ArithOp; readonly left: Template; readonly right: Template; readonly s: number; readonly e: number }
  | { readonly kind: 'contains'; readonly subject: Template; readonly needle: Template; readonly s: number; readonly e: number }
  | { readonly kind: 'in'; readonly subject: Template; readonly list: readonly Template[]; readonly negated: boolean; readonly s: number; readonly e: number }
  | { readonly kind: 'is'; readonly subject: Template; readonly test: 'empty' | 'set'; readonly negated: boolean; readonly s: number; readonly e: number };

/** Template of `expr`, or undefined if some part of it does not line up with the tokens (then: no caching). */
function toTemplate(expr: Expr, tokens: IToken[]): Template | undefined {
  const starts = new Map<number, number>();
  const ends = new Map<number, number>();
  for (let i = 0; i < tokens.length; i++) {
    starts.set(tokens[i]!.startOffset, i);
    ends.set(T.tokenEnd(tokens[i]!), i);
  }
  class Mismatch extends Error {}
  const index = (map: Map<number, number>, offset: number): number => {
    const i = map.get(offset);
    if (i === undefined) throw new Mismatch();
    return i;
  };
  const walk = (e: Expr): Template => {
    const s = index(starts, e.span.start);
    const end = index(ends, e.span.end);
    switch (e.kind) {
      case 'literal':
        if (s !== end) throw new Mismatch();
        return { kind: 'literal', t: s };
      case 'ref':
        if (end - s !== 2 * (e.path.length - 1)) throw new Mismatch();
        return { kind: 'ref', s, e: end };
      case 'not':
      case 'neg':
        return { kind: e.kind, operand: walk(e.operand), s, e: end };
      case 'and':
      case 'or':
        return { kind: e.kind, left: walk(e.left), right: walk(e.right), s, e: end };
      case 'compare':
        return { kind: 'compare', op: e.op, left: walk(e.left), right: walk(e.right), s, e: end };
      case 'arith':
        return { kind: 'arith', op: e.op, left: walk(e.left), right: walk(e.right), s, e: end };
      case 'contains':
        return { kind: 'contains', subject: walk(e.subject), needle: walk(e.needle), s, e: end };
      case 'in':
        return { kind: 'in', subject: walk(e.subject), list: e.list.map(walk), negated: e.negated, s, e: end };
      case 'is':
        return { kind: 'is', subject: walk(e.subject), test: e.test, negated: e.negated, s, e: end };
      case 'matches':
        throw new Mismatch();
    }
  };
  try {
    return walk(expr);
  } catch (error) {
    if (error instanceof Mismatch) return undefined;
    throw error;
  }
}

/** Builds the AST of `template` from `tokens`, with the same keys in the same order as the CST visitor. */
function instantiate(template: Template, tokens: IToken[]): Expr {
  const at = (t: Template & { s: number; e: number }) => ({ start: tokens[t.s]!.startOffset, end: T.tokenEnd(tokens[t.e]!) });
  switch (template.kind) {
    case 'literal': {
      const token = tokens[template.t]!;
      return { kind: 'literal', value: literalValue(token), span: { start: token.startOffset, end: T.tokenEnd(token) } };
    }
    case 'ref': {
      const path: string[] = [];
      for (let i = template.s; i <= template.e; i += 2) path.push(tokens[i]!.image);
      return { kind: 'ref', path, span: at(template) };
    }
    case 'not':
    case 'neg':
      return { kind: template.kind, operand: instantiate(template.operand, tokens), span: at(template) };
    case 'and':
    case 'or':
      return { kind: template.kind, left: instantiate(template.left, tokens), right: instantiate(template.right, tokens), span: at(template) };
    case 'compare':
    case 'arith':
      return {
        kind: template.kind,
        op: template.op,
        left: instantiate(template.left, tokens),
        right: instantiate(template.right, tokens),
        span: at(template),
      } as Expr;
    case 'contains':
      return { kind: 'contains', subject: instantiate(template.subject, tokens), needle: instantiate(template.needle, tokens), span: at(template) };
    case 'in':
      return {
        kind: 'in',
        subject: instantiate(template.subject, tokens),
        list: template.list.map((item) => instantiate(item, tokens)),
        negated: template.negated,
        span: at(template),
      };
    case 'is':
      return { kind: 'is', subject: instantiate(template.subject, tokens), test: template.test, negated: template.negated, span: at(template) };
  }
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
