import type { IToken, TokenType } from 'chevrotain';
import * as T from './lexer.js';

/**
 * A hand-written lexer for the common case: ASCII text that lexes without an error. It yields the tokens
 * Chevrotain's lexer yields (same objects: image, startOffset, tokenTypeIdx, tokenType) in about half the time, and
 * gives up (undefined) on anything else: a character no token starts with, an unclosed string, any non-ASCII
 * character outside a string. Chevrotain then lexes the text and reports the error as before.
 */
export function lexPlain(source: string): IToken[] | undefined {
  const { KEYWORDS, SINGLE } = (tables ??= buildTables());
  const tokens: IToken[] = [];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    const start = i;
    if (c === 32 || (c >= 9 && c <= 13)) {
      i++;
      continue;
    }
    let type: TokenType | undefined;
    if (c === 34 || c === 39) {
      // "..." or '...': a backslash escapes any character, the closing quote must come.
      for (i++; ; i++) {
        if (i >= n) return undefined;
        const d = source.charCodeAt(i);
        if (d === 92) i++;
        else if (d === c) break;
      }
      i++;
      type = T.StringLiteral;
    } else if (c >= 48 && c <= 57) {
      i = digits(source, i);
      if (source.charCodeAt(i) === 46 && isDigit(source.charCodeAt(i + 1))) i = digits(source, i + 1);
      type = T.NumberLiteral;
    } else if (isWordStart(c)) {
      for (i++; i < n && isWordPart(source.charCodeAt(i)); i++);
      // A keyword is reserved only as a whole word (Chevrotain's longer_alt), in any case.
      type = i - start <= 8 ? (KEYWORDS.get(source.slice(start, i).toLowerCase()) ?? T.Identifier) : T.Identifier;
    } else {
      const next = source.charCodeAt(i + 1);
      switch (c) {
        case 124: // |
          type = next === 124 ? T.OrOr : T.Pipe;
          break;
        case 38: // &
          if (next !== 38) return undefined;
          type = T.AndAnd;
          break;
        case 61: // =
          if (next !== 61) return undefined;
          type = T.EqEq;
          break;
        case 33: // !
          type = next === 61 ? T.NotEq : T.Bang;
          break;
        case 60: // <
          type = next === 61 ? T.LessEq : T.Less;
          break;
        case 62: // >
          type = next === 61 ? T.GreaterEq : T.Greater;
          break;
        default:
          type = SINGLE[c];
          if (type === undefined) return undefined;
      }
      i += type === T.OrOr || type === T.AndAnd || type === T.EqEq || type === T.NotEq || type === T.LessEq || type === T.GreaterEq ? 2 : 1;
    }
    tokens.push({ image: source.slice(start, i), startOffset: start, tokenTypeIdx: type.tokenTypeIdx!, tokenType: type } as IToken);
  }
  return tokens;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWordStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isWordPart = (c: number): boolean => isWordStart(c) || isDigit(c);

function digits(source: string, i: number): number {
  while (isDigit(source.charCodeAt(i))) i++;
  return i;
}

interface Tables {
  readonly KEYWORDS: ReadonlyMap<string, TokenType>;
  readonly SINGLE: Partial<Record<number, TokenType>>;
}

// Built on first use: this module and lexer.ts import each other, so the token types are not there at load.
let tables: Tables | undefined;

const buildTables = (): Tables => ({
  KEYWORDS: new Map(T.KEYWORDS.map((k) => [k.name.toLowerCase(), k])),
  SINGLE: {
    58: T.Colon,
    43: T.Plus,
    45: T.Minus,
    42: T.Star,
    47: T.Slash,
    40: T.LParen,
    41: T.RParen,
    91: T.LBracket,
    93: T.RBracket,
    44: T.Comma,
    46: T.Dot,
  },
});
