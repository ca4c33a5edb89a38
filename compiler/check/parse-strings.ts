import type { Expr } from '../../grammar/index.js';
import type { GrammarIssue } from '../../grammar/index.js';
import { mapChildren, parseExpression, parseTemplate, refToLiteral, templateRefs, type Template } from '../../grammar/index.js';
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
 * Parses the expressions and templates of one scenario. Parsing is a pure function of the text and scenarios
 * repeat texts, so results are shared within the scenario (diagnostics are still reported at every place).
 */
export class StringParser {
  private readonly expressions = new Map<string, ReturnType<typeof parseExpression>>();
  private readonly templates = new Map<string, ReturnType<typeof parseTemplate>>();

  constructor(
    private readonly reporter: Reporter,
    private readonly variables: ReadonlySet<string>,
    private readonly options: { readonly quietUnknownNames?: boolean } = {},
  ) {}

  expr(src: SourceString): Expr | undefined {
    let parsed = this.expressions.get(src.value);
    if (!parsed) this.expressions.set(src.value, (parsed = parseExpression(src.value)));
    return parseExpr(this.reporter, src, this.variables, parsed, this.options.quietUnknownNames === true);
  }

  message(src: SourceString): Template | undefined {
    let parsed = this.templates.get(src.value);
    if (!parsed) this.templates.set(src.value, (parsed = parseTemplate(src.value)));
    return parseMessage(this.reporter, src, parsed);
  }
}

/**
 * Resolves a parsed condition or `set` expression. A bare word that names no variable becomes a string literal
 * (the spec writes `choice == more_info`), with a warning that suggests quotes.
 */
function parseExpr(reporter: Reporter, src: SourceString, variables: ReadonlySet<string>, parsed: ReturnType<typeof parseExpression>, quiet: boolean): Expr | undefined {
  const { expr, issues } = parsed;
  reportIssues(reporter, src, issues);
  if (!expr) return undefined;
  return resolveRefs(expr, (ref) => {
    const [head, ...rest] = ref.path;
    if (head === undefined || variables.has(head)) return ref;
    if (head === 'user') {
      const field = rest[0];
      if (rest.length !== 1 || field === undefined || !Object.hasOwn(BUILTIN_USER_FIELDS, field)) {
        reporter.report('UNKNOWN_USER_FIELD', spanLoc(src, ref.span), { field: rest.join('.'), allowed: Object.keys(BUILTIN_USER_FIELDS).join(', ') });
      }
      return ref;
    }
    if (rest.length > 0) return ref;
    if (!quiet) reporter.report('BARE_WORD', spanLoc(src, ref.span), { word: head });
    return refToLiteral(ref);
  });
}

/**
 * `mapRefs` that keeps every node no ref under it changed: a parsed tree is shared by the places that repeat
 * its text, and a copy of each would stay alive as long as the scenario does.
 */
function resolveRefs(e: Expr, fn: (ref: Extract<Expr, { kind: 'ref' }>) => Expr): Expr {
  if (e.kind === 'ref') return fn(e);
  let changed = false;
  const out = mapChildren(e, (child) => {
    const mapped = resolveRefs(child, fn);
    if (mapped !== child) changed = true;
    return mapped;
  });
  return changed ? out : e;
}

function parseMessage(reporter: Reporter, src: SourceString, parsed: ReturnType<typeof parseTemplate>): Template | undefined {
  const { template, issues } = parsed;
  reportIssues(reporter, src, issues);
  if (!template) return undefined;
  for (const ref of templateRefs(template)) {
    const [head, ...rest] = ref.path;
    if (head !== 'user') continue;
    const field = rest[0];
    if (rest.length !== 1 || field === undefined || !Object.hasOwn(BUILTIN_USER_FIELDS, field)) {
      reporter.report('UNKNOWN_USER_FIELD', spanLoc(src, ref.span), { field: rest.join('.'), allowed: Object.keys(BUILTIN_USER_FIELDS).join(', ') });
    }
  }
  return template;
}
