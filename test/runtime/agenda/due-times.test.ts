import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueTimes } from '../../../runtime/agenda/due-times.js';
import { fcOptions } from '../../support/fc-settings.js';

describe('DueTimes', () => {
  it('peeks the earliest time kept, and drops exactly the times up to now', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), fc.integer({ min: 0, max: 1000 }), (times, now) => {
        const due = new DueTimes();
        for (const t of times) due.add(t);
        expect(due.peek()).toBe(times.length === 0 ? Infinity : Math.min(...times));
        due.dropUntil(now);
        const left = times.filter((t) => t > now);
        expect(due.size).toBe(left.length);
        expect(due.peek()).toBe(left.length === 0 ? Infinity : Math.min(...left));
      }),
      fcOptions,
    );
  });

  it('keeps at most its limit', () => {
    const due = new DueTimes(2);
    expect([due.add(3), due.add(1), due.add(2)]).toEqual([true, true, false]);
    expect([due.size, due.peek()]).toEqual([2, 1]);
  });
});
