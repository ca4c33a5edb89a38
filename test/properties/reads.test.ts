/**
 * Soundness of the read-before-assignment check: when `check` reports neither VAR_UNASSIGNED nor
 * UNDEFINED_VARIABLE, no conversation reads an unassigned variable, except where a read tolerates it (the subject
 * of `is set` / `is empty`, a template value with `| default`). Reads an `is set` guard protects (on the route, or
 * earlier in the same condition) are probed too: the property checks that the guard really protects them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IrScenario, IrStep } from '../../compiler/index.js';
import { mapChildren, type Expr, type Template } from '../../grammar/index.js';
import { fcOptions } from '../support/fc-settings.js';
import { READ_PROBE, ReferenceDialog } from '../support/reference-interpreter.js';
import { hasCode, mixedScenarioArb } from '../support/scenario-arbitrary.js';
import { conversationArb } from '../support/user-input-arbitrary.js';

/** Every ref but the direct subject of `is set` / `is empty` (which tolerates an unassigned variable) is probed. */
const probeExpr = (e: Expr): Expr => {
  if (e.kind === 'ref') return e.path[0] === 'user' ? e : { ...e, path: [READ_PROBE, ...e.path] };
  if (e.kind === 'is' && e.subject.kind === 'ref') return e;
  return mapChildren(e, probeExpr);
};

const probeTemplate = (t: Template): Template => ({
  parts: t.parts.map((p) =>
    p.kind === 'value' && p.path[0] !== 'user' && !p.filters.some((f) => f.name === 'default') ? { ...p, path: [READ_PROBE, ...p.path] } : p,
  ),
});

/** The scenario with every read that must see an assigned variable going through a probe. */
function probed(ir: IrScenario): IrScenario {
  const steps: Record<string, IrStep> = {};
  for (const [id, step] of Object.entries(ir.steps)) {
    const route = step.route.kind === 'branch' ? { ...step.route, branches: step.route.branches.map((b) => ({ ...b, when: probeExpr(b.when) })) } : step.route;
    steps[id] = {
      ...step,
      set: step.set.map((a) => ({ ...a, expr: probeExpr(a.expr) })),
      message: step.message && probeTemplate(step.message),
      input: step.input && { ...step.input, errorMessage: probeTemplate(step.input.errorMessage) },
      route,
    };
  }
  return { ...ir, steps };
}

const vouched = (ds: Parameters<typeof hasCode>[0]): boolean => !hasCode(ds, 'VAR_UNASSIGNED') && !hasCode(ds, 'UNDEFINED_VARIABLE');

describe('reads before assignment', () => {
  it('a scenario without VAR_UNASSIGNED or UNDEFINED_VARIABLE never reads an unassigned variable', () => {
    const stats = { scenarios: 0, reads: 0 };
    fc.assert(
      fc.property(
        mixedScenarioArb
          .filter((c) => vouched(c.diagnostics))
          .chain((c) => fc.tuple(fc.constant(c), conversationArb(c.ir))),
        ([c, messages]) => {
          stats.scenarios++;
          const dialog = new ReferenceDialog(probed(c.ir));
          const bad: string[] = [];
          dialog.onProbe = (path, assigned) => {
            stats.reads++;
            if (!assigned) bad.push(path.join('.'));
          };
          messages.forEach((m, i) => {
            dialog.send(m);
            expect(bad, `message ${i} (${JSON.stringify(m)}) read an unassigned variable\n${c.text}`).toEqual([]);
          });
        },
      ),
      fcOptions,
    );
    expect(stats.reads).toBeGreaterThan(stats.scenarios);
  });
});
