/**
 * The scenario graph, computed two independent ways: from the IR (what the scenario says) and from the emitted
 * XState config (what the machine can do); plus an inspector that records the transitions a running machine
 * actually takes. Edges are "from->to" strings over step ids and the two pseudo-states `$new` and `$ended`.
 */
import type { InspectionEvent } from 'xstate';
import { ENDED_STATE, NEW_STATE, type IrScenario, type MachineConfig } from '../../compiler/index.js';

export const edge = (from: string, to: string): string => `${from}->${to}`;

/**
 * Every move the scenario allows:
 * - from every state (`$new`, `$ended` and each step): "/start" → start_step, and each command → its step;
 * - `$new`/`$ended` → start_step (any other message starts a dialog);
 * - a step's route: goto target, every branch target, else; "no next_step" → `$ended` (final);
 * - a step without input and a conditional without else → `$ended` (NO_ROUTE);
 * - every step without input → `$ended` (the LOOP_LIMIT guard sits on every such step);
 * - an input step with max_attempts and on_fail → on_fail;
 * - when the scenario has no "/cancel" of its own, the built-in one: every state → `$ended` (in `$new` and
 *   `$ended` the idle state's own answer shadows it, but the root transition is there);
 * - an input step's timeout → its target; with expire_after, every state → on_expire, or `$ended` without it
 *   (a root transition, like the commands).
 */
export function irEdges(ir: IrScenario): Set<string> {
  const out = new Set<string>();
  const states = [NEW_STATE, ENDED_STATE, ...Object.keys(ir.steps)];
  for (const s of states) {
    out.add(edge(s, ir.startStep));
    for (const c of ir.commands) out.add(edge(s, c.target));
    if (!ir.commands.some((c) => c.command === '/cancel')) out.add(edge(s, ENDED_STATE));
    if (ir.expire) out.add(edge(s, ir.expire.onExpire ?? ENDED_STATE));
  }
  for (const step of Object.values(ir.steps)) {
    const r = step.route;
    if (r.kind === 'goto') out.add(edge(step.id, r.target));
    if (r.kind === 'end') out.add(edge(step.id, ENDED_STATE));
    if (r.kind === 'branch') {
      for (const b of r.branches) out.add(edge(step.id, b.target));
      if (r.else !== undefined) out.add(edge(step.id, r.else));
      else if (!step.input) out.add(edge(step.id, ENDED_STATE));
    }
    if (!step.input) out.add(edge(step.id, ENDED_STATE));
    if (step.input?.maxAttempts !== undefined && step.input.onFail !== undefined) out.add(edge(step.id, step.input.onFail));
    if (step.input && step.timeout) out.add(edge(step.id, step.timeout.target));
  }
  return out;
}

/**
 * Every targeted transition of the config: `states[S].on[*][*].target`, `states[S].always[*].target`, and the
 * root `on` transitions (targets written `.step`), which apply in every state.
 */
export function machineEdges(config: MachineConfig): Set<string> {
  const out = new Set<string>();
  const stateIds = Object.keys(config.states);
  for (const [id, state] of Object.entries(config.states)) {
    for (const list of Object.values(state.on ?? {})) for (const t of list) if (t.target !== undefined) out.add(edge(id, t.target));
    for (const t of state.always ?? []) if (t.target !== undefined) out.add(edge(id, t.target));
  }
  for (const list of Object.values(config.on)) {
    for (const t of list) {
      if (t.target === undefined) continue;
      const target = t.target.startsWith('.') ? t.target.slice(1) : t.target;
      for (const id of stateIds) out.add(edge(id, target));
    }
  }
  return out;
}

interface NodeLike {
  readonly key: string;
  readonly id: string;
}

/**
 * Records the (state before, state after) pair of every microstep that took a transition with a target, from
 * `@xstate.microstep` inspection events. XState reports the selected transitions in `_transitions`, each with
 * `source` (a state node: the step state, or the root for the scenario's global commands) and `target` (an array
 * of state nodes, or undefined for a targetless transition such as "invalid answer, ask again").
 */
export class TransitionRecorder {
  readonly taken: string[] = [];
  /** Every state value seen after a microstep, in order. */
  readonly visited: string[] = [];
  /** Problems with the inspection events themselves (shape changed, inconsistent data). */
  readonly anomalies: string[] = [];
  private current: string;

  constructor(initial: string = NEW_STATE) {
    this.current = initial;
  }

  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep') return;
    const transitions = (event as { _transitions?: unknown })._transitions;
    if (!Array.isArray(transitions)) {
      this.anomalies.push('a microstep without _transitions');
      return;
    }
    const value = (event.snapshot as { value?: unknown }).value;
    if (typeof value !== 'string') {
      this.anomalies.push(`a state value that is not a string: ${JSON.stringify(value)}`);
      return;
    }
    const targeted = transitions.filter((t: { target?: readonly NodeLike[] }) => t.target !== undefined && t.target.length > 0);
    if (targeted.length > 1) this.anomalies.push(`${targeted.length} targeted transitions in one microstep`);
    for (const t of targeted as { source: NodeLike; target: readonly NodeLike[] }[]) {
      const to = t.target[0]!.key;
      if (to !== value) this.anomalies.push(`transition to ${to} but the state is ${value}`);
      // A transition on the root (global commands) is taken from whatever state the machine was in.
      if (t.source.key !== this.current && t.source.id !== 'scenario') this.anomalies.push(`transition from ${t.source.key} while in ${this.current}`);
      this.taken.push(edge(this.current, to));
    }
    if (targeted.length === 0 && value !== this.current) this.anomalies.push(`state changed from ${this.current} to ${value} without a target`);
    this.current = value;
    this.visited.push(value);
  };
}
