import type { IToken, TokenType } from 'chevrotain';
import { createToken, Lexer } from '../chevrotain.js';
import { grammarIssue, quoteForMessage, type GrammarIssue } from '../issues.js';
import { lexPlain } from './fast-lexer.js';

// Shared by expressions and the inside of template `{{ }}` (Pipe and Colon are template-only).

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\]|\\[\s\S])*"|'(?:[^'\\]|\\[\s\S])*'/,
});
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /\d+(?:\.\d+)?/ });

// Categories keep the parser rules and the visitor small.
export const CompareOp = createToken({ name: 'CompareOp', pattern: Lexer.NA });
export const AdditiveOp = createToken({ name: 'AdditiveOp', pattern: Lexer.NA });
export const MultiplicativeOp = createToken({ name: 'MultiplicativeOp', pattern: Lexer.NA });
export const OrOp = createToken({ name: 'OrOp', pattern: Lexer.NA });
export const AndOp = createToken({ name: 'AndOp', pattern: Lexer.NA });
export const NotOp = createToken({ name: 'NotOp', pattern: Lexer.NA });

/** Keywords are case-insensitive and reserved: `longer_alt` lets `index` or `order_id` stay identifiers. */
function keyword(name: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: new RegExp(name.toLowerCase(), 'i'), longer_alt: Identifier, categories });
}

export const Or = keyword('Or', [OrOp]);
export const And = keyword('And', [AndOp]);
export const Not = keyword('Not', [NotOp]);
export const Contains = keyword('Contains');
export const Matches = keyword('Matches');
export const In = keyword('In');
export const Is = keyword('Is');
export const Empty = keyword('Empty');
export const SetKw = keyword('Set');
export const True = keyword('True');
export const False = keyword('False');
export const Null = keyword('Null');

export const OrOr = createToken({ name: 'OrOr', pattern: '||', categories: [OrOp] });
export const AndAnd = createToken({ name: 'AndAnd', pattern: '&&', categories: [AndOp] });
export const Pipe = createToken({ name: 'Pipe', pattern: '|' });
export const Colon = createToken({ name: 'Colon', pattern: ':' });
export const EqEq = createToken({ name: 'EqEq', pattern: '==', categories: [CompareOp] });
export const NotEq = createToken({ name: 'NotEq', pattern: '!=', categories: [CompareOp] });
export const Bang = createToken({ name: 'Bang', pattern: '!', categories: [NotOp] });
export const LessEq = createToken({ name: 'LessEq', pattern: '<=', categories: [CompareOp] });
export const GreaterEq = createToken({ name: 'GreaterEq', pattern: '>=', categories: [CompareOp] });
export const Less = createToken({ name: 'Less', pattern: '<', categories: [CompareOp] });
export const Greater = createToken({ name: 'Greater', pattern: '>', categories: [CompareOp] });
export const Plus = createToken({ name: 'Plus', pattern: '+', categories: [AdditiveOp] });
export const Minus = createToken({ name: 'Minus', pattern: '-', categories: [AdditiveOp] });
export const Star = createToken({ name: 'Star', pattern: '*', categories: [MultiplicativeOp] });
export const Slash = createToken({ name: 'Slash', pattern: '/', categories: [MultiplicativeOp] });
export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });
export const LBracket = createToken({ name: 'LBracket', pattern: '[' });
export const RBracket = createToken({ name: 'RBracket', pattern: ']' });
export const Comma = createToken({ name: 'Comma', pattern: ',' });
export const Dot = createToken({ name: 'Dot', pattern: '.' });

export const KEYWORDS: readonly TokenType[] = [Or, And, Not, Contains, Matches, In, Is, Empty, SetKw, True, False, Null];

/** Order matters: keywords before Identifier, two-character operators before their prefixes. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  StringLiteral,
  NumberLiteral,
  ...KEYWORDS,
  Identifier,
  OrOr, AndAnd, Pipe, Colon, EqEq, NotEq, Bang, LessEq, GreaterEq, Less, Greater,
  Plus, Minus, Star, Slash, LParen, RParen, LBracket, RBracket, Comma, Dot,
  CompareOp, AdditiveOp, MultiplicativeOp, OrOp, AndOp, NotOp,
];

const lexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });

export interface LexResult {
  tokens: IToken[];
  /** First lexing problem only, as an EXPR_SYNTAX issue. */
  issue?: GrammarIssue;
}

/** `base` is where `source` starts in the enclosing text (templates); tokens keep local offsets. */
export function tokenize(source: string, base = 0): LexResult {
  const plain = lexPlain(source);
  if (plain) return { tokens: plain };
  return tokenizeWithChevrotain(source, base);
}

/** Chevrotain's lexing, which also finds and places errors (`tokenize` takes it for all but plain text). */
export function tokenizeWithChevrotain(source: string, base = 0): LexResult {
  const result = lexer.tokenize(source);
  const first = result.errors[0];
  if (!first) return { tokens: result.tokens };
  const issue = lexIssue(source, first.offset, base);
  return { tokens: result.tokens, issue: { ...issue, span: { start: issue.span.start + base, end: issue.span.end + base } } };
}

const REVERSED: Readonly<Record<string, string>> = { '>': '>=', '<': '<=', '!': '!=' };

function lexIssue(source: string, offset: number, base: number): GrammarIssue {
  const ch = source.charAt(offset);
  const col = base + offset + 1;
  let message: string;
  if (ch === '"' || ch === "'") {
    message = `Unclosed string starting at column ${col}; add the closing ${ch}.`;
    return grammarIssue('EXPR_SYNTAX', message, offset, source.length);
  }
  if (ch === '=') {
    // `=>` and `=<` are reversed orderings, `=!` a reversed "!=": name the operator that was meant.
    const meant = REVERSED[source.charAt(offset + 1)];
    if (meant) return grammarIssue('EXPR_SYNTAX', `Unexpected "=${source.charAt(offset + 1)}" at column ${col}; use "${meant}".`, offset, offset + 2);
    message = `Unexpected "=" at column ${col}; use "==" to compare.`;
  } else if (ch === '&') message = `Unexpected "&" at column ${col}; use "and" (or "&&").`;
  else message = `Unexpected character ${quoteForMessage(ch)} at column ${col}; remove it or put the text in quotes.`;
  return grammarIssue('EXPR_SYNTAX', message, offset, offset + Math.max(ch.length, 1));
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', n: '\n', t: '\t', r: '\r' };

/**
 * Decodes a quoted string token. Unknown escapes such as `\d` keep their backslash so regex
 * patterns read naturally (`matches "^\d+$"`); a `\u` not followed by 4 hex digits is kept as is.
 */
export function unquoteString(image: string): string {
  const body = image.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\' || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const next = body[i + 1]!;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
    } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      out += ch;
    }
  }
  return out;
}

/** End offset (exclusive) of a token. */
export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}
