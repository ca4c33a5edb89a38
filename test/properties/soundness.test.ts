/**
 * Property-based soundness tests of the compiler, the emitted XState machine and the engine, on random valid
 * scenarios (test/support/scenario-arbitrary.ts) and random conversations (test/support/user-input-arbitrary.ts).
 *
 * Knobs (fixed defaults, so CI is reproducible; see test/support/fc-settings.ts):
 *   FC_RUNS  cases per property (default 100)
 *   FC_SEED  the seed (default 20261124); a failure prints the seed and path to replay it
 *
 * Each property also counts what it saw and asserts the counts, so it cannot pass vacuously.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig, type IrScenario, type IrStep } from '../../compiler/index.js';
import { collectRefs } from '../../grammar/index.js';
import { Dialog, type UserMessage } from '../../runtime/engine/index.js';
import { VirtualAgenda } from '../../runtime/testing/virtual-time.js';
import { describeCase, observe, withConversations, type Observed } from '../support/conversation.js';
import { fcOptions, runs } from '../support/fc-settings.js';
import { ReferenceDialog, type TimerFiring } from '../support/reference-interpreter.js';
import { compiledScenarioArb, hasCode, mixedScenarioArb, TIMER_DURATIONS, TIMER_MS, type CompiledScenario } from '../support/scenario-arbitrary.js';
import { irEdges, machineEdges, TransitionRecorder } from '../support/scenario-graph.js';
import { candidateAnswers, conversationArb } from '../support/user-input-arbitrary.js';

const sorted = (s: Iterable<string>): string[] => [...s].sort();

describe('a. the machine moves exactly along the scenario graph', () => {
  it('static: the targeted transitions of the machine config are exactly the edges of the IR', () => {
    let edges = 0;
    fc.assert(
      fc.property(compiledScenarioArb, (s) => {
        const expected = irEdges(s.ir);
        const actual = machineEdges(s.config);
        const missing = sorted([...expected].filter((e) => !actual.has(e)));
        const extra = sorted([...actual].filter((e) => !expected.has(e)));
        if (missing.length > 0 || extra.length > 0) {
          throw new Error(`machine transitions differ from the scenario edges\nmissing: ${missing.join(' ')}\nextra: ${extra.join(' ')}${describeCase(s, [])}`);
        }
        edges += expected.size;
      }),
      fcOptions,
    );
    expect(edges).toBeGreaterThan(runs * 5);
  });

  it('dynamic: every transition taken in a random conversation is an edge of the scenario graph', () => {
    const seen = new Set<string>();
    let taken = 0;
    fc.assert(
      fc.property(withConversations(), ([s, conversations]) => {
        const edges = irEdges(s.ir);
        for (const messages of conversations) {
          const recorder = new TransitionRecorder();
          const dialog = new Dialog(s.config, { inspect: recorder.inspect });
          messages.forEach((m, i) => {
            const before = recorder.taken.length;
            dialog.send(m);
            const bad = recorder.taken.slice(before).filter((e) => !edges.has(e));
            if (recorder.anomalies.length > 0 || bad.length > 0) {
              throw new Error(`transitions outside the scenario graph: ${bad.join(' ')}; anomalies: ${recorder.anomalies.join('; ')}${describeCase(s, messages, i)}`);
            }
          });
          dialog.stop();
          taken += recorder.taken.length;
          recorder.taken.forEach((e) => seen.add(`${s.ir.hash}:${e}`));
        }
      }),
      fcOptions,
    );
    // The inspection really reported transitions (a renamed field would silently give none).
    expect(taken).toBeGreaterThan(runs * 5);
    expect(seen.size).toBeGreaterThan(runs * 3);
  });
});

/** The first difference between the engine and the reference interpreter after one message, if any. */
function difference(engine: Observed, ref: ReferenceDialog, turn: ReturnType<ReferenceDialog['send']>): string | undefined {
  if (!isDeepStrictEqual(engine.effects, turn.effects)) return `effects\n engine:    ${JSON.stringify(engine.effects)}\n reference: ${JSON.stringify(turn.effects)}`;
  if (engine.step !== turn.step) return `step: engine ${engine.step}, reference ${turn.step}`;
  if (engine.ended !== turn.ended) return `ended: engine ${engine.ended}, reference ${turn.ended}`;
  if (!isDeepStrictEqual(engine.vars, ref.vars)) return `vars\n engine:    ${JSON.stringify(engine.vars)}\n reference: ${JSON.stringify(ref.vars)}`;
  return undefined;
}

