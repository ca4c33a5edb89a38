import type { Expr } from '../../grammar/index.js';
import type { GrammarIssue } from '../../grammar/index.js';
import { mapRefs, parseExpression, parseTemplate, refToLiteral, templateRefs, type Template } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { Loc } from '../diagnostics/types.js';
import type { SourceString } from '../scenario/ast.js';
import { BUILTIN_USER_FIELDS } from './model.js';

/** Where a span of a decoded string stands in the file. */
export function spanLoc(src: SourceString, span: { start: number; end: number }): Loc {
  const offset = src.at(span.start);
  return { offset, length: Math.max(src.at(span.end) - offset, 1) };
}

function reportIssues(reporter: Reporter, src: SourceString, issues: readonly GrammarIssue[]): void {
  for (const issue of issues) reporter.report(issue.code, spanLoc(src, issue.span), { detail: issue.message });
}

/**
 * Parses a condition or `set` expression. A bare word that names no variable becomes a string literal
 * (the spec writes `choice == more_info`), with a warning that suggests quotes.
 */
export function parseExpr(reporter: Reporter, src: SourceString, variables: ReadonlySet<string>): Expr | undefined {
  const { expr, issues } = parseExpression(src.value);
  reportIssues(reporter, src, issues);
  if (!expr) return undefined;
  return mapRefs(expr, (ref) => {
    const [head, ...rest] = ref.path;
    if (head === undefined || variables.has(head)) return ref;
    if (head === 'user') {
      const field = rest[0];
      if (rest.length !== 1 || field === undefined || !(field in BUILTIN_USER_FIELDS)) {
        reporter.report('UNKNOWN_USER_FIELD', spanLoc(src, ref.span), { field: rest.join('.'), allowed: Object.keys(BUILTIN_USER_FIELDS).join(', ') });
      }
      return ref;
    }
    if (rest.length > 0) return ref;
    reporter.report('BARE_WORD', spanLoc(src, ref.span), { word: head });
    return refToLiteral(ref);
  });
}

export function parseMessage(reporter: Reporter, src: SourceString): Template | undefined {
  const { template, issues } = parseTemplate(src.value);
  reportIssues(reporter, src, issues);
  if (!template) return undefined;
  for (const ref of templateRefs(template)) {
    const [head, ...rest] = ref.path;
    if (head !== 'user') continue;
    const field = rest[0];
    if (rest.length !== 1 || field === undefined || !(field in BUILTIN_USER_FIELDS)) {
      reporter.report('UNKNOWN_USER_FIELD', spanLoc(src, ref.span), { field: rest.join('.'), allowed: Object.keys(BUILTIN_USER_FIELDS).join(', ') });
    }
  }
  return template;
}
