import { printParseErrorCode, visit, type ParseError } from 'jsonc-parser';
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

export type JsonType = 'object' | 'array' | 'property' | 'string' | 'number' | 'boolean' | 'null';

/**
 * A JSON value with its offsets. Lighter than jsonc-parser's `Node`: no parent links, and a property is one node
 * (its key in `value`/`offset`/`length`, its value in `valueNode`) rather than a property, a key and a list.
 */
export class JsonNode {
  /** Array items; the properties of an object. */
  children: JsonNode[] | undefined = undefined;
  /** The value of a property (the first one, as jsonc-parser's tree reads). */
  valueNode: JsonNode | undefined = undefined;

  constructor(
    readonly type: JsonType,
    readonly offset: number,
    public length: number,
    readonly value: unknown,
  ) {}
}

const literalType = (value: unknown): JsonType =>
  value === null ? 'null' : typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'string';

/**
 * Parses JSON keeping offsets of every value. Syntax errors are reported; the partial tree is still returned.
 * Built from jsonc-parser's `visit` events the same way its `parseTree` builds its tree.
 */
/** Scenarios nest a handful of levels; the parser recurses per level, so a hostile file must stop here. */
export const MAX_JSON_DEPTH = 128;

/** Offset of the bracket that opens level `limit + 1`, outside strings; undefined when the text stays within. */
export function nestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return undefined;
}

export function parseJsonTree(text: string, reporter: Reporter): JsonNode | undefined {
  const tooDeep = nestingBeyond(text, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) {
    reporter.report('JSON_TOO_DEEP', { offset: tooDeep, length: 1 }, { limit: MAX_JSON_DEPTH });
    return undefined;
  }
  const errors: ParseError[] = [];
  const root = new JsonNode('array', -1, -1, undefined); // artificial root
  root.children = [];
  const stack: JsonNode[] = [root];
  let current = root;
  const onValue = (node: JsonNode): void => {
    if (current.type === 'property') {
      if (!current.valueNode) current.valueNode = node;
    } else (current.children ??= []).push(node);
  };
  const open = (node: JsonNode): void => {
    onValue(node);
    stack.push(node);
    current = node;
  };
  const close = (): void => {
    stack.pop();
    current = stack[stack.length - 1]!;
  };
  // A property node keeps its key's offset and length (nothing reads the extent of the whole property).
  const ensurePropertyComplete = (): void => {
    if (current.type === 'property') close();
  };
  visit(
    text,
    {
      onObjectBegin: (offset) => {
        const node = new JsonNode('object', offset, -1, undefined);
        node.children = [];
        open(node);
      },
      onObjectProperty: (name, offset, length) => {
        open(new JsonNode('property', offset, length, name));
      },
      onObjectEnd: (offset, length) => {
        ensurePropertyComplete();
        current.length = offset + length - current.offset;
        close();
        ensurePropertyComplete();
      },
      onArrayBegin: (offset) => {
        const node = new JsonNode('array', offset, -1, undefined);
        node.children = [];
        open(node);
      },
      onArrayEnd: (offset, length) => {
        current.length = offset + length - current.offset;
        close();
        ensurePropertyComplete();
      },
      onLiteralValue: (value: unknown, offset, length) => {
        onValue(new JsonNode(literalType(value), offset, length, value));
        ensurePropertyComplete();
      },
      onSeparator: (sep) => {
        if (sep === ',') ensurePropertyComplete();
      },
      onError: (error, offset, length) => {
        errors.push({ error, offset, length });
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  for (const e of errors) {
    const name = printParseErrorCode(e.error);
    reporter.report('JSON_SYNTAX', { offset: e.offset, length: e.length }, { detail: PARSE_ERROR_TEXT[name] ?? name });
  }
  return root.children[0];
}

export const locOf = (node: JsonNode): Loc => ({ offset: node.offset, length: node.length });

export function jsonTypeName(node: JsonNode): string {
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
export function sourceString(node: JsonNode, text: string): SourceString {
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

/** Past this many keys, an object's keys are looked up in a map rather than by a linear search. */
const LINEAR_KEYS = 12;

/** Reads one JSON object: reports duplicate keys now, and unknown keys when `finish` is called. */
export class ObjectReader {
  /** Keys in order of first appearance; for a repeated key, `props` holds its last property. */
  private readonly names: string[] = [];
  private readonly props: JsonNode[] = [];
  private readonly byName: Map<string, number> | undefined;
  private used: boolean[] | undefined;

  constructor(
    readonly node: JsonNode,
    private readonly where: string,
    private readonly reporter: Reporter,
    private readonly text: string,
  ) {
    const children = node.children;
    if (!children) return;
    if (children.length > LINEAR_KEYS) this.byName = new Map();
    for (const prop of children) {
      if (prop.type !== 'property' || !prop.valueNode) continue;
      const name = String(prop.value);
      const i = this.indexOf(name);
      if (i >= 0) {
        reporter.report('DUPLICATE_KEY', locOf(prop), { key: name });
        this.props[i] = prop;
      } else {
        this.byName?.set(name, this.names.length);
        this.names.push(name);
        this.props.push(prop);
      }
    }
  }

  private indexOf(name: string): number {
    if (this.byName) return this.byName.get(name) ?? -1;
    return this.names.indexOf(name);
  }

  entries(): { key: Located<string>; value: JsonNode }[] {
    const out: { key: Located<string>; value: JsonNode }[] = new Array(this.names.length);
    for (let i = 0; i < this.names.length; i++) {
      const prop = this.props[i]!;
      out[i] = { key: { value: this.names[i]!, loc: locOf(prop) }, value: prop.valueNode! };
    }
    return out;
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  raw(name: string): JsonNode | undefined {
    const i = this.indexOf(name);
    if (i < 0) return undefined;
    (this.used ??= [])[i] = true;
    return this.props[i]!.valueNode;
  }

  keyLoc(name: string): Loc | undefined {
    const i = this.indexOf(name);
    return i >= 0 ? locOf(this.props[i]!) : undefined;
  }

  private typed(name: string, type: JsonType, expected: string): JsonNode | undefined {
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

  object(name: string): JsonNode | undefined {
    return this.typed(name, 'object', 'an object');
  }

  array(name: string): JsonNode | undefined {
    return this.typed(name, 'array', 'an array');
  }

  /** Reports every key that was never read. */
  finish(allowed: readonly string[]): void {
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i]!;
      if (this.used?.[i] || name === '$schema') continue;
      this.reporter.report('UNKNOWN_FIELD', locOf(this.props[i]!), { field: name, where: this.where, suggestion: closest(name, allowed) });
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
