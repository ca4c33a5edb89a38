import type { IToken } from 'chevrotain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lexPlain } from '../../grammar/expression/fast-lexer.js';
import { tokenizeWithChevrotain } from '../../grammar/expression/lexer.js';
import { fcOptions } from '../support/fc-settings.js';

/** Everything a token carries, its type by identity, and its keys in order (the parser's objects stay alike). */
const shape = (tokens: readonly IToken[]) =>
  tokens.map((t) => ({ keys: Object.keys(t).join(), image: t.image, startOffset: t.startOffset, tokenTypeIdx: t.tokenTypeIdx, type: t.tokenType.name }));

const PIECES = [
  ' ', '\t', '\n', '\u00a0', 'a', 'Z', '_', 'x1', '0', '42', '3.5', '.', '"', "'", '\\', '\\"', 'é', '\u0001',
  'or', 'OR', 'and', 'And', 'not', 'contains', 'matches', 'in', 'is', 'empty', 'set', 'true', 'False', 'null',
  'order', 'index', 'isset', 'notx', '|', '||', '&', '&&', '=', '==', '!', '!=', '<', '<=', '>', '>=', '=>',
  '+', '-', '*', '/', '(', ')', '[', ']', ',', ':', '{', '}', '#', '$',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((parts) => parts.join(''));

describe('the plain-text expression lexer', () => {
  it('yields the tokens Chevrotain yields, or leaves the text to Chevrotain', () => {
    fc.assert(
      fc.property(text, (source) => {
        const fast = lexPlain(source);
        const slow = tokenizeWithChevrotain(source);
        if (fast === undefined) return;
        expect(slow.issue).toBeUndefined();
        expect(shape(fast)).toEqual(shape(slow.tokens));
        fast.forEach((t, i) => expect(t.tokenType).toBe(slow.tokens[i]!.tokenType));
      }),
      { ...fcOptions, numRuns: fcOptions.numRuns * 20 },
    );
  });

  it('lexes the usual conditions and template values itself', () => {
    for (const source of ['count + 1', 'c3 == "b" and n3 > 10', '(n >= 50 or c in ["a", "c"]) and not (count > 1000000)', "name | upper", 'x is not set', 'user.first_name']) {
      expect(lexPlain(source)).toBeDefined();
    }
  });

  it.each([['"unclosed'], ['a = b'], ['a & b'], ['café'], ['a\u00a0b'], ['#']])('leaves %j to Chevrotain', (source) => {
    expect(lexPlain(source)).toBeUndefined();
  });
});
