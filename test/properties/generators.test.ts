/**
 * Sanity checks of the generators used by the property tests: they must produce valid scenarios most of the
 * time and exercise the features the properties are about, or the properties would pass vacuously.
 * FC_RUNS / FC_SEED: see test/support/fc-settings.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceDialog } from '../support/reference-interpreter.js';
import { compileDoc, hasCode, mixedScenarioArb, scenarioDocArb } from '../support/scenario-arbitrary.js';
import { seed } from '../support/fc-settings.js';
import { conversationArb } from '../support/user-input-arbitrary.js';

const SAMPLES = 400;

describe('generators', () => {
  const docs = fc.sample(scenarioDocArb, { seed, numRuns: SAMPLES });
  const compiled = docs.map((doc) => ({ doc, ...compileDoc(doc) }));
  const valid = compiled.filter((c) => c.ir !== undefined);
  const share = (pred: (c: (typeof valid)[number]) => boolean): number => valid.filter(pred).length / valid.length;

  it('at least 90% of the generated scenarios compile without errors', () => {
    const errors = compiled.filter((c) => c.ir === undefined);
    const codes = [...new Set(errors.flatMap((c) => c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)))];
    expect(valid.length / compiled.length, `errors: ${codes.join(', ')}`).toBeGreaterThanOrEqual(0.9);
    // Errors only from the deliberate rare constructions, never from malformed documents.
    expect(codes.filter((c) => !['DEAD_END', 'LOOP_WITHOUT_INPUT'].includes(c))).toEqual([]);
  });

  it('produces the features the properties are about', () => {
    const steps = (c: (typeof valid)[number]) => Object.values(c.ir!.steps);
    expect(share((c) => steps(c).some((s) => !s.input && s.route.kind === 'branch'))).toBeGreaterThan(0.3);
    expect(share((c) => steps(c).some((s) => s.input && s.route.kind === 'branch'))).toBeGreaterThan(0.3);
    expect(share((c) => steps(c).some((s) => s.route.kind === 'branch' && s.route.else === undefined))).toBeGreaterThan(0.2);
    expect(share((c) => steps(c).some((s) => s.input?.type === 'button'))).toBeGreaterThan(0.5);
    expect(share((c) => steps(c).some((s) => s.input?.type === 'integer' || s.input?.type === 'number'))).toBeGreaterThan(0.3);
    expect(share((c) => steps(c).some((s) => s.input?.onFail !== undefined && s.input.maxAttempts !== undefined))).toBeGreaterThan(0.2);
    expect(share((c) => steps(c).some((s) => s.set.length > 0))).toBeGreaterThan(0.2);
    expect(share((c) => steps(c).some((s) => !s.input && s.route.kind === 'end'))).toBeGreaterThan(0.3);
    expect(share((c) => c.ir!.commands.length > 0)).toBeGreaterThan(0.2);
    expect(share((c) => steps(c).length >= 8)).toBeGreaterThan(0.2);
    // Timers of every kind.
    expect(share((c) => steps(c).some((s) => s.timeout !== undefined))).toBeGreaterThan(0.2);
    expect(share((c) => steps(c).some((s) => (s.reminders ?? []).length > 1))).toBeGreaterThan(0.05);
    expect(share((c) => steps(c).some((s) => s.waitMs !== undefined))).toBeGreaterThan(0.1);
    expect(share((c) => c.ir!.expire?.onExpire !== undefined)).toBeGreaterThan(0.05);
    expect(share((c) => c.ir!.expire !== undefined && c.ir!.expire.onExpire === undefined)).toBeGreaterThan(0.05);
    // Warnings: some, of each kind the properties condition on; loops without input sometimes, not mostly.
    expect(share((c) => hasCode(c.diagnostics, 'UNREACHABLE_STEP'))).toBeGreaterThan(0.2);
    const loops = share((c) => hasCode(c.diagnostics, 'LOOP_MAY_NOT_TERMINATE'));
    expect(loops).toBeGreaterThan(0.01);
    expect(loops).toBeLessThan(0.3);
    expect(share((c) => hasCode(c.diagnostics, 'UNCOVERED_CASE'))).toBeGreaterThan(0.02);
    expect(share((c) => c.diagnostics.length === 0)).toBeGreaterThan(0.02);
  });

  it('conversations reach deep into the scenarios and hit every outcome', () => {
    const stats = { conversations: 0, deep: 0, loopLimit: 0, noRoute: 0, final: 0, invalid: 0, commands: 0 };
    // The mix the run-time properties use (a quarter with loops without input).
    fc.sample(mixedScenarioArb, { seed, numRuns: 300 }).forEach((c, i) => {
      for (const messages of fc.sample(conversationArb(c.ir), { seed: seed + i, numRuns: 2 })) {
        const dialog = new ReferenceDialog(c.ir);
        const seen = new Set<string>();
        stats.conversations++;
        for (const m of messages) {
          const turn = dialog.send(m);
          turn.entered.forEach((s) => seen.add(s));
          for (const e of turn.effects) {
            if (e.type === 'error' && e.code === 'LOOP_LIMIT') stats.loopLimit++;
            if (e.type === 'error' && e.code === 'NO_ROUTE') stats.noRoute++;
            if (e.type === 'end' && e.reason === 'final') stats.final++;
          }
          if (turn.entered.length === 0 && turn.effects.length > 0) stats.invalid++;
          if (dialog.commandOf(m) !== undefined) stats.commands++;
        }
        if (seen.size >= 3) stats.deep++;
      }
    });
    expect(stats.deep / stats.conversations, JSON.stringify(stats)).toBeGreaterThan(0.4);
    expect(stats.loopLimit, JSON.stringify(stats)).toBeGreaterThan(0);
    expect(stats.noRoute, JSON.stringify(stats)).toBeGreaterThan(0);
    expect(stats.final, JSON.stringify(stats)).toBeGreaterThan(stats.conversations / 4);
    expect(stats.invalid, JSON.stringify(stats)).toBeGreaterThan(stats.conversations);
    expect(stats.commands, JSON.stringify(stats)).toBeGreaterThan(0);
  });
});
