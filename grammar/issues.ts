import type { Span } from './expression/ast.js';

/** Every problem the grammar layer can report. The compiler maps these to its own diagnostics. */
export const GRAMMAR_ISSUE_CODES = [
  'EXPR_SYNTAX',
  'EXPR_TOO_LONG',
  'EXPR_TOO_DEEP',
  'EXPR_TOO_LARGE',
  'REGEX_INVALID',
  'REGEX_TOO_LARGE',
  'TEMPLATE_SYNTAX',
  'UNKNOWN_FILTER',
  'FILTER_ARGS',
] as const;

export type GrammarIssueCode = (typeof GRAMMAR_ISSUE_CODES)[number];

/** `span` is relative to the string that was parsed (expression, template or regex pattern). */
export interface GrammarIssue {
  code: GrammarIssueCode;
  message: string;
  span: Span;
}

export function grammarIssue(code: GrammarIssueCode, message: string, start: number, end: number = start): GrammarIssue {
  return { code, message, span: { start, end } };
}

/** Shifts an issue found in a substring so its span is relative to the enclosing string. */
export function shiftIssue(issue: GrammarIssue, by: number): GrammarIssue {
  return { ...issue, span: { start: issue.span.start + by, end: issue.span.end + by } };
}

/** Quotes a user value for a message, shortened so messages stay short. */
export function quoteForMessage(text: string, max = 40): string {
  const shown = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  // Only control characters are escaped: regex backslashes should read as the user typed them.
  return `"${shown.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))}"`;
}
