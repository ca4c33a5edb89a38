import { JsonNode } from './json-node.js';

/**
 * A strict JSON reader for well-formed documents, in about half the time jsonc-parser's visitor takes on a large
 * scenario. It builds the same tree `parseJsonTree` builds and gives up (returns undefined) at the first thing
 * that is not plain JSON (a syntax error, a comment, a byte-order mark, any whitespace beyond space, tab, CR, LF),
 * so that jsonc-parser reads those documents and reports their errors exactly as before. It also gives up past
 * `maxDepth` levels of nesting, which the caller reports.
 */
export function scanJsonTree(text: string, maxDepth: number): JsonNode | undefined {
  const scanner = new Scanner(text, maxDepth);
  try {
    const root = scanner.value();
    scanner.skipSpace();
    return scanner.pos === text.length ? root : undefined;
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

const GIVE_UP = new Error('not plain JSON');

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

class Scanner {
  pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === SPACE || c === LF || c === CR || c === TAB) pos++;
      else break;
    }
    this.pos = pos;
  }

  value(): JsonNode {
    this.skipSpace();
    const text = this.text;
    const start = this.pos;
    const c = text.charCodeAt(start);
    if (c === QUOTE) {
      const end = this.stringEnd(start);
      return new JsonNode('string', start, end - start, this.stringValue(start, end));
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++this.depth > this.maxDepth) throw GIVE_UP;
      const node = c === OPEN_BRACE ? this.object(start) : this.array(start);
      this.depth--;
      return node;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.number(start);
    if (text.startsWith('true', start)) return this.literal(start, 4, true);
    if (text.startsWith('false', start)) return this.literal(start, 5, false);
    if (text.startsWith('null', start)) return this.literal(start, 4, null);
    throw GIVE_UP;
  }

  private literal(start: number, length: number, value: boolean | null): JsonNode {
    this.pos = start + length;
    this.expectDelimiter();
    return new JsonNode(value === null ? 'null' : 'boolean', start, length, value);
  }

  /** After a number or a keyword: what jsonc-parser would read as part of the same token is not plain JSON. */
  private expectDelimiter(): void {
    const c = this.text.charCodeAt(this.pos);
    if (!(c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === SPACE || c === LF || c === CR || c === TAB || Number.isNaN(c))) {
      throw GIVE_UP;
    }
  }

  private number(start: number): JsonNode {
    const text = this.text;
    let pos = start;
    if (text.charCodeAt(pos) === MINUS) pos++;
    const first = text.charCodeAt(pos);
    if (first === ZERO) pos++;
    else if (first > ZERO && first <= NINE) pos = this.digits(pos);
    else throw GIVE_UP;
    if (text.charCodeAt(pos) === DOT) {
      const after = this.digits(pos + 1);
      if (after === pos + 1) throw GIVE_UP;
      pos = after;
    }
    const e = text.charCodeAt(pos);
    if (e === 101 || e === 69) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === 43 || sign === MINUS) pos++;
      const after = this.digits(pos);
      if (after === pos) throw GIVE_UP;
      pos = after;
    }
    this.pos = pos;
    this.expectDelimiter();
    return new JsonNode('number', start, pos - start, Number(text.slice(start, pos)));
  }

  private digits(pos: number): number {
    const text = this.text;
    for (let c = text.charCodeAt(pos); c >= ZERO && c <= NINE; c = text.charCodeAt(++pos));
    return pos;
  }

  /** Offset just past the closing quote of the string opening at `start`; moves past it. */
  private stringEnd(start: number): number {
    const text = this.text;
    let pos = start + 1;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        const next = text.charCodeAt(pos + 1);
        if (next === 117) {
          for (let i = pos + 2; i < pos + 6; i++) if (!isHex(text.charCodeAt(i))) throw GIVE_UP;
          pos += 6;
        } else if (next === QUOTE || next === BACKSLASH || next === 47 || next === 98 || next === 102 || next === 110 || next === 114 || next === 116) {
          pos += 2;
        } else throw GIVE_UP;
        continue;
      }
      // Control characters (and the end of the text, NaN) are errors jsonc-parser reports.
      if (!(c >= SPACE)) throw GIVE_UP;
      pos++;
    }
    this.pos = pos + 1;
    return pos + 1;
  }

  private stringValue(start: number, end: number): string {
    const inner = this.text.slice(start + 1, end - 1);
    return inner.includes('\\') ? (JSON.parse(this.text.slice(start, end)) as string) : inner;
  }

  private object(start: number): JsonNode {
    const node = new JsonNode('object', start, -1, undefined);
    const children: JsonNode[] = (node.children = []);
    const text = this.text;
    this.pos = start + 1;
    this.skipSpace();
    if (text.charCodeAt(this.pos) !== CLOSE_BRACE) {
      for (;;) {
        this.skipSpace();
        const keyStart = this.pos;
        if (text.charCodeAt(keyStart) !== QUOTE) throw GIVE_UP;
        const keyEnd = this.stringEnd(keyStart);
        const property = new JsonNode('property', keyStart, keyEnd - keyStart, this.stringValue(keyStart, keyEnd));
        this.skipSpace();
        if (text.charCodeAt(this.pos) !== COLON) throw GIVE_UP;
        this.pos++;
        property.valueNode = this.value();
        children.push(property);
        this.skipSpace();
        const c = text.charCodeAt(this.pos);
        if (c === COMMA) this.pos++;
        else if (c === CLOSE_BRACE) break;
        else throw GIVE_UP;
      }
    }
    node.length = ++this.pos - start;
    return node;
  }

  private array(start: number): JsonNode {
    const node = new JsonNode('array', start, -1, undefined);
    const children: JsonNode[] = (node.children = []);
    const text = this.text;
    this.pos = start + 1;
    this.skipSpace();
    if (text.charCodeAt(this.pos) !== CLOSE_BRACKET) {
      for (;;) {
        children.push(this.value());
        this.skipSpace();
        const c = text.charCodeAt(this.pos);
        if (c === COMMA) this.pos++;
        else if (c === CLOSE_BRACKET) break;
        else throw GIVE_UP;
      }
    }
    node.length = ++this.pos - start;
    return node;
  }
}

const isHex = (c: number): boolean => (c >= ZERO && c <= NINE) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
