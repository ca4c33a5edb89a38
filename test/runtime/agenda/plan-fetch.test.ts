import { describe, expect, it } from 'vitest';
import { nextAgenda, type AgendaTurn } from '../../../runtime/agenda/index.js';
import type { Effect, FetchLimits, IncomingFile } from '../../../runtime/engine/index.js';
import type { AgendaEntry } from '../../../runtime/store/index.js';

const FILES: IncomingFile[] = [{ kind: 'photo', ref: 'tg-1', size: 900 }];
const LIMITS: FetchLimits = { maxBytes: 5_000_000, mime: ['image/*'] };
const fetchOf = (step: string): Effect => ({ type: 'fetch', step, files: FILES, limits: LIMITS });
const turn = (t: Partial<AgendaTurn>): AgendaTurn => ({ previous: [], effects: [], stepBefore: 'ask', stepAfter: 'ask', rev: 7, now: 2000, userMessage: true, ...t });
const timeout: AgendaEntry = { id: '3.1', kind: 'timer', name: 'timeout', step: 'ask', due: 90_000, at: 0 };
const reminder: AgendaEntry = { id: '3.2', kind: 'timer', name: 'reminder', index: 0, step: 'ask', due: 60_000, at: 0 };

describe('nextAgenda: fetches', () => {
  it('turns a fetch effect into a fetch entry due now, with its files and limits and no attempt made', () => {
    expect(nextAgenda(turn({ effects: [fetchOf('ask')] }))).toEqual([
      { id: '7.1', kind: 'fetch', name: 'fetch', step: 'ask', due: 2000, at: 2000, fetch: { files: FILES, limits: LIMITS }, attempts: 0 },
    ]);
  });

  it('a fetch is not a new visit: the step keeps its timeout and reminders', () => {
    const out = nextAgenda(turn({ previous: [reminder, timeout], effects: [fetchOf('ask')] }));
    expect(out.map((e) => `${e.kind}:${e.name}:${e.id}`)).toEqual(['fetch:fetch:7.1', 'timer:reminder:3.2', 'timer:timeout:3.1']);
  });

  it('a second fetch in the same visit keeps the first', () => {
    const first = nextAgenda(turn({ effects: [fetchOf('ask')] }));
    const second = nextAgenda(turn({ previous: first, rev: 8, effects: [fetchOf('ask')] }));
    expect(second.map((e) => e.id)).toEqual(['7.1', '8.1']);
  });

  it('the applied fetch leaves; its step left, ended or entered again drops the rest', () => {
    const previous = nextAgenda(turn({ previous: [timeout], effects: [fetchOf('ask')] }));
    expect(nextAgenda(turn({ previous, fired: '7.1', userMessage: false, rev: 8 })).map((e) => e.id)).toEqual(['3.1']);
    expect(nextAgenda(turn({ previous, fired: '7.1', userMessage: false, rev: 8, stepAfter: 'next' }))).toEqual([]);
    expect(nextAgenda(turn({ previous, rev: 8, stepAfter: null }))).toEqual([]);
    const reentered: Effect = { type: 'schedule', step: 'ask', timer: 'timeout', afterMs: 1000 };
    expect(nextAgenda(turn({ previous, rev: 8, effects: [reentered] })).map((e) => e.kind)).toEqual(['timer']);
  });

  it('ignores a fetch of a step the turn did not stop in', () => {
    expect(nextAgenda(turn({ stepAfter: 'other', effects: [fetchOf('ask')] }))).toEqual([]);
  });
});
