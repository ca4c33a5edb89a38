import { RE2JS } from 're2js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkRegex, compileRegex, evaluate, MAX_PATTERN_LENGTH, parseExpression } from '../../grammar/index.js';

const issueOf = (pattern: string) => {
  const issue = checkRegex(pattern);
  return issue && { code: issue.code, start: issue.span.start, end: issue.span.end };
};

describe('checkRegex', () => {
  // Backtracking shapes: harmless on a linear-time engine, so accepted.
  it.each([
    '^(.{0,20}){7}x$',
    `^${'[A-Za-z]{1,20} ?'.repeat(6)}$`,
    '(a+)+$',
    '(a*)*',
    '(\\w+\\s?)*',
    '(a|aa)+',
    '(.*a){20}',
    'a+a+b',
    '.*.*=.*',
    '([a-z]+)*@',
    'a{1,400}',
    'x'.repeat(MAX_PATTERN_LENGTH),
  ])('accepts %s', (pattern) => {
    expect(checkRegex(pattern)).toBeUndefined();
  });

  it.each([
    ['\\d{3}$', 'abc 123', true],
    ['^[a-z]+@[a-z]+\\.[a-z]{2,}$', 'ann@example.org', true],
    ['(?i)^yes$', 'YES', true],
    ['(?i)^é$', 'É', true],
    ['^\\p{L}+$', 'Zoë', true],
    ['^\\pL+$', 'Zoë', true],
    ['^\\p{Greek}+$', 'αβγ', true],
    ['^.$', '😀', true],
    ['^\\x{41}$', 'A', true],
    ['^(?P<y>\\d{4})-(?<m>\\d{2})$', '2026-12', true],
    ['^\\w+$', 'é', false],
    ['^\\s$', '\u00a0', false],
    ['^a.b$', 'a\nb', false],
    ['(?s)^a.b$', 'a\nb', true],
    ['yes', 'oh yes please', true],
  ])('%s on %j is %s (RE2 syntax and semantics)', (pattern, text, expected) => {
    expect(checkRegex(pattern)).toBeUndefined();
    expect(compileRegex(pattern)?.test(text)).toBe(expected);
  });

  it.each([
    // what RE2 does not support, pointed at
    ['a(?=b)', { code: 'REGEX_INVALID', start: 1, end: 4 }],
    ['a(?!b)', { code: 'REGEX_INVALID', start: 1, end: 4 }],
    ['(?<=a)b', { code: 'REGEX_INVALID', start: 0, end: 4 }],
    ['(?<!a)b', { code: 'REGEX_INVALID', start: 0, end: 4 }],
    ['(a)\\1', { code: 'REGEX_INVALID', start: 3, end: 5 }],
    ['(?<q>a)\\k<q>', { code: 'REGEX_INVALID', start: 7, end: 9 }],
    ['x\\u0041', { code: 'REGEX_INVALID', start: 1, end: 3 }],
    ['\\p{Letter}', { code: 'REGEX_INVALID', start: 0, end: 10 }],
    ['\\cA', { code: 'REGEX_INVALID', start: 0, end: 2 }],
    // syntax errors
    ['[', { code: 'REGEX_INVALID', start: 0, end: 1 }],
    ['ab(cd', { code: 'REGEX_INVALID', start: 2, end: 3 }],
    ['(a)(b', { code: 'REGEX_INVALID', start: 3, end: 4 }],
    ['ab)cd', { code: 'REGEX_INVALID', start: 2, end: 3 }],
    ['[)](a))', { code: 'REGEX_INVALID', start: 6, end: 7 }],
    ['a**', { code: 'REGEX_INVALID', start: 1, end: 3 }],
    ['(?<n>a)(?<n>b)', { code: 'REGEX_INVALID', start: 10, end: 11 }],
    ['ab\\', { code: 'REGEX_INVALID', start: 2, end: 3 }],
    ['x{2,1}', { code: 'REGEX_INVALID', start: 1, end: 6 }],
    ['a{1001}', { code: 'REGEX_INVALID', start: 1, end: 7 }],
    ['((a{100}){100}){100}', { code: 'REGEX_INVALID', start: 9, end: 14 }],
    // size limits
    ['x'.repeat(MAX_PATTERN_LENGTH + 5), { code: 'REGEX_TOO_LARGE', start: MAX_PATTERN_LENGTH, end: MAX_PATTERN_LENGTH + 5 }],
    ['^(.?){1000}$', { code: 'REGEX_TOO_LARGE', start: 0, end: 12 }],
    ['^(.{0,100}){10}$', { code: 'REGEX_TOO_LARGE', start: 0, end: 16 }],
    ['(.{0,1000}){1000}', { code: 'REGEX_TOO_LARGE', start: 0, end: 17 }],
  ])('refuses %s', (pattern, expected) => {
    expect(issueOf(pattern)).toEqual(expected);
    expect(compileRegex(pattern)).toBeUndefined();
  });

  it('names the construct and its fix', () => {
    expect(checkRegex('a(?=b)')?.message).toContain('lookaround');
    expect(checkRegex('(a)\\1')?.message).toContain('backreference');
    expect(checkRegex('x\\u0041')?.message).toContain('\\x{00E9}');
    expect(checkRegex('\\p{Letter}')?.message).toContain('\\p{L}');
  });
});

describe('compileRegex', () => {
  afterEach(() => vi.restoreAllMocks());

  it('compiles a pattern once, however many messages it sees', () => {
    const compile = vi.spyOn(RE2JS, 'compile');
    const pattern = '^cache-probe-[0-9]+$';
    const { expr } = parseExpression(`code matches "${pattern}"`);
    let matched = 0;
    for (let i = 0; i < 1000; i++) if (evaluate(expr!, () => `cache-probe-${i}`)) matched++;
    expect(checkRegex(pattern)).toBeUndefined();
    expect(matched).toBe(1000);
    expect(compile.mock.calls.filter(([p]) => p === pattern)).toHaveLength(1);
  });

  it('returns the same compiled pattern for the same text', () => {
    expect(compileRegex('^a+$')).toBe(compileRegex('^a+$'));
  });
});
