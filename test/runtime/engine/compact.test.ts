import { describe, expect, it } from 'vitest';
import { Dialog, isCompactState, SnapshotMismatchError } from '../../../runtime/engine/index.js';
import { MemoryStore } from '../../../runtime/store/index.js';
import { compileText, harness, key, SPEC } from '../dialogs/harness.js';

const texts = (effects: readonly { type: string; text?: string }[]) => effects.map((e) => (e.type === 'say' ? e.text : `<${e.type}>`));

describe('the compact dialog state', () => {
  it('holds the state and the attempts only, and a dialog continues from it with its variables', () => {
    const a = new Dialog(SPEC);
    a.send({ text: 'hi', user: { id: 7, first_name: 'Ann' } });
    a.send({ text: 'Ann' });
    const stored = JSON.parse(JSON.stringify(a.compact())) as unknown;
    expect(stored).toEqual({ state: 'greet_with_name', attempts: 0 });
    const b = new Dialog(SPEC, { snapshot: stored, vars: { name: 'Ann' } });
    expect(b.step).toBe('greet_with_name');
    expect(texts(b.send({ press: 'more_info' }).effects)).toEqual(texts(a.send({ press: 'more_info' }).effects));
  });

  it('keeps the user profile and the attempts when the scenario needs them', () => {
    const config = compileText({
      name: 'Profile',
      version: '1',
      start_step: 'age',
      steps: {
        age: { type: 'message', message: { text: 'Age, {{user.first_name}}?' }, expected_input: { type: 'number', variable: 'age', max_attempts: 3 }, on_fail: 'done', next_step: 'done' },
        done: { type: 'message', message: { text: 'Thanks {{user.first_name}}' } },
      },
    });
    const a = new Dialog(config);
    a.send({ text: 'hi', user: { id: 7, first_name: 'Ann' } });
    a.send({ text: 'not a number' });
    const compact = a.compact();
    expect(compact).toEqual({ state: 'age', attempts: 1, user: { id: 7, first_name: 'Ann' } });
    const b = new Dialog(config, { snapshot: JSON.parse(JSON.stringify(compact)), vars: {} });
    expect(texts(b.send({ text: '42' }).effects)).toEqual(['Thanks Ann', '<end>']);
  });

  it('refuses a compact state that does not fit the scenario', () => {
    expect(() => new Dialog(SPEC, { snapshot: { state: 'no_such_step', attempts: 0 }, vars: {} })).toThrow(SnapshotMismatchError);
    expect(() => new Dialog(SPEC, { snapshot: { state: 'ask_name', attempts: 'x' } })).toThrow(SnapshotMismatchError);
    expect(() => new Dialog(SPEC, { snapshot: { state: 'ask_name', attempts: 0 }, vars: 3 as never })).toThrow(SnapshotMismatchError);
  });
});

describe('dialog records in the store', () => {
  it('are written compact, with the variables in their own field only', async () => {
    const h = harness();
    await h.send({ id: 1, chat: 'c', text: '/start' });
    await h.send({ id: 2, chat: 'c', text: 'Ann' });
    const state = (await h.store.getDialog(key('c')))!;
    expect(isCompactState(state.snapshot)).toBe(true);
    expect(state.snapshot).toEqual({ state: 'greet_with_name', attempts: 0 });
    expect(state.vars).toEqual({ name: 'Ann' });
  });

  it('holding a full XState snapshot (written by earlier versions) still restore, in another process', async () => {
    const store = new MemoryStore();
    const h = harness({ store });
    await h.send({ id: 1, chat: 'c', text: '/start' });
    const old = new Dialog(SPEC);
    old.send({ text: '/start' });
    old.send({ text: 'Bo' });
    const state = (await store.getDialog(key('c')))!;
    await store.writeDialog({ expectedRev: 1, state: { ...state, rev: 2, step: 'greet_with_name', vars: { name: 'Bo' }, snapshot: old.persisted() }, history: [] });
    const other = harness({ store });
    const r = await other.send({ id: 3, chat: 'c', press: 'more_info' });
    expect(r).toMatchObject({ status: 'applied', restarted: false });
    expect(r.status === 'applied' && texts(r.effects)).toContain('Goodbye, Bo!');
    expect(isCompactState((await store.getDialog(key('c')))!.snapshot)).toBe(true);
  });
});
