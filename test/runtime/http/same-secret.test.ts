import { describe, expect, it } from 'vitest';
import { sameSecret } from '../../../runtime/http/index.js';

describe('sameSecret', () => {
  it('accepts only the exact secret', () => {
    expect(sameSecret('abc_DEF-123', 'abc_DEF-123')).toBe(true);
    expect(sameSecret('abc_DEF-124', 'abc_DEF-123')).toBe(false);
    expect(sameSecret('abc_DEF-12', 'abc_DEF-123')).toBe(false);
    expect(sameSecret('', 'abc')).toBe(false);
    expect(sameSecret('é', 'e')).toBe(false);
  });
});
