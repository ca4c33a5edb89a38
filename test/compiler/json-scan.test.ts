import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reporter } from '../../compiler/diagnostics/reporter.js';
import { scanJsonTree } from '../../compiler/source/json-scan.js';
import { parseJsonTreeTolerantly } from '../../compiler/source/json-tree.js';
import { LineIndex } from '../../compiler/source/text.js';
import { fcOptions } from '../support/fc-settings.js';

/** jsonc-parser's tree and what it reported. */
function tolerant(text: string) {
  const reporter = new Reporter('t.json', new LineIndex(text), 'json');
  const tree = parseJsonTreeTolerantly(text, reporter);
  return { tree, codes: reporter.diagnostics().map((d) => d.code) };
}

const indent = fc.constantFrom<string | number | undefined>(undefined, 0, 1, 2, 4, '\t', '\r\n ');
const value = fc.jsonValue({ stringUnit: 'binary', maxDepth: 6 });

describe('the strict JSON reader', () => {
  it('reads nesting up to the limit', () => {
    const text = '{"a": '.repeat(127) + '[]' + '}'.repeat(127);
    expect(scanJsonTree(text, 128)).toStrictEqual(tolerant(text).tree);
  });

  it('builds the tree jsonc-parser builds for any well-formed JSON', () => {
    fc.assert(
      fc.property(value, indent, (v, space) => {
        const text = JSON.stringify(v, null, space);
        const expected = tolerant(text);
        expect(expected.codes).toEqual([]);
        expect(scanJsonTree(text, 128)).toStrictEqual(expected.tree);
      }),
      fcOptions,
    );
  });

  it('gives up on a damaged document, or reads what jsonc-parser reads without an error', () => {
    const damaged = fc
      .tuple(value, indent, fc.nat(), fc.nat(4), fc.constantFrom('', ',', '}', ']', '"', '\\', ':', '/', '\u00a0', '\ufeff', 'x', '0', '-', '.', 'e', '\u0001', ' '))
      .map(([v, space, at, cut, insert]) => {
        const text = JSON.stringify(v, null, space);
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + cut);
      });
    fc.assert(
      fc.property(damaged, (text) => {
        const fast = scanJsonTree(text, 128);
        if (fast === undefined) return;
        const expected = tolerant(text);
        expect(expected.codes).toEqual([]);
        expect(fast).toStrictEqual(expected.tree);
      }),
      { ...fcOptions, numRuns: fcOptions.numRuns * 5 },
    );
  });

  it.each([
    ['a comment', '{"a": 1 // one\n}'],
    ['a block comment', '/* x */ {}'],
    ['a byte-order mark', '\ufeff{}'],
    ['a trailing comma', '{"a": [1, 2,]}'],
    ['a no-break space', '{"a":\u00a01}'],
    ['a word after a keyword', '[truex]'],
    ['a leading zero', '[01]'],
    ['a bare dot', '[1.]'],
    ['an exponent without digits', '[1e]'],
    ['a control character in a string', '["a\u0001b"]'],
    ['an unknown escape', '["a\\qb"]'],
    ['a short \\u escape', '["\\u12"]'],
    ['an unterminated string', '{"a": "b'],
    ['a single-quoted key', "{'a': 1}"],
    ['content after the document', '{} {}'],
    ['an empty document', '  '],
    ['nesting past the limit', '{"a": '.repeat(128) + '[]' + '}'.repeat(128)],
  ])('leaves %s to jsonc-parser', (_, text) => {
    expect(scanJsonTree(text, 128)).toBeUndefined();
  });
});
