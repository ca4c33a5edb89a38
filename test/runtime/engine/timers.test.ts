import { describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig, type MachineConfig } from '../../../compiler/index.js';
import { Dialog, type Effect } from '../../../runtime/engine/index.js';
import { scenario } from '../../support/scenario-text.js';

function machineOf(text: string): MachineConfig {
  const { ir, diagnostics } = compileScenario(text, { file: 't.json' });
  if (!ir) throw new Error(JSON.stringify(diagnostics));
  return emitMachineConfig(ir);
}

const shown = (effects: readonly Effect[]) =>
  effects.map((e) => (e.type === 'say' ? e.text : e.type === 'schedule' ? `<schedule ${e.timer}${e.index ?? ''} ${e.afterMs}>` : e.type === 'end' ? `<end ${e.reason}>` : `<${e.type}>`));

const ask = (text: string, variable: string, next: unknown, extra: Record<string, unknown> = {}) => ({
  message: { text },
  expected_input: { type: 'text', variable },
  next_step: next,
  ...extra,
});
const say = (text: string, next?: unknown, extra: Record<string, unknown> = {}) => ({ message: { text }, ...(next ? { next_step: next } : {}), ...extra });

const timed = machineOf(
  scenario(
    {
      ask_name: ask('Name?', 'name', 'done', {
        timeout: { after: '10m', next: 'gone' },
        reminders: [
          { after: '1m', message: 'Still there?' },
          { after: '5m', message: 'Last call.' },
        ],
      }),
      done: say('Hi {{name}}', 'pause'),
      pause: say('Checking...', { type: 'conditional', conditions: [{ if: 'name == "Ann"', then: 'ann' }], else: 'other' }, { wait: '1h' }),
      ann: say('Welcome back Ann'),
      other: say('Nice to meet you'),
      gone: say('Closed for inactivity.'),
      bye: say('Your session expired.'),
    },
    { expire_after: '7d', on_expire: 'bye' },
  ),
);

