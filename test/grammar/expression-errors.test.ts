import { describe, expect, it } from 'vitest';
import { parseExpression, type GrammarIssue } from '../../grammar/index.js';

function onlyIssue(source: string, options?: Parameters<typeof parseExpression>[1]): GrammarIssue {
  const { expr, issues } = parseExpression(source, options);
  expect(expr).toBeUndefined();
  expect(issues).toHaveLength(1);
  return issues[0]!;
}

describe('parseExpression: syntax errors', () => {
  it.each([
    // [source, start, end, message fragment]
    ['choice == ', 10, 10, 'ends too early after "=="; expected a value'],
    ['a and == b', 6, 8, 'Unexpected "==" at column 7; expected a value such as a variable, "text" or a number.'],
    ['a b', 2, 3, 'expected an operator'],
    ['(a', 2, 2, 'expected ")"'],
    ['x in [1, 2', 10, 10, '"," or "]"'],
    ['x in 3', 5, 6, 'expected a list'],
    ['x not', 5, 5, '"in"'],
    ['x is foo', 5, 8, '"empty", "set"'],
    ['x matches y', 10, 11, 'quoted pattern'],
    ['a == b == c', 7, 9, 'cannot be chained'],
    ['a = b', 2, 3, 'use "=="'],
    ['qty => 2', 4, 6, 'use ">="'],
    ['qty =< 2', 4, 6, 'use "<="'],
    ['qty =! 2', 4, 6, 'use "!="'],
    ['a & b', 2, 3, '"and"'],
    ['a | b', 2, 3, '"or"'],
    ['name == "bob', 8, 12, 'Unclosed string starting at column 9'],
    ['x # y', 2, 3, 'Unexpected character "#" at column 3'],
    ['x == set', 5, 8, 'reserved word'],
    ['', 0, 0, 'Empty expression'],
    ['1.5.2', 3, 4, 'Unexpected "." at column 4'],
    ['()', 1, 2, 'expected a value'],
  ])('%j', (source, start, end, fragment) => {
    const issue = onlyIssue(source);
    expect(issue.code).toBe('EXPR_SYNTAX');
    expect(issue.span).toEqual({ start, end });
    expect(issue.message).toContain(fragment);
  });

  it('rejects numbers too large to represent', () => {
    const issue = onlyIssue(`x > ${'9'.repeat(400)}`);
    expect(issue.message).toContain('too large');
    expect(issue.span.start).toBe(4);
  });

  it('reports regex problems alongside the AST, at the pattern', () => {
    const { expr, issues } = parseExpression(`x matches "(?=a)" or y matches "[" or z matches "${'a'.repeat(201)}"`);
    expect(expr).toBeDefined();
    expect(issues.map((i) => [i.code, i.span.start, i.span.end])).toEqual([
      ['REGEX_INVALID', 10, 17],
      ['REGEX_INVALID', 31, 34],
      ['REGEX_TOO_LARGE', 48, 251],
    ]);
  });

  it('never returns the internal-error fallback on ordinary bad input', () => {
    for (const s of ['((', '))', '[', ']', ',', '.', 'not', '-', 'a.', 'a..b', 'in', 'is', '"\\', "'"]) {
      const { issues } = parseExpression(s);
      expect(issues.length, s).toBeGreaterThan(0);
      expect(issues[0]!.message).not.toContain('Internal error');
    }
  });
});

describe('parseExpression: limits', () => {
  it('rejects long input before lexing', () => {
    const source = 'a and '.repeat(1000) + 'a';
    const t0 = performance.now();
    const issue = onlyIssue(source);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(issue.code).toBe('EXPR_TOO_LONG');
    expect(issue.message).toContain('6001 characters');
  });

  it('rejects 10,000 nested parentheses quickly, without a stack overflow', () => {
    const source = '('.repeat(10_000) + 'a' + ')'.repeat(10_000);
    expect(onlyIssue(source).code).toBe('EXPR_TOO_LONG');
    const t0 = performance.now();
    const issue = onlyIssue(source, { maxLength: 100_000 });
    expect(performance.now() - t0).toBeLessThan(500);
    expect(issue.code).toBe('EXPR_TOO_DEEP');
    expect(issue.span.start).toBe(32);
  });

  it('counts prefix operators as nesting', () => {
    expect(onlyIssue('not '.repeat(40) + 'a').code).toBe('EXPR_TOO_DEEP');
    expect(onlyIssue('-'.repeat(40) + 'a').code).toBe('EXPR_TOO_DEEP');
    expect(onlyIssue('!'.repeat(5000) + 'a', { maxLength: 10_000 }).code).toBe('EXPR_TOO_DEEP');
  });

  it('allows nesting up to the limit and long flat chains', () => {
    expect(parseExpression('('.repeat(32) + 'a' + ')'.repeat(32)).issues).toEqual([]);
    expect(parseExpression('not a and '.repeat(40) + 'b').issues).toEqual([]);
    expect(parseExpression('a - -b - -c - -d').issues).toEqual([]);
  });

  it('rejects too many nodes', () => {
    const source = Array.from({ length: 200 }, () => 'a').join('+'); // 399 nodes in 399 chars
    expect(onlyIssue(source).code).toBe('EXPR_TOO_LARGE');
    expect(parseExpression(source, { maxNodes: 1000 }).issues).toEqual([]);
  });

  it('custom limits apply', () => {
    expect(onlyIssue('abc', { maxLength: 2 }).code).toBe('EXPR_TOO_LONG');
    expect(onlyIssue('((a))', { maxDepth: 1 }).code).toBe('EXPR_TOO_DEEP');
    expect(onlyIssue('a + b', { maxNodes: 2 }).code).toBe('EXPR_TOO_LARGE');
  });
});
