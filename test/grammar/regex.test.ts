import { describe, expect, it } from 'vitest';
import { checkRegex, compileSafeRegex } from '../../grammar/index.js';

describe('checkRegex', () => {
  it.each([
    '(a+)+$',
    '(a*)*',
    '(\\w+\\s?)*',
    '(a|aa)+',
    '(a|a?)+',
    '(\\w|\\d)+$',
    '(.*a){20}',
    '((ab)+c)*',
    '(?:x+y?)+',
    '([a-z]+)*@',
    '(?<=a)b',
    '(?<!a)b',
    '(a)\\1',
    '(?<q>a)\\k<q>',
    'a{1,5000}',
    'a{2000}',
    'x'.repeat(201),
    // polynomial: two long repetitions competing for the same characters, then something that can fail
    'a+a+b',
    '.*a.*b',
    '.*.*=.*',
    '\\d+\\d+$',
    '(.*)(.*)x',
    '\\d+(?!a)\\d+x',
    '.{0,900}a.{0,900}b',
    '(a+|b)a+x',
  ])('unsafe: %s', (pattern) => {
    expect(checkRegex(pattern)?.code).toBe('REGEX_UNSAFE');
  });

  it.each([
    '^\\d{3}$',
    '^[a-z]+@[a-z]+\\.[a-z]{2,}$',
    '^(yes|no)$',
    '(ab)+',
    '(\\d{3})+',
    '(a+)?',
    '^\\+?[0-9 ]{7,15}$',
    'a{1,1000}',
    '^(?:[A-Z]{2}\\d{2})$',
    '(?<year>\\d{4})-(?<month>\\d{2})',
    '[(+)]+',
    '\\(a+\\)+',
    'x'.repeat(200),
    '.*yes.*',
    '^(a+|b+)$',
    '^\\s*\\d+\\s*$',
    '^\\d+(\\.\\d+)?$',
    '^(\\d+)\\.(\\d+)$',
    '\\d+\\s*(kg|lbs)',
    '^\\w+\\s\\w+$',
    '[\\w.+-]+@[\\w-]+\\.[\\w.]+$',
  ])('safe: %s', (pattern) => {
    expect(checkRegex(pattern)).toBeUndefined();
  });

  it.each(['[', '(', 'a**', '(?<n>a)(?<n>b)', '\\'])('invalid: %s', (pattern) => {
    expect(checkRegex(pattern)?.code).toBe('REGEX_INVALID');
  });

  it('points at the offending part', () => {
    expect(checkRegex('^x(a+)+$')?.span).toEqual({ start: 2, end: 7 });
    expect(checkRegex('^x(a+)+$')?.message).toContain('"(a+)+"');
  });
});

describe('compileSafeRegex', () => {
  it('compiles with the u flag when valid, caches, and refuses bad patterns', () => {
    const re = compileSafeRegex('^\\p{L}+$');
    expect(re?.flags).toBe('u');
    expect(re?.test('Zoë')).toBe(true);
    expect(compileSafeRegex('^\\p{L}+$')).toBe(re);
    expect(compileSafeRegex('\\-')?.flags).toBe('');
    expect(compileSafeRegex('(a+)+')).toBeUndefined();
    expect(compileSafeRegex('[')).toBeUndefined();
  });
});
