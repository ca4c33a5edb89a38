import type { Loc } from '../diagnostics/types.js';
import type { SourceString } from '../scenario/ast.js';
import type { JsonNode } from './json-tree.js';

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
  return quotedSource(String(node.value ?? ''), node.offset, node.offset + node.length, text);
}

/** A JSON-style quoted string at start..end (quotes included) of `text`, whose decoded value is `value`. */
export function quotedSource(value: string, start: number, end: number, text: string): SourceString {
  const loc = { offset: start, length: end - start };
  let escaped = false;
  for (let i = start + 1; i < end; i++) {
    if (text.charCodeAt(i) === 92) {
      escaped = true;
      break;
    }
  }
  if (!escaped) return new PlainSource(value, loc, start + 1);
  const offsets: number[] = [];
  let r = start + 1;
  while (r < end - 1 && offsets.length < value.length) {
    offsets.push(r);
    r += text.charCodeAt(r) !== 92 ? 1 : text[r + 1] === 'u' ? 6 : 2;
  }
  offsets.push(r);
  return new EscapedSource(value, loc, offsets);
}

/** Unquoted text at `start`: decoded index i stands at start + i. */
export const plainSource = (value: string, start: number): SourceString =>
  new PlainSource(value, { offset: start, length: value.length }, start);
