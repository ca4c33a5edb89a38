import { printParseErrorCode, visit, type ParseError } from 'jsonc-parser';
import type { Reporter } from '../diagnostics/reporter.js';
import type { Loc } from '../diagnostics/types.js';
import { scanJsonTree } from './json-scan.js';
import { JsonNode, type JsonType } from './json-node.js';

export { JsonNode, type JsonType } from './json-node.js';

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

const literalType = (value: unknown): JsonType =>
  value === null ? 'null' : typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'string';

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

/**
 * Parses JSON keeping offsets of every value. Syntax errors are reported; the partial tree is still returned.
 * Well-formed JSON takes a fast strict reader; anything else is built from jsonc-parser's `visit` events the
 * same way its `parseTree` builds its tree, which also finds and places the errors.
 */
export function parseJsonTree(text: string, reporter: Reporter): JsonNode | undefined {
  const plain = scanJsonTree(text, MAX_JSON_DEPTH);
  if (plain) return plain;
  const tooDeep = nestingBeyond(text, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) {
    reporter.report('JSON_TOO_DEEP', { offset: tooDeep, length: 1 }, { limit: MAX_JSON_DEPTH });
    return undefined;
  }
  return parseJsonTreeTolerantly(text, reporter);
}

/** jsonc-parser's reading: every syntax error reported, the partial tree returned. */
export function parseJsonTreeTolerantly(text: string, reporter: Reporter): JsonNode | undefined {
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
