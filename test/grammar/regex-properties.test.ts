import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { checkRegex, compileSafeRegex } from '../../grammar/index.js';
import { fcParams, patternArb, sourceArb } from './arbitraries.js';

const ADVERSARIAL = ['a'.repeat(28) + '!', '1'.repeat(28) + '!', 'ab'.repeat(14) + '!', ' '.repeat(28) + '!', 'a1 '.repeat(9) + '!'];

describe('properties: regex safety', () => {
  test.prop([sourceArb], fcParams)('checkRegex and compileSafeRegex never throw', (pattern) => {
    const issue = checkRegex(pattern);
    expect(issue === undefined || issue.code.startsWith('REGEX_')).toBe(true);
    expect(compileSafeRegex(pattern) === undefined).toBe(issue !== undefined);
  });

  test.prop([patternArb], fcParams)('accepted patterns match adversarial input quickly', (pattern) => {
    const re = compileSafeRegex(pattern);
    if (!re) return;
    const t0 = performance.now();
    for (const input of ADVERSARIAL) re.test(input);
    expect(performance.now() - t0, pattern).toBeLessThan(100);
  });
});
