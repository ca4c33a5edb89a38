import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Reporter } from '../diagnostics/reporter.js';
import type { Loc } from '../diagnostics/types.js';
import type { Located, SourceString } from '../scenario/ast.js';

const PARSE_ERROR_TEXT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected content after the end of the document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'control character in string (escape it)',
};

/** Parses JSON keeping offsets of every value. Syntax errors are reported; the partial tree is still returned. */
export function parseJsonTree(text: string, reporter: Reporter): Node | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  for (const e of errors) {
    const name = printParseErrorCode(e.error);
    reporter.report('JSON_SYNTAX', { offset: e.offset, length: e.length }, { detail: PARSE_ERROR_TEXT[name] ?? name });
  }
  return root;
}

export const locOf = (node: Node): Loc => ({ offset: node.offset, length: node.length });

export function jsonTypeName(node: Node): string {
  if (node.type === 'number' && Number.isInteger(node.value)) return 'a number';
  switch (node.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'null';
  }
}

/** A string without escapes: decoded index i stands at start + i. */
class PlainSource implements SourceString {
  constructor(
    readonly value: string,
    readonly loc: Loc,
    private readonly start: number,
  ) {}

  at(i: number): number {
    return this.start + Math.min(Math.max(i, 0), this.value.length);
  }
}

/** A string with escapes: a table of where each decoded character starts. */
class EscapedSource implements SourceString {
  constructor(
    readonly value: string,
    readonly loc: Loc,
    private readonly offsets: readonly number[],
  ) {}

  at(i: number): number {
    return this.offsets[Math.min(Math.max(i, 0), this.offsets.length - 1)] ?? this.loc.offset + 1;
  }
}

/** A string value with a map from decoded indices back to file offsets. */
export function sourceString(node: Node, text: string): SourceString {
  const value = String(node.value ?? '');
  const end = node.offset + node.length;
  let escaped = false;
  for (let i = node.offset + 1; i < end; i++) {
    if (text.charCodeAt(i) === 92) {
      escaped = true;
      break;
    }
  }
  if (!escaped) return new PlainSource(value, locOf(node), node.offset + 1);
  const offsets: number[] = [];
  let r = node.offset + 1;
  while (r < end - 1 && offsets.length < value.length) {
    offsets.push(r);
    r += text.charCodeAt(r) !== 92 ? 1 : text[r + 1] === 'u' ? 6 : 2;
  }
  offsets.push(r);
  return new EscapedSource(value, locOf(node), offsets);
}

/** Reads one JSON object: reports duplicate keys now, and unknown keys when `finish` is called. */
export class ObjectReader {
  private readonly fields = new Map<string, { key: Node; value: Node }>();
  private readonly used = new Set<string>();

  constructor(
    readonly node: Node,
    private readonly where: string,
    private readonly reporter: Reporter,
    private readonly text: string,
  ) {
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (!key || !value) continue;
      const name = String(key.value);
      if (this.fields.has(name)) reporter.report('DUPLICATE_KEY', locOf(key), { key: name });
      this.fields.set(name, { key, value });
    }
  }

  entries(): { key: Located<string>; value: Node }[] {
    return [...this.fields.entries()].map(([name, f]) => ({ key: { value: name, loc: locOf(f.key) }, value: f.value }));
  }

  has(name: string): boolean {
    return this.fields.has(name);
  }

  raw(name: string): Node | undefined {
    this.used.add(name);
    return this.fields.get(name)?.value;
  }

  keyLoc(name: string): Loc | undefined {
    const f = this.fields.get(name);
    return f ? locOf(f.key) : undefined;
  }

  private typed(name: string, type: Node['type'], expected: string): Node | undefined {
    const node = this.raw(name);
    if (!node) return undefined;
    if (node.type !== type) {
      this.reporter.report('WRONG_TYPE', locOf(node), { field: name, expected, actual: jsonTypeName(node) });
      return undefined;
    }
    return node;
  }

  string(name: string): SourceString | undefined {
    const node = this.typed(name, 'string', 'a string');
    return node ? sourceString(node, this.text) : undefined;
  }

  number(name: string, integer = false): Located<number> | undefined {
    const node = this.typed(name, 'number', integer ? 'a whole number' : 'a number');
    if (!node) return undefined;
    if (integer && !Number.isInteger(node.value)) {
      this.reporter.report('WRONG_TYPE', locOf(node), { field: name, expected: 'a whole number', actual: String(node.value) });
      return undefined;
    }
    return { value: node.value as number, loc: locOf(node) };
  }

  boolean(name: string): Located<boolean> | undefined {
    const node = this.typed(name, 'boolean', 'true or false');
    return node ? { value: node.value as boolean, loc: locOf(node) } : undefined;
  }

  object(name: string): Node | undefined {
    return this.typed(name, 'object', 'an object');
  }

  array(name: string): Node | undefined {
    return this.typed(name, 'array', 'an array');
  }

  /** Reports every key that was never read. */
  finish(allowed: readonly string[]): void {
    for (const [name, f] of this.fields) {
      if (this.used.has(name) || name === '$schema') continue;
      this.reporter.report('UNKNOWN_FIELD', locOf(f.key), { field: name, where: this.where, suggestion: closest(name, allowed) });
    }
  }
}

/** The closest candidate by edit distance, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 99;
}
