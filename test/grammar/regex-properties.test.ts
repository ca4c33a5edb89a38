import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { checkRegex, compileSafeRegex } from '../../grammar/index.js';
import { fcParams, patternArb, sourceArb } from './arbitraries.js';

// As long as the evaluator lets a subject get (1000 chars), ending in a character that makes matches fail late.
const ADVERSARIAL = ['a'.repeat(1000) + '!', '1'.repeat(1000) + '!', 'ab'.repeat(500) + '!', ' '.repeat(1000) + '!', 'a1 '.repeat(333) + '!'];

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
    expect(performance.now() - t0, pattern).toBeLessThan(250); // typically under 10 ms; generous for slow machines
  });
});