describe('timers in the engine', () => {
  it('entering a step with timers emits its schedule effects after the message', () => {
    const d = new Dialog(timed);
    expect(shown(d.send({ text: 'hi' }).effects)).toEqual(['Name?', '<schedule timeout 600000>', '<schedule reminder0 60000>', '<schedule reminder1 300000>']);
    expect(d.send({ text: 'Ann' }).effects).toContainEqual({ type: 'schedule', step: 'pause', timer: 'wait', afterMs: 3_600_000 });
  });

  it('the config carries expireAfterMs and XState builds the machine with it', () => {
    expect(timed.expireAfterMs).toBe(7 * 86_400_000);
    expect(new Dialog(timed).send({ text: 'hi' }).step).toBe('ask_name');
  });

  it('timer.timeout goes to the timeout target', () => {
    const d = new Dialog(timed);
    d.send({ text: 'hi' });
    const r = d.sendEvent({ type: 'timer.timeout' });
    expect(shown(r.effects)).toEqual(['Closed for inactivity.', '<end final>']);
    expect(r.ended).toBe(true);
  });

  it('timer.reminder says the reminder and stays, keeping attempts, without re-entry', () => {
    const withAttempts = machineOf(
      scenario({
        a: {
          message: { text: 'Age?' },
          expected_input: { type: 'integer', variable: 'age', max_attempts: 2, on_fail: 'failed' },
          reminders: [{ after: '1m', message: 'Age, please.' }],
          next_step: 'ok',
        },
        ok: say('ok'),
        failed: say('failed'),
      }),
    );
    const d = new Dialog(withAttempts);
    d.send({ text: 'hi' });
    d.send({ text: 'x' });
    const r = d.sendEvent({ type: 'timer.reminder', index: 0 });
    expect(shown(r.effects)).toEqual(['Age, please.']);
    expect(r.step).toBe('a');
    // The earlier wrong answer still counts: the second one exhausts the attempts.
    expect(shown(d.send({ text: 'y' }).effects)).toEqual(['failed', '<end final>']);
  });

  it('a reminder index the step does not have changes nothing', () => {
    const d = new Dialog(timed);
    d.send({ text: 'hi' });
    const before = d.persisted();
    const r = d.sendEvent({ type: 'timer.reminder', index: 7 });
    expect(r.effects).toEqual([]);
    expect(d.persisted()).toEqual(before);
  });

  it('timer.wait follows the wait step route, evaluating its conditions then', () => {
    for (const [name, reply] of [
      ['Ann', 'Welcome back Ann'],
      ['Bob', 'Nice to meet you'],
    ]) {
      const d = new Dialog(timed);
      d.send({ text: 'hi' });
      const r = d.send({ text: name });
      expect(r.step).toBe('pause');
      expect(shown(r.effects)).toEqual([`Hi ${name}`, 'Checking...', '<schedule wait 3600000>']);
      expect(shown(d.sendEvent({ type: 'timer.wait' }).effects)).toEqual([reply, '<end final>']);
    }
  });

  it('a tracer sees the wait step route conditions with their step', () => {
    const d = new Dialog(timed);
    d.send({ text: 'hi' });
    d.send({ text: 'Bob' });
    const conditions: unknown[] = [];
    d.sendEvent({ type: 'timer.wait' }, { condition: (c) => conditions.push(c), variable: () => {} });
    expect(conditions).toEqual([{ step: 'pause', kind: 'if', expression: 'name == "Ann"', result: false }]);
  });

  it('a user message at a wait step changes nothing; commands still work', () => {
    const d = new Dialog(timed);
    d.send({ text: 'hi' });
    d.send({ text: 'Ann' });
    const before = d.persisted();
    const r = d.send({ text: 'hello?' });
    expect(r).toMatchObject({ effects: [], step: 'pause', refused: false });
    expect(d.persisted()).toEqual(before);
    expect(shown(d.send({ text: '/cancel' }).effects)).toEqual(['Cancelled. Send /start to begin again.', '<end cancelled>']);
  });

  it('timer.expire enters on_expire from any running step', () => {
    const d = new Dialog(timed);
    d.send({ text: 'hi' });
    d.send({ text: 'Ann' });
    const r = d.sendEvent({ type: 'timer.expire' });
    expect(shown(r.effects)).toEqual(['Your session expired.', '<end final>']);
    expect(r.ended).toBe(true);
  });

  it('timer.expire without on_expire ends the dialog with reason expired', () => {
    const config = machineOf(scenario({ a: ask('?', 'x', 'a') }, { expire_after: '1d' }));
    const d = new Dialog(config);
    d.send({ text: 'hi' });
    const r = d.sendEvent({ type: 'timer.expire' });
    expect(r.effects).toEqual([{ type: 'end', step: 'a', reason: 'expired' }]);
    expect(r.ended).toBe(true);
  });

  it('a timer event outside a dialog, or one the step does not handle, changes nothing', () => {
    const d = new Dialog(timed);
    for (const type of ['timer.expire', 'timer.timeout', 'timer.wait'] as const) {
      expect(d.sendEvent({ type })).toMatchObject({ effects: [], step: undefined });
    }
    d.send({ text: 'hi' });
    const before = d.persisted();
    expect(d.sendEvent({ type: 'timer.wait' }).effects).toEqual([]);
    expect(d.persisted()).toEqual(before);
    d.sendEvent({ type: 'timer.timeout' });
    expect(d.ended).toBe(true);
    expect(d.sendEvent({ type: 'timer.expire' })).toMatchObject({ effects: [], ended: true });
  });

  it('a timeout to the step itself enters it again, scheduling its timers anew', () => {
    const config = machineOf(scenario({ a: ask('?', 'x', 'a', { timeout: { after: '90s', next: 'a' } }) }));
    const d = new Dialog(config);
    d.send({ text: 'hi' });
    expect(shown(d.sendEvent({ type: 'timer.timeout' }).effects)).toEqual(['?', '<schedule timeout 90000>']);
  });

  it('scenarios without timers emit no timer keys', () => {
    const plain = machineOf(scenario({ a: ask('?', 'x', 'a') }));
    expect(JSON.stringify(plain)).not.toMatch(/timer|schedule|expire/);
  });
});
