import type { Reporter } from '../diagnostics/reporter.js';
import { edgeKey } from './conditions.js';
import { entrySteps, type StepEdge } from './edges.js';
import { isWaiting, type CheckedScenario, type CheckedStep } from './model.js';

/** Edges that can be taken: those the condition analysis did not rule out. */
export function liveEdges(edges: readonly StepEdge[], pruned: ReadonlySet<string>): StepEdge[] {
  return edges.filter((e) => !pruned.has(edgeKey(e.from, e.kind, e.branch)));
}

/** Reports unreachable steps; returns the reachable ones. */
export function checkReachability(reporter: Reporter, s: CheckedScenario, live: ReadonlyMap<string, readonly StepEdge[]>): Set<string> {
  const seen = new Set(entrySteps(s));
  const queue = [...seen];
  while (queue.length > 0) {
    for (const e of live.get(queue.pop()!) ?? []) {
      if (!seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  // A line that did not parse may be the `go` or `when` that leads to a step: say nothing until the file parses.
  if (!s.incomplete) for (const step of s.steps) if (!seen.has(step.id)) reporter.report('UNREACHABLE_STEP', step.ast.id.loc, { step: step.id });
  return seen;
}

/** True when a step without a match (and no else) falls through to the "no route" outcome. */
function canFallThrough(step: CheckedStep, pruned: ReadonlySet<string>): boolean {
  return step.route.kind === 'branch' && !step.route.else && !pruned.has(edgeKey(step.id, 'else'));
}

export function checkDeadEnds(reporter: Reporter, s: CheckedScenario, pruned: ReadonlySet<string>, reachable: ReadonlySet<string>): void {
  for (const step of s.steps) {
    const route = step.route;
    if (route.kind !== 'branch' || !reachable.has(step.id)) continue;
    // A branch that failed to parse or names an unknown step is already an error; do not pile on.
    const open = route.branches.some((b, i) => !b.when || !b.target || !pruned.has(edgeKey(step.id, 'branch', i)));
    if (open || (route.else && !pruned.has(edgeKey(step.id, 'else')))) continue;
    if (step.input?.onFail && step.input.maxAttempts) continue;
    // The timeout leaves a step whose answers can never be taken.
    if (step.input && step.timers?.timeout?.target) continue;
    const why = step.input
      ? 'no condition can ever hold and there is no "else", so every answer is asked again; add an "else" or fix the conditions'
      : 'no condition can ever hold and there is no "else", so the dialog always ends with an error; add an "else" or fix the conditions';
    reporter.report('DEAD_END', step.ast.id.loc, { step: step.id, why });
  }
}

/** Loops among steps that never wait for input: certain (error) or conditional (warning). */
export function checkLoops(reporter: Reporter, s: CheckedScenario, live: ReadonlyMap<string, readonly StepEdge[]>, pruned: ReadonlySet<string>): void {
  // A step that waits (for input or a wait timer) ends the turn, so no loop through it runs on its own.
  const auto = (id: string): StepEdge[] => {
    const step = s.byId.get(id);
    return step && isWaiting(step) ? [] : [...(live.get(id) ?? [])];
  };
  for (const scc of stronglyConnected(s.steps.map((st) => st.id), (id) => auto(id).map((e) => e.to))) {
    const members = new Set(scc);
    const cyclic = scc.length > 1 || auto(scc[0]!).some((e) => e.to === scc[0]);
    // A step with a line that did not parse may have lost its `ask` or the route that leaves the loop.
    if (!cyclic || scc.some((id) => s.byId.get(id)?.incomplete)) continue;
    // In file order, without a pass over every step per loop.
    const ordered = scc.flatMap((id) => s.byId.get(id) ?? []).sort((a, b) => a.index - b.index);
    const exits = ordered.some((st) => auto(st.id).some((e) => !members.has(e.to)) || canFallThrough(st, pruned));
    const names = ordered.map((st) => `"${st.id}"`).join(', ');
    const first = ordered[0]!;
    reporter.report(exits ? 'LOOP_MAY_NOT_TERMINATE' : 'LOOP_WITHOUT_INPUT', first.ast.id.loc, { steps: names });
  }
}

/** Tarjan's algorithm, iterative (scenarios can have thousands of steps). */
export function stronglyConnected(nodes: readonly string[], next: (n: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; succ: readonly string[]; i: number }[] = [];
    const open = (n: string): void => {
      index.set(n, counter);
      low.set(n, counter++);
      stack.push(n);
      onStack.add(n);
      work.push({ node: n, succ: next(n), i: 0 });
    };
    open(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      if (top.i < top.succ.length) {
        const w = top.succ[top.i++]!;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === index.get(top.node)) {
        const comp: string[] = [];
        let w: string | undefined;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.node);
        out.push(comp);
      }
    }
  }
  return out;
}
