/**
 * Definite assignment on shared chunked bit sets agrees with the textbook analysis on plain sets (every step's
 * entry is the intersection over its predecessors, iterated to the greatest fixed point), on random graphs with
 * loops, guarded moves, inputs and commands; and the chunked sets agree with plain sets operation by operation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkedBits, type BitSetId } from '../../compiler/check/chunked-bits.js';
import { Dataflow, type Point } from '../../compiler/check/dataflow.js';
import type { StepEdge } from '../../compiler/check/edges.js';
import type { CheckedScenario, CheckedStep } from '../../compiler/check/model.js';
import { fcOptions } from '../support/fc-settings.js';

const loc = { offset: 0, length: 1 };

interface GraphSpec {
  readonly variables: number;
  readonly steps: { set: number[]; input?: number; edges: { to: number; afterInput: boolean; known: number[] }[] }[];
  readonly start: number;
  readonly commands: number[];
}

const graphArb: fc.Arbitrary<GraphSpec> = fc.integer({ min: 1, max: 600 }).chain((variables) =>
  fc.integer({ min: 1, max: 25 }).chain((n) =>
    fc.record({
      variables: fc.constant(variables),
      steps: fc.array(
        fc.record({
          set: fc.array(fc.nat(variables - 1), { maxLength: 3 }),
          input: fc.option(fc.nat(variables - 1), { nil: undefined }),
          edges: fc.array(fc.record({ to: fc.nat(n - 1), afterInput: fc.boolean(), known: fc.array(fc.nat(variables - 1), { maxLength: 2 }) }), { maxLength: 3 }),
        }),
        { minLength: n, maxLength: n },
      ),
      start: fc.nat(n - 1),
      commands: fc.array(fc.nat(n - 1), { maxLength: 2 }),
    }),
  ),
);

const name = (v: number): string => `v${v}`;

function build(g: GraphSpec): { s: CheckedScenario; edges: Map<string, StepEdge[]> } {
  const steps: CheckedStep[] = g.steps.map(
    (st, i) =>
      ({
        id: `s${i}`,
        index: i,
        set: st.set.map((v) => ({ variable: name(v), varLoc: loc })),
        buttons: [],
        input: st.input === undefined ? undefined : { variable: name(st.input), type: 'text' },
        route: { kind: 'end' },
        incomplete: false,
      }) as unknown as CheckedStep,
  );
  const s = {
    name: 'g',
    version: '1',
    startStep: { id: `s${g.start}`, loc },
    steps,
    byId: new Map(steps.map((st) => [st.id, st])),
    commands: g.commands.map((c, i) => ({ command: `/c${i}`, target: `s${c}`, loc })),
    incomplete: false,
  } as CheckedScenario;
  const edges = new Map<string, StepEdge[]>(
    g.steps.map((st, i) => [
      `s${i}`,
      st.edges.map((e) => ({ from: `s${i}`, to: `s${e.to}`, kind: 'next', afterInput: e.afterInput && st.input !== undefined, known: new Set(e.known.map(name)) })),
    ]),
  );
  return { s, edges };
}

/** The textbook analysis: plain sets, every step revisited until nothing changes. */
function reference(g: GraphSpec): Map<string, Record<Point, Set<string>>> {
  const { s, edges } = build(g);
  const preds = new Map<string, { from: string; afterInput: boolean; known: ReadonlySet<string> }[]>();
  const add = (to: string, p: { from: string; afterInput: boolean; known: ReadonlySet<string> }): void => void (preds.get(to) ?? preds.set(to, []).get(to)!).push(p);
  for (const [from, list] of edges) for (const e of list) add(e.to, { from, afterInput: e.afterInput, known: e.known ?? new Set() });
  for (const c of s.commands) for (const st of s.steps) if (st.input) add(c.target, { from: st.id, afterInput: false, known: new Set() });
  const entries = new Set([s.startStep!.id, ...s.commands.map((c) => c.target)]);
  const facts = new Map<string, Record<Point, Set<string>>>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const st of s.steps) {
      let entry: Set<string> | undefined = entries.has(st.id) ? new Set() : undefined;
      for (const p of preds.get(st.id) ?? []) {
        const f = facts.get(p.from);
        if (!f) continue;
        const src = new Set([...(p.afterInput ? f.afterInput : f.afterSet), ...p.known]);
        entry = entry ? new Set([...entry].filter((v) => src.has(v))) : src;
      }
      if (!entry) continue;
      const old = facts.get(st.id);
      if (old && old.entry.size === entry.size && [...entry].every((v) => old.entry.has(v))) continue;
      const afterSet = new Set([...entry, ...st.set.map((a) => a.variable)]);
      const afterInput = new Set([...afterSet, ...(st.input ? [st.input.variable] : [])]);
      facts.set(st.id, { entry, afterSet, afterInput });
      changed = true;
    }
  }
  return facts;
}

describe('definite assignment', () => {
  it('agrees with the analysis on plain sets at every point of every step', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const { s, edges } = build(g);
        const variables = Array.from({ length: g.variables }, (_, i) => name(i));
        const flow = new Dataflow(s, edges, variables);
        const expected = reference(g);
        for (const st of s.steps) {
          const want = expected.get(st.id);
          expect(flow.facts.has(st.id)).toBe(want !== undefined);
          if (!want) continue;
          for (const point of ['entry', 'afterSet', 'afterInput'] as const) {
            const view = flow.view(st.id, point);
            expect(variables.filter((v) => view.assigned(v))).toEqual(variables.filter((v) => want[point].has(v)));
          }
        }
      }),
      fcOptions,
    );
  });

  it('chunked bit sets give the results of plain sets', () => {
    type Op = { kind: 'with'; set: number; members: number[] } | { kind: 'intersect'; a: number; b: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('with' as const), set: fc.nat(), members: fc.array(fc.nat(1999), { maxLength: 40 }) }),
      fc.record({ kind: fc.constant('intersect' as const), a: fc.nat(), b: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const bits = new ChunkedBits(2000);
        const sets: BitSetId[] = [bits.empty()];
        const plain: Set<number>[] = [new Set()];
        for (const op of ops) {
          if (op.kind === 'with') {
            const i = op.set % sets.length;
            sets.push(bits.with(sets[i]!, op.members));
            plain.push(new Set([...plain[i]!, ...op.members]));
          } else {
            const a = op.a % sets.length;
            const b = op.b % sets.length;
            sets.push(bits.intersect(sets[a]!, sets[b]!));
            plain.push(new Set([...plain[a]!].filter((m) => plain[b]!.has(m))));
          }
        }
        // Earlier sets must be unchanged by later operations (sharing is copy-on-write).
        for (let i = 0; i < sets.length; i++) {
          const members = Array.from({ length: 2000 }, (_, m) => m);
          expect(members.filter((m) => bits.has(sets[i]!, m))).toEqual([...plain[i]!].sort((x, y) => x - y));
          const j = (i * 7) % sets.length;
          const same = plain[i]!.size === plain[j]!.size && [...plain[i]!].every((m) => plain[j]!.has(m));
          expect(bits.equal(sets[i]!, sets[j]!)).toBe(same);
        }
      }),
      fcOptions,
    );
  });
});
