import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { mapChildren, printExpression, type Expr, type Literal, type ParseExpressionOptions } from '../../grammar/index.js';
import { tokenize } from '../../grammar/expression/lexer.js';
import { parseExpression, parseExpressionUncached } from '../../grammar/expression/parse.js';
import { exprArb, identifier, literalValue, sourceArb } from './arbitraries.js';

// parseExpression caches ASTs by token-type shape; every result must be exactly what the parser itself gives.

const params = { seed: Number(process.env.FC_SEED ?? 20261124), numRuns: Number(process.env.FC_RUNS ?? 100) };

/** Same result as an uncached parse: deep-equal, and the same key order (the compiler serialises ASTs). */
function expectSame(source: string, options?: ParseExpressionOptions): void {
  const fresh = parseExpressionUncached(source, options);
  const cached = parseExpression(source, options);
  expect(cached).toStrictEqual(fresh);
  expect(JSON.stringify(cached)).toBe(JSON.stringify(fresh));
}

/** Replaces every identifier segment and literal value, keeping the tree. */
function rename(expr: Expr, id: (name: string) => string, lit: (value: Literal) => Literal): Expr {
  if (expr.kind === 'literal') return { ...expr, value: lit(expr.value) };
  if (expr.kind === 'ref') return { ...expr, path: expr.path.map(id) };
  const renamed = mapChildren(expr, (child) => rename(child, id, lit));
  return renamed.kind === 'matches' ? { ...renamed, pattern: String(lit(renamed.pattern)) } : renamed;
}

/** Re-joins the tokens of `source` with other spacing and keyword case (same token types, other offsets). */
function respace(source: string, gaps: readonly string[], upper: readonly boolean[]): string {
  const { tokens, issue } = tokenize(source);
  if (issue) return source;
  return tokens
    .map((t, i) => {
      const keyword = /^[a-z]+$/i.test(t.image) && t.tokenType.name !== 'Identifier';
      const image = keyword && upper[i % upper.length] ? t.image.toUpperCase() : t.image;
      return image + gaps[i % gaps.length];
    })
    .join('');
}

const roomy = { maxLength: 1e6, maxDepth: 1e4, maxNodes: 1e6 };
const gapsArb = fc.array(fc.constantFrom('', ' ', '  ', '\n\t'), { minLength: 1, maxLength: 5 });
const caseArb = fc.array(fc.boolean(), { minLength: 1, maxLength: 5 });
const renamingArb = fc.tuple(fc.dictionary(identifier, identifier), fc.array(literalValue, { minLength: 1, maxLength: 5 }));

describe('parseExpression shape cache', () => {
  test.prop([exprArb, renamingArb, renamingArb, gapsArb, caseArb], params)(
    'same results as an uncached parse, for an expression and renamed or respaced variants',
    (expr, [ids1, lits1], [ids2, lits2], gaps, upper) => {
      const source = printExpression(expr);
      let n = 0;
      const variant = (ids: Record<string, string>, lits: Literal[]) =>
        printExpression(rename(expr, (name) => ids[name] ?? name, () => lits[n++ % lits.length]!));
      const sources = [source, variant(ids1, lits1), source, variant(ids2, lits2), respace(source, gaps, upper)];
      for (const s of sources) {
        expectSame(s);
        expectSame(s, roomy);
        expectSame(s);
      }
    },
  );

  test.prop([exprArb, fc.nat({ max: 40 }), fc.nat({ max: 12 })], params)('limits apply exactly as without the cache', (expr, maxNodes, maxDepth) => {
    const source = printExpression(expr);
    expectSame(source);
    expectSame(source, { maxNodes });
    expectSame(source, { maxDepth });
    expectSame(source, { maxLength: Math.floor(source.length / 2) });
    expectSame(source);
  });

  test.prop([sourceArb], params)('same results (and issues) for arbitrary text', (source) => {
    expectSame(source);
    expectSame(source);
    expectSame(source, { maxNodes: 3 });
  });

  it('serves shapes that differ only in names, literals, spacing and keyword case', () => {
    const sources = [
      'c12 == "a"',
      'c13 == "b\\n\\u0041"',
      'n7 > 10 and c7 != "b"',
      'N8>2.5   AND  c9!=\'x\'',
      '(n1 >= 50 or c1 in ["a", "c"]) and not (count > 1000000)',
      '(N2>=5 OR c2 IN [\'z\',"y"]) && !(total > 1)',
      'user.first_name is not empty',
      'a.b.c IS NOT EMPTY',
      'x not in [1, -2, y.z]',
      '-(a + b) * c / 2 - -d contains e',
      'true == false or null',
      'TRUE == FALSE || NULL',
    ];
    for (const s of sources) {
      expectSame(s);
      expectSame(s);
    }
  });

  it('still checks every matches pattern', () => {
    expectSame('code matches "^\\d{3}$"');
    expectSame('code matches "(a+)+$"');
    expectSame('code matches "("');
    expect(parseExpression('code matches "("').issues).not.toEqual([]);
  });

  it('keeps rejecting what it rejected before, after the shape was cached', () => {
    expectSame('a == 1 and b == 2');
    expectSame('a == 99999 and b == 2');
    expectSame(`a == 1${'0'.repeat(400)} and b == 2`);
    expectSame('a == 1 and b == 2', { maxNodes: 6 });
    expectSame('a == 1 and b == 2', { maxNodes: 7 });
    expectSame('a == 1 and b == 2', { maxLength: 5 });
  });
});
