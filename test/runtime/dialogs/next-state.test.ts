import { describe, expect, it } from 'vitest';
import { nextState } from '../../../runtime/dialogs/next-state.js';
import type { DialogKey, DialogState } from '../../../runtime/store/index.js';

const key: DialogKey = { botId: 'b', platform: 'telegram', chatId: '1' };
const previous = {
  key,
  rev: 4,
  scenarioVersion: 'v1',
  step: 'ask',
  status: 'active',
  vars: {},
  snapshot: {},
  outbox: [
    { seq: 1, text: 'old', buttons: [], at: 1 },
    { seq: 2, text: 'pending', buttons: [], at: 1 },
  ],
  lastSeq: 2,
  delivered: 1,
  recentUpdates: ['7'],
  blocked: false,
  createdAt: 1,
  updatedAt: 1,
} as DialogState;

describe('nextState', () => {
  it('appends replies and extra messages in order, masks the history only, and prunes delivered replies', () => {
    const { state, history } = nextState({
      key,
      previous,
      scenarioVersion: 'v1',
      stepBefore: 'ask',
      stepAfter: 'menu',
      vars: { pin: '1234' },
      snapshot: {},
      effects: [
        { type: 'say', step: 'ask', text: 'your pin is 1234', buttons: [], masked: 'your pin is ***' },
        { type: 'error', step: 'ask', code: 'X', message: 'm' } as never,
        { type: 'say', step: 'menu', text: 'menu', buttons: [{ text: 'A', value: 'a' }] as never },
      ],
      extra: [{ text: 'notice', buttons: [] }],
      inbound: { updateId: '8', message: { text: '1234' }, sensitive: true },
      now: 9,
    });
    expect(state.rev).toBe(5);
    expect(state.lastSeq).toBe(5);
    expect(state.recentUpdates).toEqual(['7', '8']);
    expect(state.outbox).toEqual([
      { seq: 2, text: 'pending', buttons: [], at: 1 },
      { seq: 3, text: 'your pin is 1234', buttons: [], step: 'ask', at: 9, masked: { text: 'your pin is ***', rev: 5, reply: 0 } },
      { seq: 4, text: 'menu', buttons: [{ text: 'A', value: 'a' }], step: 'menu', at: 9 },
      { seq: 5, text: 'notice', buttons: [], at: 9 },
    ]);
    // The stored JSON keeps its field order.
    expect(Object.keys(state.outbox[1]!)).toEqual(['seq', 'text', 'buttons', 'step', 'at', 'masked']);
    expect(Object.keys(state.outbox[3]!)).toEqual(['seq', 'text', 'buttons', 'at']);
    expect(history.map((h) => [h.direction, h.step, h.text])).toEqual([
      ['in', 'ask', '***'],
      ['out', 'ask', 'your pin is ***'],
      ['out', 'menu', 'menu'],
      ['out', null, 'notice'],
    ]);
  });
});