describe('b. differential: compiled machine vs reference interpreter', () => {
  it('agree effect for effect, and on step, ended and vars after every message', () => {
    const stats = { messages: 0, effects: 0, errors: 0, on_fail: 0, retry: 0, answer: 0, command: 0, start: 0, help: 0, cancel: 0, ignored: 0, timer: 0 };
    fc.assert(
      fc.property(withConversations(), ([s, conversations]) => {
        for (const messages of conversations) {
          const engine = new Dialog(s.config);
          const ref = new ReferenceDialog(s.ir);
          messages.forEach((m, i) => {
            const turn = ref.send(m);
            const diff = difference(observe(engine, m), ref, turn);
            if (diff) throw new Error(`engine and reference differ on ${diff}${describeCase(s, messages, i)}`);
            stats.messages++;
            stats.effects += turn.effects.length;
            stats.errors += turn.effects.filter((e) => e.type === 'error').length;
            stats[turn.outcome]++;
          });
          engine.stop();
        }
      }),
      fcOptions,
    );
    expect(stats.messages).toBeGreaterThan(runs * 10);
    expect(stats.effects).toBeGreaterThan(stats.messages);
    // Every way of handling a message was compared, errors (NO_ROUTE, LOOP_LIMIT) included.
    expect(stats.errors, JSON.stringify(stats)).toBeGreaterThan(0);
    for (const outcome of ['on_fail', 'retry', 'answer', 'command', 'start', 'help', 'cancel'] as const) expect(stats[outcome], JSON.stringify(stats)).toBeGreaterThan(0);
  });
});

/** Scenarios with timers, each with conversations whose messages are followed, some of them, by a skip of time. */
const timedConversations = withConversations(3, compiledScenarioArb.filter((s) => /"(timeout|reminders|wait|expire_after)"/.test(s.text))).chain(([s, conversations]) =>
  fc.tuple(
    fc.constant(s),
    fc.constant(conversations),
    fc.array(fc.array(fc.option(fc.constantFrom(...TIMER_DURATIONS.slice(0, 5), '7d'), { nil: undefined, freq: 2 }), { minLength: 30, maxLength: 30 }), {
      minLength: conversations.length,
      maxLength: conversations.length,
    }),
  ),
);

