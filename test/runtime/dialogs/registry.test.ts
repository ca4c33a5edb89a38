import { describe, expect, it } from 'vitest';
import { Dialog } from '../../../runtime/engine/index.js';
import { DialogRegistry } from '../../../runtime/dialogs/index.js';
import type { DialogState } from '../../../runtime/store/index.js';
import { SPEC } from './harness.js';

const state = { rev: 1 } as DialogState;

describe('the registry of live actors', () => {
  it('keeps at most maxSize, dropping the least recently written first', () => {
    const r = new DialogRegistry({ maxSize: 2 }, () => 0);
    const [a, b, c] = [new Dialog(SPEC), new Dialog(SPEC), new Dialog(SPEC)];
    r.set('a', a, state);
    r.set('b', b, state);
    r.set('a', a, state); // written again: now the most recent
    r.set('c', c, state);
    expect(r.size).toBe(2);
    expect(r.get('b')).toBeUndefined();
    expect(r.get('a')?.dialog).toBe(a);
    expect(r.get('c')?.dialog).toBe(c);
  });

  it('forgets actors idle for longer than idleMs, on read and on sweep', () => {
    let now = 1000;
    const r = new DialogRegistry({ idleMs: 500 }, () => now);
    r.set('a', new Dialog(SPEC), state);
    now = 1400;
    r.set('b', new Dialog(SPEC), state);
    now = 1501;
    expect(r.get('a')).toBeUndefined();
    expect(r.get('b')).toBeDefined();
    now = 1950;
    expect(r.sweep()).toBe(1);
    expect(r.size).toBe(0);
  });
});
