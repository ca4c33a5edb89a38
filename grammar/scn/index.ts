// Public entry point of the .scn scenario language: parsing into statements, and the grammar for diagrams.

export { parseScn } from './parse.js';
export { ScnParser, scnParser } from './parser.js';
export { KEYWORDS as SCN_KEYWORDS, STATEMENT_WORDS } from './tokens.js';
export type {
  LimitKind,
  ScnComment,
  ScnIssue,
  ScnIssueCode,
  ScnParseResult,
  ScnStatement,
  ScnStatementKind,
  ScnStatementOf,
  ScnWord,
} from './syntax.js';
