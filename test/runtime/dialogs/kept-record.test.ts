import { describe, expect, it } from 'vitest';
import { DialogRegistry } from '../../../runtime/dialogs/index.js';
import type { DialogState } from '../../../runtime/store/index.js';

const record = (recentUpdates: string[]): DialogState => ({
  key: { botId: 'b', platform: 'p', chatId: 'c' },
  rev: 3,
  scenarioVersion: 'v',
  step: 'ask',
  status: 'active',
  vars: { name: 'Ann' },
  snapshot: { state: 'ask', attempts: 0 },
  outbox: [
    { seq: 4, text: 'a', buttons: [], at: 1 },
    { seq: 5, text: 'b', buttons: [], at: 1 },
  ],
  lastSeq: 5,
  delivered: 3,
  recentUpdates,
  blocked: false,
  createdAt: 1,
  updatedAt: 2,
});

describe('a kept record', () => {
  it('gives back the record as written, recent update ids included, whatever they contain', () => {
    for (const ids of [[], ['1', '2', '3'], ['a\nb', 'c'], ['', 'x']]) {
      const r = new DialogRegistry({}, () => 0);
      r.set('k', undefined, record(ids));
      expect(r.get('k')!.state).toEqual(record(ids));
    }
  });

  it('drops delivered replies and raises delivered, never lowers it', () => {
    const r = new DialogRegistry({}, () => 0);
    r.set('k', undefined, record(['1']));
    r.delivered('k', 4);
    expect(r.get('k')!.state).toMatchObject({ delivered: 4, outbox: [{ seq: 5 }] });
    r.delivered('k', 2);
    expect(r.get('k')!.state.delivered).toBe(4);
    expect(r.get('k')!.pending).toBe(1);
  });
});
