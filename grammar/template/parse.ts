import type { IToken } from 'chevrotain';
import type { Literal } from '../expression/ast.js';
import * as T from '../expression/lexer.js';
import { grammarIssue, quoteForMessage, type GrammarIssue } from '../issues.js';
import type { Template, TemplateFilter, TemplatePart, TemplateValuePart } from './ast.js';
import { FILTERS, KNOWN_FILTERS } from './filters.js';

/**
 * `template` is present unless there is a TEMPLATE_SYNTAX issue; UNKNOWN_FILTER and FILTER_ARGS
 * issues come with a template (rendering skips an unknown filter).
 */
export interface ParseTemplateResult {
  template?: Template;
  issues: GrammarIssue[];
}

/** Each failed `{{ }}` costs a scan to the end of the text; stopping early keeps huge inputs linear. */
const MAX_ISSUES = 20;

export function parseTemplate(source: string): ParseTemplateResult {
  if (typeof source !== 'string') return { issues: [grammarIssue('TEMPLATE_SYNTAX', 'Message text must be a string.', 0)] };
  try {
    return parse(source);
  } catch {
    // Safety net only: tests assert this message never shows up.
    return { issues: [grammarIssue('TEMPLATE_SYNTAX', 'Internal error while parsing this text; please report it.', 0, source.length)] };
  }
}

function parse(source: string): ParseTemplateResult {
  const parts: TemplatePart[] = [];
  const issues: GrammarIssue[] = [];
  let syntaxError = false;
  let text = '';
  let i = 0;
  while (i < source.length && issues.length < MAX_ISSUES) {
    let open = source.indexOf('{{', i);
    if (open < 0) break;
    while (source[open + 2] === '{') open++; // in `{{{x}}` the value opens at the last two braces
    text += source.slice(i, open);
    const close = findClose(source, open + 2);
    if (close < 0) {
      const message = `Unclosed "{{" at column ${open + 1}; add "}}" after the variable name.`;
      issues.push(grammarIssue('TEMPLATE_SYNTAX', message, open, open + 2));
      syntaxError = true;
      i = open;
      break;
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    const value = parseValue(source, open, close, issues);
    if (value) parts.push(value);
    else syntaxError = true;
    i = close + 2;
  }
  text += source.slice(i);
  if (text) parts.push({ kind: 'text', text });
  return syntaxError ? { issues } : { template: { parts }, issues };
}

/** Index of the `}}` closing a value, skipping quoted filter arguments; -1 when there is none. */
function findClose(source: string, from: number): number {
  let quote = '';
  for (let j = from; j < source.length; j++) {
    const c = source[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}' && source[j + 1] === '}') return j;
  }
  // An unclosed quote: fall back to the first `}}` so the lexer reports the quote precisely.
  return source.indexOf('}}', from);
}

function parseValue(source: string, open: number, close: number, issues: GrammarIssue[]): TemplateValuePart | undefined {
  const base = open + 2;
  const { tokens, issue } = T.tokenize(source.slice(base, close), base);
  if (issue) {
    issues.push({ ...issue, code: 'TEMPLATE_SYNTAX' });
    return undefined;
  }
  const shifted = tokens.map((t) => ({ ...t, startOffset: t.startOffset + base }));
  const result = new ValueParser(shifted, close).parse();
  if (!('path' in result)) {
    issues.push(result);
    return undefined;
  }
  issues.push(...result.filters.flatMap(checkFilter));
  return { kind: 'value', ...result, span: { start: open, end: close + 2 } };
}

type ValueBody = Pick<TemplateValuePart, 'path' | 'filters' | 'pathSpan'>;

/** `path ( | filter ( : literal (, literal)* )? )*` over already-lexed tokens. */
class ValueParser {
  private pos = 0;
  constructor(
    private readonly tokens: IToken[],
    private readonly close: number,
  ) {}

  parse(): ValueBody | GrammarIssue {
    try {
      const first = this.name('a variable name such as {{name}}');
      const path = [first.image];
      let last = first;
      while (this.peek(T.Dot)) {
        this.pos++;
        last = this.name('a name after "."');
        path.push(last.image);
      }
      const filters: TemplateFilter[] = [];
      while (this.peek(T.Pipe)) {
        this.pos++;
        filters.push(this.filter());
      }
      if (this.pos < this.tokens.length) throw this.unexpected('"|" and a filter, or "}}"');
      return { path, filters, pathSpan: { start: first.startOffset, end: T.tokenEnd(last) } };
    } catch (issue) {
      return issue as GrammarIssue;
    }
  }

  private filter(): TemplateFilter {
    const nameToken = this.name('a filter name such as upper');
    const args: Literal[] = [];
    let end = T.tokenEnd(nameToken);
    if (this.peek(T.Colon)) {
      this.pos++;
      for (;;) {
        const arg = this.literal();
        args.push(arg.value);
        end = arg.end;
        if (!this.peek(T.Comma)) break;
        this.pos++;
      }
    }
    return { name: nameToken.image.toLowerCase(), args, span: { start: nameToken.startOffset, end } };
  }

  private literal(): { value: Literal; end: number } {
    const minus = this.peek(T.Minus) ? this.tokens[this.pos++] : undefined;
    const token = this.tokens[this.pos];
    const ok = token && (token.tokenType === T.NumberLiteral || (!minus && token.tokenType === T.StringLiteral));
    if (!ok) throw this.unexpected('a quoted text or a number');
    this.pos++;
    const value = token.tokenType === T.StringLiteral ? T.unquoteString(token.image) : Number(token.image);
    if (typeof value === 'number' && !Number.isFinite(value)) throw this.unexpected('a smaller number', token);
    return { value: minus && typeof value === 'number' ? -value : value, end: T.tokenEnd(token) };
  }

  private name(what: string): IToken {
    const token = this.tokens[this.pos];
    if (!token || !(token.tokenType === T.Identifier || T.KEYWORDS.includes(token.tokenType))) throw this.unexpected(what);
    this.pos++;
    return token;
  }

  private peek(type: typeof T.Dot): boolean {
    return this.tokens[this.pos]?.tokenType === type;
  }

  private unexpected(what: string, token = this.tokens[this.pos]): GrammarIssue {
    if (!token) {
      const message = this.tokens.length === 0 ? `Empty "{{ }}"; write ${what}.` : `Missing ${what} before "}}".`;
      return grammarIssue('TEMPLATE_SYNTAX', message, this.close, this.close + 2);
    }
    const message = `Unexpected ${quoteForMessage(token.image)} at column ${token.startOffset + 1}; expected ${what}.`;
    return grammarIssue('TEMPLATE_SYNTAX', message, token.startOffset, T.tokenEnd(token));
  }
}

function checkFilter(filter: TemplateFilter): GrammarIssue[] {
  const def = FILTERS.get(filter.name);
  const col = filter.span.start + 1;
  if (!def) {
    const message = `Unknown filter ${quoteForMessage(filter.name)} at column ${col}; use one of: ${KNOWN_FILTERS.join(', ')}.`;
    return [grammarIssue('UNKNOWN_FILTER', message, filter.span.start, filter.span.end)];
  }
  if (filter.args.length === def.arity) return [];
  const wants = def.arity === 0 ? 'no arguments' : def.arity === 1 ? '1 argument' : `${def.arity} arguments`;
  const message = `Filter "${filter.name}" at column ${col} takes ${wants}, got ${filter.args.length}; write ${def.usage}.`;
  return [grammarIssue('FILTER_ARGS', message, filter.span.start, filter.span.end)];
}
