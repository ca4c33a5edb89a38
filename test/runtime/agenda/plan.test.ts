import { describe, expect, it } from 'vitest';
import { agendaEventId, dueEntries, earliestDue, nextAgenda, timerEvent, type AgendaTurn } from '../../../runtime/agenda/index.js';
import type { Effect } from '../../../runtime/engine/index.js';
import type { AgendaEntry } from '../../../runtime/store/index.js';

const schedule = (step: string, timer: 'timeout' | 'reminder' | 'wait', afterMs: number, index?: number): Effect =>
  index === undefined ? { type: 'schedule', step, timer, afterMs } : { type: 'schedule', step, timer, afterMs, index };
const entry = (id: string, name: string, step: string | null, due: number, index?: number): AgendaEntry =>
  index === undefined ? { id, kind: 'timer', name, step, due, at: 0 } : { id, kind: 'timer', name, step, due, at: 0, index };
const turn = (t: Partial<AgendaTurn>): AgendaTurn => ({ previous: [], effects: [], stepBefore: 'a', stepAfter: 'a', rev: 5, now: 1000, userMessage: true, ...t });

describe('nextAgenda', () => {
  it('adds one entry per schedule effect of the step after, named <rev>.<n>, sorted by due', () => {
    const agenda = nextAgenda(turn({ stepBefore: null, stepAfter: 'ask', effects: [schedule('ask', 'timeout', 600_000), schedule('ask', 'reminder', 60_000, 0)] }));
    expect(agenda).toEqual([
      { id: '5.2', kind: 'timer', name: 'reminder', index: 0, step: 'ask', due: 61_000, at: 1000 },
      { id: '5.1', kind: 'timer', name: 'timeout', step: 'ask', due: 601_000, at: 1000 },
    ]);
  });

  it('keeps the entries of a step the turn stayed in without re-entering it', () => {
    const previous = [entry('2.1', 'timeout', 'ask', 9000)];
    expect(nextAgenda(turn({ previous, stepBefore: 'ask', stepAfter: 'ask' }))).toEqual(previous);
  });

  it('drops the entries of a step the turn left', () => {
    const previous = [entry('2.1', 'timeout', 'ask', 9000)];
    expect(nextAgenda(turn({ previous, stepBefore: 'ask', stepAfter: 'other' }))).toEqual([]);
  });

  it('drops the entries of a step entered again (the turn scheduled its timers anew)', () => {
    const previous = [entry('2.1', 'timeout', 'ask', 9000)];
    const agenda = nextAgenda(turn({ previous, stepBefore: 'ask', stepAfter: 'ask', effects: [schedule('ask', 'timeout', 500)] }));
    expect(agenda.map((e) => e.id)).toEqual(['5.1']);
  });

  it('removes the fired entry and keeps the rest of the step', () => {
    const previous = [entry('2.1', 'reminder', 'ask', 900, 0), entry('2.2', 'timeout', 'ask', 9000)];
    const agenda = nextAgenda(turn({ previous, fired: '2.1', userMessage: false, stepBefore: 'ask', stepAfter: 'ask' }));
    expect(agenda.map((e) => e.id)).toEqual(['2.2']);
  });

  it('is empty when the dialog is in no step afterwards (ended)', () => {
    const previous = [entry('2.1', 'timeout', 'a', 9000), entry('2.2', 'expire', null, 99_000)];
    expect(nextAgenda(turn({ previous, stepAfter: null, expireAfterMs: 5000 }))).toEqual([]);
  });

  it('ignores schedule effects for another step than the step after', () => {
    expect(nextAgenda(turn({ stepAfter: 'b', effects: [schedule('a', 'wait', 10)] }))).toEqual([]);
  });

  it('creates the idle expiry when missing, renews it on a user message, keeps it on other turns', () => {
    const created = nextAgenda(turn({ rev: 1, stepBefore: null, expireAfterMs: 5000 }));
    expect(created).toEqual([{ id: '1.1', kind: 'timer', name: 'expire', step: null, due: 6000, at: 1000 }]);
    const kept = nextAgenda(turn({ rev: 2, previous: created, now: 3000, userMessage: false, expireAfterMs: 5000 }));
    expect(kept).toEqual(created);
    const renewed = nextAgenda(turn({ rev: 3, previous: kept, now: 4000, userMessage: true, expireAfterMs: 5000 }));
    expect(renewed).toEqual([{ id: '3.1', kind: 'timer', name: 'expire', step: null, due: 9000, at: 4000 }]);
  });

  it('drops the idle expiry when the config has none any more', () => {
    expect(nextAgenda(turn({ previous: [entry('1.1', 'expire', null, 5000)] }))).toEqual([]);
  });

  it('orders ties by id as numbers', () => {
    const previous = [entry('10.1', 'timeout', 'a', 5), entry('9.2', 'reminder', 'a', 5, 1)];
    expect(nextAgenda(turn({ previous, userMessage: false })).map((e) => e.id)).toEqual(['9.2', '10.1']);
  });
});

describe('agenda helpers', () => {
  const agenda = [entry('1.2', 'timeout', 'a', 300), entry('1.1', 'reminder', 'a', 100, 0), entry('1.3', 'expire', null, 900)];

  it('lists the due entries in firing order', () => {
    expect(dueEntries(agenda, 300).map((e) => e.id)).toEqual(['1.1', '1.2']);
    expect(dueEntries(undefined, 300)).toEqual([]);
  });

  it('finds the earliest due time', () => {
    expect(earliestDue(agenda)).toBe(100);
    expect(earliestDue([])).toBeUndefined();
  });

  it('turns an entry into its engine event and event id', () => {
    expect(timerEvent(agenda[1]!)).toEqual({ type: 'timer.reminder', index: 0 });
    expect(timerEvent(agenda[0]!)).toEqual({ type: 'timer.timeout' });
    expect(agendaEventId(agenda[0]!)).toBe('agenda:1.2');
  });
});
