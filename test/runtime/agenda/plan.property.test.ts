import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byDue, nextAgenda } from '../../../runtime/agenda/index.js';
import type { Effect } from '../../../runtime/engine/index.js';
import type { AgendaEntry } from '../../../runtime/store/index.js';
import { fcOptions } from '../../support/fc-settings.js';

const steps = ['a', 'b', 'c'];
const step = fc.constantFrom(...steps);
const scheduleOf = fc.record({
  step,
  timer: fc.constantFrom('timeout' as const, 'reminder' as const, 'wait' as const),
  afterMs: fc.integer({ min: 1000, max: 10_000_000 }),
  index: fc.option(fc.nat(3), { nil: undefined }),
});
/** One turn of a random dialog: where it goes, what it schedules, whether a user message or a firing caused it. */
const turnOf = fc.record({
  stepAfter: fc.option(step, { nil: null, freq: 5 }),
  schedules: fc.array(scheduleOf, { maxLength: 3 }),
  advance: fc.nat(1_000_000),
  cause: fc.constantFrom('user' as const, 'timer' as const, 'other' as const),
});

describe('nextAgenda over random dialogs', () => {
  it('never holds two entries with one id, nothing bound to another step than the step after, empty when ended, sorted by due', () => {
    fc.assert(
      fc.property(fc.array(turnOf, { minLength: 1, maxLength: 30 }), fc.option(fc.integer({ min: 1000, max: 5_000_000 }), { nil: undefined }), (turns, expireAfterMs) => {
        let agenda: readonly AgendaEntry[] = [];
        let stepBefore: string | null = null;
        let now = 0;
        const seen = new Set<string>();
        turns.forEach((t, i) => {
          now += t.advance;
          const fired = t.cause === 'timer' ? agenda.find((e) => e.due <= now)?.id : undefined;
          const effects: Effect[] = t.stepAfter === null ? [] : t.schedules.map((s) => ({ type: 'schedule', ...s, step: t.stepAfter! }));
          const next = nextAgenda({ previous: agenda, effects, stepBefore, stepAfter: t.stepAfter, rev: i + 1, now, fired, userMessage: t.cause === 'user', expireAfterMs });
          expect(new Set(next.map((e) => e.id)).size).toBe(next.length);
          expect(next.every((e) => e.step === null || e.step === t.stepAfter)).toBe(true);
          if (t.stepAfter === null) expect(next).toEqual([]);
          expect([...next].sort(byDue)).toEqual(next);
          if (fired !== undefined) expect(next.some((e) => e.id === fired)).toBe(false);
          // An id is never reused once it left: a fired or dropped entry cannot come back.
          for (const e of next) if (!agenda.some((p) => p.id === e.id)) expect(seen.has(e.id)).toBe(false);
          for (const e of next) seen.add(e.id);
          if (expireAfterMs !== undefined && t.stepAfter !== null) expect(next.filter((e) => e.name === 'expire')).toHaveLength(1);
          agenda = next;
          stepBefore = t.stepAfter;
        });
      }),
      fcOptions,
    );
  });
});
