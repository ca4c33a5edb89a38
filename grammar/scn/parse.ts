import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import { quoteForMessage } from '../issues.js';
import { stringProblem } from './strings.js';
import { scnParser } from './parser.js';
import { toStatement } from './statements.js';
import type { ScnComment, ScnIssue, ScnParseResult, ScnStatement } from './syntax.js';
import { BadString, LineEnd, ModeLineEnd, scnLexer } from './tokens.js';

const end = (t: IToken): number => t.startOffset + t.image.length;

/** Index of the line (0-based) that holds `offset`, given each line's start. */
function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function lexIssue(e: ILexingError, text: string): ScnIssue {
  const ch = String.fromCodePoint(text.codePointAt(e.offset) ?? 0xfffd);
  return {
    code: 'SCN_SYNTAX',
    message: `Unexpected character ${quoteForMessage(ch)}. Names are letters, digits, "_" and "-"; put anything else in quotes.`,
    start: e.offset,
    end: e.offset + Math.max(1, e.length),
  };
}

function parseIssue(e: IRecognitionException, line: readonly IToken[], lineEnd: number): ScnIssue {
  const t = e.token;
  if (Number.isNaN(t.startOffset) || t.image === '') {
    // The line ended early: point just after its last token.
    const at = line.length > 0 ? end(line[line.length - 1]!) : lineEnd;
    return { code: 'SCN_SYNTAX', message: e.message, start: at, end: at };
  }
  return { code: 'SCN_SYNTAX', message: e.message, start: t.startOffset, end: end(t) };
}

/**
 * Parses a .scn file. Never throws on any input: every problem is an issue, at most one per line, and every line
 * that parsed (even in part) is a statement.
 */
export function parseScn(text: string): ScnParseResult {
  const lexed = scnLexer().tokenize(text);
  const tokens = lexed.tokens;
  const starts = [0];
  const lineTokens: IToken[][] = [];
  let current: IToken[] = [];
  for (const t of tokens) {
    if (t.tokenType === LineEnd || t.tokenType === ModeLineEnd) {
      lineTokens.push(current);
      current = [];
      starts.push(end(t));
    } else current.push(t);
  }
  lineTokens.push(current);

  const lineIssues: (ScnIssue | undefined)[] = new Array(starts.length);
  const keep = (issue: ScnIssue): void => {
    const i = lineOf(starts, issue.start);
    const had = lineIssues[i];
    if (!had || issue.start < had.start) lineIssues[i] = issue;
  };
  for (const e of lexed.errors) keep(lexIssue(e, text));

  const parser = scnParser();
  const statements: ScnStatement[] = [];
  for (let i = 0; i < lineTokens.length; i++) {
    const line = lineTokens[i]!;
    if (line.length === 0) continue;
    for (const t of line) {
      if (t.tokenType !== BadString) continue;
      const problem = stringProblem(t.image);
      if (problem) keep({ code: 'SCN_STRING', message: problem.message, start: t.startOffset + problem.at, end: end(t) });
    }
    parser.input = line;
    const cst = parser.statement();
    const lineEnd = i + 1 < starts.length ? starts[i + 1]! : text.length;
    for (const e of parser.errors) keep(parseIssue(e, line, lineEnd));
    const first = line[0]!;
    const statement = toStatement(cst, {
      line: i + 1,
      indent: first.startOffset - starts[i]!,
      broken: lineIssues[i] !== undefined,
      end: end(line[line.length - 1]!),
    });
    if (statement) statements.push(statement);
    else {
      const keyword = { value: first.image, start: first.startOffset, end: end(first), quoted: false };
      const pos = { line: i + 1, indent: first.startOffset - starts[i]!, broken: true };
      statements.push({ kind: 'unknown', keyword, start: keyword.start, end: keyword.end, ...pos });
    }
  }

  const comments: ScnComment[] = (lexed.groups['comments'] ?? []).map((c) => {
    const i = lineOf(starts, c.startOffset);
    const first = lineTokens[i]?.[0];
    return { text: c.image.trimEnd(), start: c.startOffset, line: i + 1, own: !first || first.startOffset > c.startOffset };
  });
  const issues = lineIssues.filter((x): x is ScnIssue => x !== undefined);
  return { statements, comments, issues };
}
