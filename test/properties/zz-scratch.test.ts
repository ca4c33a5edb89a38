import { it } from 'vitest';
import { compileScenario, emitMachineConfig } from '../../compiler/index.js';
import { Dialog } from '../../runtime/engine/index.js';
it('scratch', () => {
  const doc = { name: 'x', version: '1', start_step: 's0', steps: {
    s0: { set: { count: '0' }, message: { text: 'hi' }, next_step: 's1' },
    s1: { set: { count: 'count + 1' }, message: { text: 'c{{count}}' }, next_step: { type: 'conditional', conditions: [{ if: 'count < 0', then: 's2' }], else: 's1' } },
    s2: { message: { text: 'bye' } },
  } };
  const r = compileScenario(JSON.stringify(doc, null, 2), { file: 'x.json' });
  console.log(r.diagnostics.map((d) => d.code + ' ' + d.message));
  const d = new Dialog(emitMachineConfig(r.ir!), { inspect: (e) => { if (e.type === '@xstate.microstep') { const m = e as any; if (m._transitions.length) console.log('micro', JSON.stringify(m.snapshot.value), m._transitions.map((t: any) => [t.source.key, t.source.id, t.target?.map((x: any) => x.key), t.eventType])); } } });
  const res = d.send({ text: 'hello' });
  console.log(res.effects.length, res.effects.slice(-3), res.step, res.ended);
  const res2 = d.send({ text: '/start' });
});
