import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { checkRegex, compileRegex } from '../../grammar/index.js';
import { fcParams, patternArb, sourceArb } from './arbitraries.js';

/** Short texts: a backtracking reference stays fast on them. No `\r` or non-ASCII, where `.` and `\s` differ. */
const shortTextArb = fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', '!', '\n'), maxLength: 10 });

function javascriptRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

describe('properties: regular expressions', () => {
  test.prop([sourceArb], fcParams)('checkRegex and compileRegex never throw and agree', (pattern) => {
    const issue = checkRegex(pattern);
    expect(issue === undefined || issue.code.startsWith('REGEX_')).toBe(true);
    if (issue) expect(issue.span.start <= issue.span.end && issue.span.end <= pattern.length).toBe(true);
    expect(compileRegex(pattern) === undefined).toBe(issue !== undefined);
  });

  test.prop([patternArb, fc.array(shortTextArb, { minLength: 1, maxLength: 5 })], fcParams)(
    'on the syntax both share, a pattern means what it means in JavaScript',
    (pattern, texts) => {
      const regex = compileRegex(pattern);
      const reference = javascriptRegExp(pattern);
      if (!regex || !reference) return;
      for (const text of texts) expect(regex.test(text), `${pattern} on ${JSON.stringify(text)}`).toBe(reference.test(text));
    },
  );
});