describe('b2. differential with timers: messages and skips of time', () => {
  it('agree on every timer fired; no timer fires twice or for a step the dialog left', () => {
    const fired: Record<TimerFiring['name'], number> = { timeout: 0, reminder: 0, wait: 0, expire: 0 };
    let ignored = 0;
    fc.assert(
      fc.property(timedConversations, ([s, conversations, skips]) => {
        conversations.forEach((messages, c) => {
          const engine = new Dialog(s.config);
          const agenda = new VirtualAgenda(s.config);
          const ref = new ReferenceDialog(s.ir);
          const seen = new Set<string>();
          const where = (i: number, what: string) => `${what} after message ${i}, skips ${JSON.stringify(skips[c]!.slice(0, i + 1))}${describeCase(s, messages, i)}`;
          messages.forEach((m, i) => {
            const turn = ref.send(m);
            if (turn.outcome === 'ignored') ignored++;
            const r = agenda.send(engine, m);
            const diff = difference({ effects: r.effects, step: r.step, ended: r.ended, vars: engine.vars }, ref, turn);
            if (diff) throw new Error(`engine and reference differ on ${diff}\n${where(i, 'the message')}`);
            const skip = skips[c]![i];
            if (skip === undefined) return;
            // The agenda runs the engine through every timer due in the skip; the reference applies each the same.
            const stepAt = { current: ref.step };
            for (const f of agenda.advance(engine, TIMER_MS[skip])) {
              const { entry } = f;
              if (seen.has(entry.id)) throw new Error(`timer ${entry.id} fired twice\n${where(i, 'a skip')}`);
              seen.add(entry.id);
              if (entry.step !== null && entry.step !== stepAt.current) throw new Error(`timer ${entry.name} of step ${entry.step} fired at ${stepAt.current}\n${where(i, 'a skip')}`);
              const t = ref.fire(entry.index === undefined ? { name: entry.name as TimerFiring['name'] } : { name: entry.name as TimerFiring['name'], index: entry.index });
              stepAt.current = ref.step;
              if (!isDeepStrictEqual(f.effects, t.effects)) {
                throw new Error(`timer ${entry.name}${entry.index ?? ''} effects\n engine:    ${JSON.stringify(f.effects)}\n reference: ${JSON.stringify(t.effects)}\n${where(i, 'a skip')}`);
              }
              fired[entry.name as TimerFiring['name']]++;
            }
            if (engine.step !== ref.step || engine.ended !== ref.ended || !isDeepStrictEqual(engine.vars, ref.vars)) {
              throw new Error(`after a skip: engine ${engine.step}/${engine.ended} ${JSON.stringify(engine.vars)}, reference ${ref.step}/${ref.ended} ${JSON.stringify(ref.vars)}\n${where(i, 'a skip')}`);
            }
          });
          engine.stop();
        });
      }),
      fcOptions,
    );
    for (const name of ['timeout', 'reminder', 'wait', 'expire'] as const) expect(fired[name], JSON.stringify(fired)).toBeGreaterThan(0);
    expect(ignored).toBeGreaterThan(0);
  });
});

const unreachableSteps = (s: CompiledScenario): Set<string> =>
  new Set(s.diagnostics.filter((d) => d.code === 'UNREACHABLE_STEP').map((d) => /Step "([^"]+)"/.exec(d.message)![1]!));

