import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitText, TELEGRAM_TEXT_LIMIT } from '../../../../runtime/adapters/telegram/index.js';
import { fcOptions } from '../../../support/fc-settings.js';

const isSpace = (ch: string): boolean => /^[ \t\n\r\v\f]$/.test(ch);

/**
 * The parts, joined back with the whitespace dropped at each cut, give the original: each part follows the previous
 * one after nothing but whitespace.
 */
function rejoins(text: string, parts: readonly string[]): boolean {
  let at = 0;
  for (const [i, part] of parts.entries()) {
    if (i > 0) while (at < text.length && isSpace(text[at]!) && !text.startsWith(part, at)) at++;
    if (!text.startsWith(part, at)) return false;
    at += part.length;
  }
  return [...text.slice(at)].every(isSpace);
}

const splitsSurrogatePair = (part: string): boolean => /[\uD800-\uDBFF]$/.test(part) || /^[\uDC00-\uDFFF]/.test(part);

describe('splitText', () => {
  it('leaves a text within the limit alone', () => {
    expect(splitText('')).toEqual(['']);
    expect(splitText('x'.repeat(TELEGRAM_TEXT_LIMIT))).toEqual(['x'.repeat(TELEGRAM_TEXT_LIMIT)]);
    expect(splitText('  padded  ', 10)).toEqual(['  padded  ']);
  });

  it('cuts at a blank line before a line break, and at a line break before a space', () => {
    expect(splitText('aaaa bbbb\ncc\n\ndd', 14)).toEqual(['aaaa bbbb\ncc', 'dd']);
    expect(splitText('aaaa\nbbbb cc dd', 12)).toEqual(['aaaa\nbbbb cc', 'dd']);
    expect(splitText('aaaa bb\ncc dd', 12)).toEqual(['aaaa bb', 'cc dd']);
  });

  it('prefers a lower break to a higher one that would leave the part less than half full', () => {
    expect(splitText('a\n\nbbbbbbbbbb cc', 15)).toEqual(['a\n\nbbbbbbbbbb', 'cc']);
  });

  it('drops the whole whitespace run at a cut', () => {
    expect(splitText('aaaa \n \n\t bbbb', 6)).toEqual(['aaaa', 'bbbb']);
  });

  it('cuts a word longer than the limit hard, but never inside a surrogate pair', () => {
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(splitText('abc😀def', 4)).toEqual(['abc', '😀de', 'f']);
    expect(splitText('😀😀😀', 3)).toEqual(['😀', '😀', '😀']);
  });

  it('splits a 10,000-character reply into 3 parts at paragraph breaks', () => {
    const paragraphs = Array.from({ length: 10 }, (_, i) => `Paragraph ${i}. ${'word '.repeat(198)}end.`);
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThanOrEqual(10_000);
    const parts = splitText(text);
    expect(parts).toHaveLength(3);
    expect(parts.join('\n\n')).toBe(text);
  });

  const chunk = fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'é', '😀', '中'), minLength: 1, maxLength: 12 }) },
    { weight: 3, arbitrary: fc.constantFrom(' ', '\n', '\n\n', '  ', ' \n ', '\t') },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('x', '😀'), minLength: 20, maxLength: 60 }) },
  );
  const textArb = fc.array(chunk, { maxLength: 40 }).map((chunks) => chunks.join(''));

  it('keeps every part within the limit, never empty, never inside a surrogate pair, and loses only the whitespace at the cuts', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 40 }), (text, limit) => {
        const parts = splitText(text, limit);
        if (text.length <= limit) {
          expect(parts).toEqual([text]);
          return;
        }
        for (const part of parts) {
          expect(part.length).toBeGreaterThan(0);
          expect(part.length).toBeLessThanOrEqual(limit);
          expect(splitsSurrogatePair(part)).toBe(false);
        }
        expect(rejoins(text, parts)).toBe(true);
      }),
      fcOptions,
    );
  });

  it('keeps the same promises at Telegram\'s own limit', () => {
    const long = fc.array(chunk, { minLength: 200, maxLength: 1200 }).map((chunks) => chunks.join(''));
    fc.assert(
      fc.property(long, (text) => {
        const parts = splitText(text);
        for (const part of parts) {
          expect(part.length).toBeGreaterThan(0);
          expect(part.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
          expect(splitsSurrogatePair(part)).toBe(false);
        }
        expect(rejoins(text, parts)).toBe(true);
      }),
      { ...fcOptions, numRuns: Math.min(fcOptions.numRuns, 30) },
    );
  });
});
