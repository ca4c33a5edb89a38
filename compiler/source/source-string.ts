import type { Loc } from '../diagnostics/types.js';
import type { SourceString } from '../scenario/ast.js';
import { locOf, type JsonNode } from './json-tree.js';

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
