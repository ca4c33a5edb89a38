import type { IRecognitionException, IToken, TokenType } from 'chevrotain';
import { tokenMatcher } from '../chevrotain.js';
import { grammarIssue, quoteForMessage, type GrammarIssue } from '../issues.js';
import * as T from './lexer.js';
import { expectedAfter } from './parser.js';

// Turns Chevrotain's first parse error into a short message with an exact offset.

const VALUE_STARTS: readonly TokenType[] = [T.Identifier, T.StringLiteral, T.NumberLiteral, T.LParen];
const VALUE_TEXT = 'a value such as a variable, "text" or a number';

function describeExpected(expected: ReadonlySet<TokenType>): string {
  if (expected.size === 1 && expected.has(T.StringLiteral)) return 'a quoted pattern such as "^[0-9]+$"';
  if (VALUE_STARTS.some((t) => expected.has(t))) return VALUE_TEXT;
  if (expected.has(T.Empty) || expected.has(T.SetKw)) return '"empty", "set", "not empty" or "not set"';
  if (expected.size === 1 && expected.has(T.In)) return '"in" followed by a list such as ["a", "b"]';
  if (expected.size === 1 && expected.has(T.LBracket)) return 'a list such as ["a", "b"]';
  const parts: string[] = [];
  if (expected.has(T.RParen)) parts.push('")"');
  if (expected.has(T.RBracket)) parts.push('"," or "]"');
  if (expected.has(T.CompareOp)) parts.push('an operator such as ==, and, or');
  else if (expected.has(T.AndOp) || expected.has(T.AdditiveOp)) parts.push('an operator such as and, or, +');
  return parts.length > 0 ? parts.join(' or ') : 'the end of the expression';
}

export function syntaxIssue(source: string, tokens: IToken[], error: IRecognitionException): GrammarIssue {
  const token = error.token;
  const index = tokens.indexOf(token);
  const atEnd = index < 0;
  const expected = expectedAfter(atEnd ? tokens : tokens.slice(0, index));
  const what = describeExpected(expected);
  if (atEnd) {
    const offset = source.length;
    const last = tokens[tokens.length - 1];
    const after = last ? ` after ${quoteForMessage(last.image)}` : '';
    const message = tokens.length === 0 ? `Empty expression; write ${what}.` : `Expression ends too early${after}; expected ${what}.`;
    return grammarIssue('EXPR_SYNTAX', message, offset, offset);
  }
  const start = token.startOffset;
  const end = T.tokenEnd(token);
  const found = `Unexpected ${quoteForMessage(token.image)} at column ${start + 1}`;
  if (tokenMatcher(token, T.CompareOp) && !expected.has(T.CompareOp) && expected.has(T.AndOp)) {
    return grammarIssue('EXPR_SYNTAX', `${found}; comparisons cannot be chained, join them with "and".`, start, end);
  }
  if (T.KEYWORDS.includes(token.tokenType) && what === VALUE_TEXT) {
    const word = token.image;
    return grammarIssue('EXPR_SYNTAX', `${found}; ${word} is a reserved word, quote it ("${word}") to mean the text.`, start, end);
  }
  if (tokenMatcher(token, T.Pipe)) {
    return grammarIssue('EXPR_SYNTAX', `${found}; use "or" (or "||").`, start, end);
  }
  return grammarIssue('EXPR_SYNTAX', `${found}; expected ${what}.`, start, end);
}
