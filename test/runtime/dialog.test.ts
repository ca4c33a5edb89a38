import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig, type MachineConfig } from '../../compiler/index.js';
import { Dialog, SnapshotMismatchError } from '../../runtime/engine/index.js';
import { scenario } from '../support/scenario-text.js';

function machineOf(text: string): MachineConfig {
  const { ir, diagnostics } = compileScenario(text, { file: 't.json' });
  if (!ir) throw new Error(JSON.stringify(diagnostics));
  return emitMachineConfig(ir);
}

const spec = machineOf(readFileSync('examples/spec-example.json', 'utf8'));
const texts = (effects: readonly { type: string; text?: string }[]) => effects.map((e) => (e.type === 'say' ? e.text : `<${e.type}>`));

describe('Dialog', () => {
  it('starts on the first message without using it as input', () => {
    const d = new Dialog(spec);
    expect(d.step).toBeUndefined();
    const r = d.send({ text: 'Ann' });
    expect(texts(r.effects)).toEqual(['Welcome to our bot!', "What's your name?"]);
    expect(r.step).toBe('ask_name');
    expect(d.vars).toEqual({});
  });

  it('continues identically from a persisted snapshot (JSON round trip)', () => {
    const a = new Dialog(spec);
    a.send({ text: 'hi' });
    a.send({ text: 'Ann' });
    const snapshot = JSON.parse(JSON.stringify(a.persisted()));
    const b = new Dialog(spec, { snapshot });
    expect(b.step).toBe('greet_with_name');
    expect(b.vars).toEqual({ name: 'Ann' });
    expect(texts(b.send({ press: 'end' }).effects)).toEqual(texts(a.send({ press: 'end' }).effects));
    expect(b.ended).toBe(true);
  });

  it('refuses a snapshot that does not fit the scenario', () => {
    const other = machineOf(scenario({ only: { message: { text: 'x' }, expected_input: { type: 'text', variable: 'v' }, next_step: 'only' } }));
    const d = new Dialog(other);
    d.send({ text: 'hi' });
    const stale = JSON.parse(JSON.stringify(d.persisted()));
    expect(() => new Dialog(spec, { snapshot: stale })).toThrow(SnapshotMismatchError);
    expect(() => new Dialog(spec, { snapshot: { value: 42 } })).toThrow(SnapshotMismatchError);
    expect(() => new Dialog(spec, { snapshot: null })).toThrow(SnapshotMismatchError);
  });

  it('handles commands with a bot suffix, and leaves unknown commands to the step as text', () => {
    const d = new Dialog(spec);
    d.send({ text: 'hi' });
    expect(texts(d.send({ text: '/help@SomeBot' }).effects)[0]).toBe('I ask your name and say hello. Send /start to begin again.');
    const r = d.send({ text: '/unknown' });
    expect(r.step).toBe('greet_with_name');
    expect(d.vars).toEqual({ name: '/unknown' });
  });

  it('ends with an error effect when no condition matches at a step without input', () => {
    const d = new Dialog(
      machineOf(
        scenario({
          a: { message: { text: 'n?' }, expected_input: { type: 'integer', variable: 'n' }, next_step: 'route' },
          route: { message: { text: 'a' }, next_step: { type: 'conditional', conditions: [{ if: 'n > 5', then: 'b' }] } },
          b: { message: { text: 'b' } },
        }),
      ),
    );
    d.send({ text: 'go' });
    const r = d.send({ text: '3' });
    expect(r.effects.map((e) => e.type)).toEqual(['say', 'error', 'end']);
    expect(r.effects[1]).toMatchObject({ type: 'error', code: 'NO_ROUTE', step: 'route' });
    expect(r.ended).toBe(true);
  });

  it('stops a loop without input after the step limit instead of hanging', () => {
    const config = machineOf(
      scenario({
        a: { set: { n: '0' }, next_step: 'b' },
        b: { set: { n: 'n + 1' }, next_step: { type: 'conditional', conditions: [{ if: 'n > 0', then: 'b' }], else: 'c' } },
        c: { message: { text: 'never' } },
      }),
    );
    const r = new Dialog(config).send({ text: 'go' });
    expect(r.effects.at(-2)).toMatchObject({ type: 'error', code: 'LOOP_LIMIT' });
    expect(r.ended).toBe(true);
  });

  it('treats a message without text as invalid input', () => {
    const d = new Dialog(spec);
    d.send({ text: 'hi' });
    const r = d.send({});
    expect(texts(r.effects)).toEqual(['Please tell me your name.']);
    expect(r.step).toBe('ask_name');
  });
});