describe('c. what the checker promises holds at run time', () => {
  it('steps reported UNREACHABLE_STEP are never entered', () => {
    let withUnreachable = 0;
    fc.assert(
      fc.property(withConversations(), ([s, conversations]) => {
        const unreachable = unreachableSteps(s);
        if (unreachable.size > 0) withUnreachable++;
        for (const messages of conversations) {
          const recorder = new TransitionRecorder();
          const dialog = new Dialog(s.config, { inspect: recorder.inspect });
          messages.forEach((m, i) => {
            const r = dialog.send(m);
            const entered = [...recorder.visited, ...r.effects.map((e) => e.step), ...(r.step ? [r.step] : [])].filter((id) => unreachable.has(id));
            if (entered.length > 0) throw new Error(`unreachable step(s) entered: ${[...new Set(entered)].join(', ')}${describeCase(s, messages, i)}`);
          });
          dialog.stop();
        }
      }),
      fcOptions,
    );
    expect(withUnreachable).toBeGreaterThan(runs / 5);
  });

  it('no turn fails with LOOP_LIMIT unless the checker reported a LOOP_* diagnostic', () => {
    let loopLimits = 0;
    fc.assert(
      fc.property(withConversations(), ([s, conversations]) => {
        const warned = hasCode(s.diagnostics, 'LOOP_WITHOUT_INPUT', 'LOOP_MAY_NOT_TERMINATE');
        for (const messages of conversations) {
          const dialog = new Dialog(s.config);
          messages.forEach((m, i) => {
            if (!dialog.send(m).effects.some((e) => e.type === 'error' && e.code === 'LOOP_LIMIT')) return;
            loopLimits++;
            if (!warned) throw new Error(`LOOP_LIMIT without a LOOP_* diagnostic${describeCase(s, messages, i)}`);
          });
          dialog.stop();
        }
      }),
      fcOptions,
    );
    if (runs >= 50) expect(loopLimits).toBeGreaterThan(0);
  });

  /**
   * A turn enters at most MAX_HOPS_PER_TURN (100) steps: leaving the 100th for another step fails with LOOP_LIMIT,
   * so a loop that says something in every step sends exactly 100 messages.
   */
  it('a turn enters at most 100 steps before LOOP_LIMIT', () => {
    const text = JSON.stringify({
      name: 'loop',
      version: '1',
      start_step: 'init',
      steps: {
        init: { set: { k: '0' }, message: { text: 'start' }, next_step: 'spin' },
        spin: { set: { k: 'k + 1' }, message: { text: '{{k}}' }, next_step: { type: 'conditional', conditions: [{ if: 'k < 0', then: 'done' }], else: 'spin' } },
        done: { message: { text: 'never' } },
      },
    });
    const { ir, diagnostics } = compileScenario(text, { file: 'loop.json' });
    expect(diagnostics.map((d) => d.code)).toEqual(['LOOP_MAY_NOT_TERMINATE']);
    const dialog = new Dialog(emitMachineConfig(ir!));
    const { effects } = dialog.send({ text: 'go' });
    expect(effects.at(-2)).toMatchObject({ type: 'error', code: 'LOOP_LIMIT' });
    // Every step has a message, so the messages count the steps entered.
    expect(effects.filter((e) => e.type === 'say').length).toBe(100);
  });

  /**
   * "Stuck", precisely: after some message the dialog waits at an input step S and no *ordinary answer* (not a
   * command, not "/start") makes it take a transition to a step (S itself included, e.g. a `next_step` back to S,
   * or `on_fail`) or to the end: every answer only gets the error message again. Answers are drawn from a finite
   * candidate set that covers every value the generated conditions and validations distinguish (candidateAnswers:
   * all button values typed and pressed, all button texts, 0..9, 42, -1, 3.5, the condition words, junk, a photo).
   * While S waits only `attempts` changes; without on_fail nothing depends on it, and with max_attempts + on_fail
   * each candidate is sent max_attempts times in a row, so one probe per candidate decides it exactly.
   *
   * The property: when the checker reports no DEAD_END, no LOOP_* and no UNCOVERED_CASE, no conversation gets
   * stuck. UNCOVERED_CASE belongs in the precondition: it is the checker's warning for "this answer is asked
   * again forever" ("No condition matches when ...: the bot re-asks").
   *
   * Scope: scenarios whose re-asking steps (input + conditional without else + no on_fail) read only variables
   * that inputs and literal `set`s assign. There the checker decides conditions exactly (button values, and
   * stand-ins for text and numbers compared with literals); a computed `set` such as `count + 1` makes values
   * depend on the path taken, which the checker does not follow.
   */
  it('without DEAD_END, LOOP_* and UNCOVERED_CASE diagnostics, no conversation gets stuck (conditions on answers and constants)', () => {
    const stats = { probes: 0, waits: 0, reaskWaits: 0 };
    const quiet = compiledScenarioArb.filter(
      (s) => !hasCode(s.diagnostics, 'DEAD_END', 'LOOP_WITHOUT_INPUT', 'LOOP_MAY_NOT_TERMINATE', 'UNCOVERED_CASE') && reaskConditionsAreDecidable(s.ir),
    );
    // Most cases have a step that re-asks (the interesting ones), the others are any quiet scenario.
    const arb = fc.oneof({ weight: 1, arbitrary: quiet }, { weight: 2, arbitrary: quiet.filter((s) => reaskSteps(s.ir).length > 0) });
    fc.assert(
      fc.property(withConversations(3, arb), ([s, conversations]) => {
        const candidates = candidateAnswers(s.ir);
        const known = new Map<string, boolean>();
        const leaves = (snapshot: unknown, step: string, answer: UserMessage, times: number): boolean => {
          const recorder = new TransitionRecorder(step);
          const probe = new Dialog(s.config, { snapshot, inspect: recorder.inspect });
          stats.probes++;
          try {
            for (let i = 0; i < times; i++) {
              probe.send(answer);
              if (recorder.taken.length > 0) return true;
            }
            return false;
          } finally {
            probe.stop();
          }
        };
        for (const messages of conversations) {
          const dialog = new Dialog(s.config);
          messages.forEach((m, i) => {
            const r = dialog.send(m);
            // A wait step, or a step with a timeout, is left by its timer whatever the answers.
            if (r.step === undefined) return;
            const step = s.ir.steps[r.step]!;
            if (step.waitMs !== undefined || step.timeout !== undefined) return;
            stats.waits++;
            const input = step.input!;
            const exhausts = input.maxAttempts !== undefined && input.onFail !== undefined;
            if (reasks(step)) stats.reaskWaits++;
            const key = `${r.step} ${JSON.stringify(dialog.vars)}`;
            if (known.has(key)) return;
            const snapshot = JSON.parse(JSON.stringify(dialog.persisted())) as unknown;
            const free = candidates.some((c) => leaves(snapshot, r.step!, c, exhausts ? input.maxAttempts! : 1));
            known.set(key, free);
            if (!free) throw new Error(`stuck at ${r.step} with vars ${JSON.stringify(dialog.vars)}: no answer leaves it${describeCase(s, messages, i)}`);
          });
          dialog.stop();
        }
      }),
      fcOptions,
    );
    expect(stats.waits).toBeGreaterThan(runs * 3);
    expect(stats.probes).toBeGreaterThan(runs);
    // The interesting waits: at steps that re-ask answers no condition matches.
    expect(stats.reaskWaits).toBeGreaterThan(runs / 2);
  });

  /** Traps on text and number answers, minimal cases the property once found: the checker reports each. */
  const trapped = (label: string, steps: Record<string, unknown>, start: string, answers: string[], expected: string) =>
    it(`reports a trap: ${label}`, () => {
      const text = JSON.stringify({ name: 'gap', version: '1', start_step: start, steps }, null, 2);
      const { ir, diagnostics } = compileScenario(text, { file: 'gap.json' });
      expect(diagnostics.map((d) => d.code)).toContain(expected);
      if (!ir) return;
      // A warning leaves the scenario runnable: the trap is real, the dialog never leaves its last step.
      const dialog = new Dialog(emitMachineConfig(ir));
      const trace = [dialog.send({ text: 'hi' }).step, ...answers.map((a) => dialog.send({ text: a }).step)];
      expect(new Set(trace.slice(-4)).size).toBe(1);
    });

  trapped(
    'no valid answer satisfies any condition (validation max 3, condition n > 3)',
    {
      ask: { message: { text: 'From 0 to 3?' }, expected_input: { type: 'integer', variable: 'n', validation: { min: 0, max: 3 } }, next_step: { type: 'conditional', conditions: [{ if: 'n > 3', then: 'done' }] } },
      done: { message: { text: 'ok' } },
    },
    'ask',
    ['0', '1', '2', '3', '4'],
    'DEAD_END',
  );
  trapped(
    'an unsatisfiable condition on a text input (t == "yes" and t == "no")',
    {
      ask: { message: { text: 'Yes or no?' }, expected_input: { type: 'text', variable: 't' }, next_step: { type: 'conditional', conditions: [{ if: 't == "yes" and t == "no"', then: 'done' }] } },
      done: { message: { text: 'ok' } },
    },
    'ask',
    ['yes', 'no', 'maybe', 'yes'],
    'DEAD_END',
  );
  trapped(
    'a condition on an earlier text answer (t == "yes") traps every other answer',
    {
      word: { message: { text: 'A word?' }, expected_input: { type: 'text', variable: 't' }, next_step: 'num' },
      num: { message: { text: 'A number?' }, expected_input: { type: 'integer', variable: 'n' }, next_step: { type: 'conditional', conditions: [{ if: 't == "yes"', then: 'done' }] } },
      done: { message: { text: 'ok' } },
    },
    'word',
    ['no', '1', '2', '3', '42'],
    'UNCOVERED_CASE',
  );
});

