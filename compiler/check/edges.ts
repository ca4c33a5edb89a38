import { provenSet } from './guards.js';
import { errorAssigns, isWaiting, routesAfterAnswer, type CheckedScenario, type CheckedStep } from './model.js';

/**
 * 'timeout': an input step's timeout; 'expire': the scenario's `on_expire`, from any step where a dialog rests;
 * 'error': a call's `on_error`.
 */
export type EdgeKind = 'next' | 'branch' | 'else' | 'fail' | 'timeout' | 'expire' | 'error';

/** A possible move from one step to another, as the scenario writes it. */
export interface StepEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** For 'branch': the index of the condition. */
  readonly branch?: number;
  /** True when the move happens after a valid input or a call's 2xx answer (so what they assign is assigned). */
  readonly afterInput: boolean;
  /** Variables the route's conditions prove set when this move is taken (`when email is set go ...`). */
  readonly known?: ReadonlySet<string>;
}

/** The moves out of `step`; `onExpire` is the scenario's on_expire step, if expiry is on. */
export function stepEdges(step: CheckedStep, onExpire?: string): StepEdge[] {
  const out: StepEdge[] = [];
  const afterInput = routesAfterAnswer(step);
  const route = step.route;
  if (route.kind === 'goto') out.push({ from: step.id, to: route.target, kind: 'next', afterInput });
  if (route.kind === 'branch') {
    const guards = branchGuards(step);
    route.branches.forEach((b, i) => {
      if (b.target && b.when) out.push({ from: step.id, to: b.target.target, kind: 'branch', branch: i, afterInput, known: guards.taken[i] });
    });
    if (route.else) out.push({ from: step.id, to: route.else.target, kind: 'else', afterInput, known: guards.otherwise });
  }
  if (step.input?.onFail && step.input.maxAttempts) out.push({ from: step.id, to: step.input.onFail.target, kind: 'fail', afterInput: false });
  const timeout = step.timers?.timeout?.target;
  if (timeout && step.input) out.push({ from: step.id, to: timeout.target, kind: 'timeout', afterInput: false });
  const onError = step.call?.onError;
  if (onError) out.push({ from: step.id, to: onError.target, kind: 'error', afterInput: false, known: new Set(errorAssigns(step)) });
  if (onExpire !== undefined && isWaiting(step)) out.push({ from: step.id, to: onExpire, kind: 'expire', afterInput: false });
  return out;
}

/**
 * What a route's conditions prove set: conditions are tried in order, so condition i is evaluated (`before[i]`)
 * only when the ones before it failed, its branch is taken (`taken[i]`) when it also holds, and "else" when all failed.
 */
export function branchGuards(step: CheckedStep): BranchGuards {
  let guards = guardsOf.get(step);
  if (!guards) guardsOf.set(step, (guards = computeBranchGuards(step)));
  return guards;
}

interface BranchGuards {
  readonly before: ReadonlySet<string>[];
  readonly taken: ReadonlySet<string>[];
  readonly otherwise: ReadonlySet<string>;
}

/** The edges and the read check both ask; a step is never changed once checked. */
const guardsOf = new WeakMap<CheckedStep, BranchGuards>();

function computeBranchGuards(step: CheckedStep): BranchGuards {
  const before: ReadonlySet<string>[] = [];
  const taken: ReadonlySet<string>[] = [];
  let failed = new Set<string>();
  for (const b of step.route.kind === 'branch' ? step.route.branches : []) {
    before.push(failed);
    taken.push(b.when ? new Set([...failed, ...provenSet(b.when.expr, true)]) : failed);
    if (b.when) failed = new Set([...failed, ...provenSet(b.when.expr, false)]);
  }
  return { before, taken, otherwise: failed };
}

/** Steps a dialog can enter without a preceding step: start_step and command targets. */
export function entrySteps(s: CheckedScenario): string[] {
  const out = new Set<string>();
  if (s.startStep) out.add(s.startStep.id);
  for (const c of s.commands) out.add(c.target);
  return [...out];
}

/** Steps in reverse post-order from the entries (then the unreachable ones), for fast dataflow convergence. */
export function reversePostOrder(s: CheckedScenario, edges: ReadonlyMap<string, readonly StepEdge[]>): string[] {
  const seen = new Set<string>();
  const post: string[] = [];
  for (const root of entrySteps(s)) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: { id: string; i: number }[] = [{ id: root, i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const out = edges.get(top.id) ?? [];
      if (top.i < out.length) {
        const next = out[top.i++]!.to;
        if (!seen.has(next)) {
          seen.add(next);
          stack.push({ id: next, i: 0 });
        }
      } else {
        post.push(top.id);
        stack.pop();
      }
    }
  }
  const order = post.reverse();
  for (const step of s.steps) if (!seen.has(step.id)) order.push(step.id);
  return order;
}
