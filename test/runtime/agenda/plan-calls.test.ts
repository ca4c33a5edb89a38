import { describe, expect, it } from 'vitest';
import { backoffMs, nextAgenda, requestOf, type AgendaTurn } from '../../../runtime/agenda/index.js';
import type { CallRequest, Effect } from '../../../runtime/engine/index.js';
import type { AgendaEntry } from '../../../runtime/store/index.js';

const REQUEST: CallRequest = { method: 'GET', url: 'https://crm.example/orders/7', headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' }, timeoutMs: 10_000, retries: 2 };
const call = (step: string, request: CallRequest = REQUEST): Effect => ({ type: 'call', step, request });
const turn = (t: Partial<AgendaTurn>): AgendaTurn => ({ previous: [], effects: [], stepBefore: 'a', stepAfter: 'a', rev: 5, now: 1000, userMessage: true, ...t });
const callEntry = (id: string, step: string, attempts = 0): AgendaEntry => ({ id, kind: 'call', name: 'call', step, due: 0, at: 0, request: { ...REQUEST }, attempts });

describe('nextAgenda: calls', () => {
  it('turns a call effect of the step after into a call entry due now, with no attempt made', () => {
    expect(nextAgenda(turn({ stepBefore: 'ask', stepAfter: 'lookup', effects: [call('lookup')] }))).toEqual([
      { id: '5.1', kind: 'call', name: 'call', step: 'lookup', due: 1000, at: 1000, request: REQUEST, attempts: 0 },
    ]);
  });

  it('ignores a call effect of a step the turn went through without stopping', () => {
    expect(nextAgenda(turn({ stepBefore: 'ask', stepAfter: 'done', effects: [call('lookup')] }))).toEqual([]);
  });

  it('keeps a call entry while the dialog stays in its step (a message at a call step changes nothing)', () => {
    const previous = [callEntry('2.1', 'lookup', 1)];
    expect(nextAgenda(turn({ previous, stepBefore: 'lookup', stepAfter: 'lookup' }))).toEqual(previous);
  });

  it('drops a call entry with its step: left, ended, or entered again (a new call replaces it)', () => {
    const previous = [callEntry('2.1', 'lookup', 1)];
    expect(nextAgenda(turn({ previous, stepBefore: 'lookup', stepAfter: 'other' }))).toEqual([]);
    expect(nextAgenda(turn({ previous, stepBefore: 'lookup', stepAfter: null }))).toEqual([]);
    expect(nextAgenda(turn({ previous, stepBefore: 'lookup', stepAfter: 'lookup', effects: [call('lookup')] })).map((e) => e.id)).toEqual(['5.1']);
  });

  it('a call step entered again drops the timers of the visit before', () => {
    const previous: AgendaEntry[] = [{ id: '2.1', kind: 'timer', name: 'timeout', step: 'lookup', due: 9000, at: 0 }];
    expect(nextAgenda(turn({ previous, stepBefore: 'lookup', stepAfter: 'lookup', effects: [call('lookup')] })).map((e) => e.kind)).toEqual(['call']);
  });

  it('removes the call entry whose result the turn applied', () => {
    const previous = [callEntry('2.1', 'lookup', 1)];
    expect(nextAgenda(turn({ previous, fired: '2.1', userMessage: false, stepBefore: 'lookup', stepAfter: 'lookup' }))).toEqual([]);
  });
});

describe('call entries: request and backoff', () => {
  it('reads the stored request, and refuses one that is not a request', () => {
    expect(requestOf(callEntry('1.1', 's'))).toEqual(REQUEST);
    expect(requestOf({ ...callEntry('1.1', 's'), request: { method: 'GET', url: 'https://x.example/', timeoutMs: 5 } })).toEqual({ method: 'GET', url: 'https://x.example/', headers: {}, timeoutMs: 5, retries: 0 });
    expect(requestOf({ ...callEntry('1.1', 's'), request: { method: 'TRACE', url: 'https://x.example/', headers: {}, timeoutMs: 5, retries: 0 } })).toBeUndefined();
    expect(requestOf({ ...callEntry('1.1', 's'), request: undefined })).toBeUndefined();
  });

  it('never retries a non-idempotent method, whatever the entry says', () => {
    expect(requestOf({ ...callEntry('1.1', 's'), request: { ...REQUEST, method: 'POST', retries: 3 } })?.retries).toBe(0);
    expect(requestOf({ ...callEntry('1.1', 's'), request: { ...REQUEST, method: 'PATCH', retries: 3 } })?.retries).toBe(0);
    expect(requestOf({ ...callEntry('1.1', 's'), request: { ...REQUEST, method: 'PUT', retries: 3 } })?.retries).toBe(3);
  });

  it('waits 1, 2, then 4 s between attempts', () => {
    expect([1, 2, 3, 4, 5].map(backoffMs)).toEqual([1000, 2000, 4000, 4000, 4000]);
  });
});