/**
 * Input steps that re-ask a valid answer when no condition matches (a conditional without else, and no
 * max_attempts + on_fail to leave by) read only variables whose values the checker can enumerate: variables
 * assigned only by button inputs (the IR lists their `values`).
 */
/**
 * The fragment in which the checker decides conditions exactly: re-asking steps whose conditions read variables
 * that only inputs and literal `set`s assign (a computed `set` such as `count + 1` makes values path-dependent).
 */
function reaskConditionsAreDecidable(ir: IrScenario): boolean {
  const computed = new Set(Object.values(ir.steps).flatMap((st) => st.set.filter((a) => a.expr.kind !== 'literal').map((a) => a.variable)));
  return reaskSteps(ir).every(
    (step) => step.route.kind === 'branch' && step.route.branches.every((b) => collectRefs(b.when).every((ref) => ref.path.length === 1 && !computed.has(ref.path[0]!))),
  );
}

/** An input step with a conditional without else and no max_attempts + on_fail: it may re-ask valid answers forever. */
const reasks = (step: IrStep): boolean =>
  step.input !== undefined && step.route.kind === 'branch' && step.route.else === undefined && (step.input.maxAttempts === undefined || step.input.onFail === undefined);

const reaskSteps = (ir: IrScenario): IrStep[] => Object.values(ir.steps).filter(reasks);

