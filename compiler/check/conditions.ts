import type { Expr, Literal } from '../../grammar/index.js';
import { collectRefs, evaluate, printExpression, truthy } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { Dataflow } from './dataflow.js';
import type { CheckedScenario, CheckedStep } from './model.js';

/** More combinations than this are not enumerated: the checker then says nothing. */
const MAX_COMBINATIONS = 4096;

export const edgeKey = (from: string, kind: string, branch?: number): string => `${from}|${kind}|${branch ?? ''}`;

type Combo = ReadonlyMap<string, Literal | undefined>;

const show = (v: Literal | undefined): string => (v === undefined ? 'unset' : JSON.stringify(v));

/** Every combination of the possible values of `names`, or undefined when some value is not known. */
function combinations(names: readonly string[], domain: (v: string) => ReadonlySet<Literal | undefined> | 'top'): Combo[] | undefined {
  let combos: Map<string, Literal | undefined>[] = [new Map()];
  for (const name of names) {
    const d = domain(name);
    if (d === 'top' || combos.length * d.size > MAX_COMBINATIONS) return undefined;
    combos = combos.flatMap((c) => [...d].map((v) => new Map(c).set(name, v)));
  }
  return combos;
}

const varsOf = (e: Expr): string[] => [...new Set(collectRefs(e).map((r) => (r.path.length === 1 ? r.path[0]! : r.path.join('.'))))];

const holds = (e: Expr, combo: Combo): boolean => truthy(evaluate(e, (path) => combo.get(path.join('.'))));

/**
 * Conditions that can never hold, that always hold, and values no condition covers, decided by enumerating
 * the values each variable can have at that point. Returns the edges that can never be taken.
 */
export function checkConditions(reporter: Reporter, s: CheckedScenario, flow: Dataflow): Set<string> {
  const pruned = new Set<string>();
  for (const step of s.steps) {
    if (step.route.kind !== 'branch') continue;
    const f = flow.facts.get(step.id);
    if (!f) continue;
    checkRoute(reporter, step, flow.view(step.id, step.input ? 'afterInput' : 'afterSet'), pruned);
  }
  return pruned;
}

function checkRoute(reporter: Reporter, step: CheckedStep, facts: ReturnType<Dataflow['view']>, pruned: Set<string>): void {
  if (step.route.kind !== 'branch') return;
  const branches = step.route.branches;
  const domain = (v: string): ReadonlySet<Literal | undefined> | 'top' => (v.includes('.') ? 'top' : facts.domain(v));
  let alwaysAt = -1;
  branches.forEach((b, i) => {
    if (!b.when || alwaysAt >= 0) {
      if (alwaysAt >= 0) pruned.add(edgeKey(step.id, 'branch', i));
      return;
    }
    const names = varsOf(b.when.expr);
    const combos = combinations(names, domain);
    if (!combos) return;
    const results = combos.map((c) => holds(b.when!.expr, c));
    const condition = printExpression(b.when.expr);
    if (results.every((r) => !r)) {
      pruned.add(edgeKey(step.id, 'branch', i));
      const why =
        names.length === 0
          ? 'it does not depend on any variable'
          : names.map((n) => `${n} can only be ${[...(domain(n) as ReadonlySet<Literal | undefined>)].map(show).join(', ')} here`).join('; ');
      reporter.report('CONDITION_NEVER_TRUE', b.when.src.loc, { condition, why });
    } else if (results.every((r) => r) && (i < branches.length - 1 || step.route.kind === 'branch' && step.route.else)) {
      alwaysAt = i;
      reporter.report('CONDITION_ALWAYS_TRUE', b.when.src.loc, { condition });
    }
  });
  if (alwaysAt >= 0) {
    pruned.add(edgeKey(step.id, 'else'));
    return;
  }
  const exprs = branches.flatMap((b) => (b.when ? [b.when.expr] : []));
  if (exprs.length !== branches.length) return;
  const names = [...new Set(exprs.flatMap(varsOf))];
  const combos = combinations(names, domain);
  if (!combos || names.length === 0) return;
  const uncovered = combos.filter((c) => !exprs.some((e) => holds(e, c)));
  if (uncovered.length === 0) {
    pruned.add(edgeKey(step.id, 'else'));
    return;
  }
  if (step.route.else || uncovered.length === combos.length) return;
  const first = uncovered[0]!;
  reporter.report('UNCOVERED_CASE', step.route.loc, {
    variable: names.join(', '),
    value: names.map((n) => show(first.get(n))).join(', '),
    outcome: step.input ? 'the bot re-asks' : 'the dialog ends with an error',
  });
}
