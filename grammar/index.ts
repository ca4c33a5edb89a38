// Public entry point of grammar/: conditions, message templates, regular expressions and their issues.

export type {
  ArithOp,
  CompareOp,
  Expr,
  ExprKind,
  ExprOf,
  Literal,
  LiteralExpr,
  RefExpr,
  Span,
} from './expression/ast.js';
export { EXPRESSION_LIMITS, parseExpression } from './expression/parse.js';
export type { ParseExpressionOptions, ParseExpressionResult } from './expression/parse.js';
export { evaluate, looseEquals, MATCH_SUBJECT_LIMIT, truthy } from './expression/evaluate.js';
export type { Value } from './expression/evaluate.js';
export { childrenOf, collectRefs, countNodes, mapChildren, mapRefs, refToLiteral } from './expression/refs.js';
export type { ExprRef } from './expression/refs.js';
export { printExpression, printLiteral, printNumber, quoteString } from './expression/print.js';

export type { Template, TemplateFilter, TemplatePart, TemplateValuePart } from './template/ast.js';
export { parseTemplate } from './template/parse.js';
export type { ParseTemplateResult } from './template/parse.js';
export { printTemplate, renderTemplate, templateRefs } from './template/render.js';
export type { TemplateRef } from './template/render.js';
export { FILTERS, KNOWN_FILTERS, toText } from './template/filters.js';
export type { FilterDef } from './template/filters.js';

export { checkRegex, compileRegex, MAX_PATTERN_LENGTH, MAX_PATTERN_SIZE, MAX_REPEAT_COUNT } from './regex.js';
export type { CompiledRegex } from './regex.js';

export { GRAMMAR_ISSUE_CODES, grammarIssue, shiftIssue } from './issues.js';
export type { GrammarIssue, GrammarIssueCode } from './issues.js';

export { parseScn, ScnParser, scnParser, SCN_KEYWORDS, STATEMENT_WORDS } from './scn/index.js';
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
} from './scn/index.js';
export { closest } from './suggest.js';

export { DURATION_UNIT_MS, formatDuration, MAX_DURATION_MS, MIN_DURATION_MS, parseDuration } from './duration.js';
export type { DurationResult, DurationUnit } from './duration.js';