describe('d. persistence', () => {
  it('persisting to JSON and restoring at random turns does not change the rest of the conversation', () => {
    let restored = 0;
    let restoredMidDialog = 0;
    const arb = mixedScenarioArb.chain((s) =>
      fc.tuple(
        fc.constant(s),
        conversationArb(s.ir, { minLength: 2 }).chain((messages) =>
          fc.tuple(fc.constant(messages), fc.uniqueArray(fc.integer({ min: 0, max: messages.length }), { minLength: 1, maxLength: 3 })),
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([s, [messages, cuts]]) => {
        const straight = new Dialog(s.config);
        let resumed = new Dialog(s.config);
        const check = (a: Observed, b: Observed, i: number, what: string): void => {
          if (!isDeepStrictEqual(a, b)) throw new Error(`${what}\n uninterrupted: ${JSON.stringify(a)}\n restored:      ${JSON.stringify(b)}${describeCase(s, messages, i)}`);
        };
        for (let i = 0; i <= messages.length; i++) {
          if (cuts.includes(i)) {
            const stored = JSON.stringify(resumed.persisted());
            resumed.stop();
            resumed = new Dialog(s.config, { snapshot: JSON.parse(stored) });
            restored++;
            if (straight.step !== undefined) restoredMidDialog++;
            check(
              { effects: [], step: straight.step, ended: straight.ended, vars: straight.vars },
              { effects: [], step: resumed.step, ended: resumed.ended, vars: resumed.vars },
              i,
              `state right after restoring before message ${i}`,
            );
          }
          if (i === messages.length) break;
          check(observe(straight, messages[i]!), observe(resumed, messages[i]!), i, `turn ${i} after restoring at ${cuts.join(', ')}`);
        }
        straight.stop();
        resumed.stop();
      }),
      fcOptions,
    );
    expect(restored).toBeGreaterThanOrEqual(runs);
    // Restoring inside a running dialog (not only before the first message or after the end).
    expect(restoredMidDialog).toBeGreaterThan(runs / 3);
  });

});
