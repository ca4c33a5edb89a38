import type { Expr, Literal } from '../../grammar/index.js';
import { collectRefs, evaluate, printExpression, truthy } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { Dataflow, Facts } from './dataflow.js';
import { comparedLiterals, inputShape, OTHER_TEXT, representatives, variableShapes, type VarShape } from './representatives.js';
import type { AnswerSpec } from '../semantics/answers.js';
import { routesAfterAnswer, type CheckedScenario, type CheckedStep } from './model.js';

/** More combinations than this are not enumerated: the checker then says nothing. */
const MAX_COMBINATIONS = 4096;

export const edgeKey = (from: string, kind: string, branch?: number): string => `${from}|${kind}|${branch ?? ''}`;

/** One value per name, aligned with the names it was enumerated for. */
type Combo = readonly (Literal | undefined)[];

const show = (v: Literal | undefined): string => (v === undefined ? 'unset' : v === OTHER_TEXT ? 'any other text' : JSON.stringify(v));

/** `n can only be "a", "b" here`; a step that accepts no answer (a button input without buttons) leaves none. */
const possibleValues = (n: string, values: ReadonlySet<Literal | undefined>): string =>
  values.size === 0 ? `${n} has no possible value here` : `${n} can only be ${[...values].map(show).join(', ')} here`;

/** Every combination of the possible values of `names`, or undefined when some value is not known. */
function combinations(names: readonly string[], domain: (v: string) => ReadonlySet<Literal | undefined> | 'top'): Combo[] | undefined {
  const domains: (Literal | undefined)[][] = [];
  let total = 1;
  for (const name of names) {
    const d = domain(name);
    if (d === 'top') return undefined;
    total *= d.size;
    if (total > MAX_COMBINATIONS) return undefined;
    domains.push([...d]);
  }
  // In the order of nested loops over the names, the last one varying fastest.
  const combos: Combo[] = new Array(total);
  const n = names.length;
  for (let k = 0; k < total; k++) {
    const combo: (Literal | undefined)[] = new Array(n);
    let rest = k;
    for (let i = n - 1; i >= 0; i--) {
      const d = domains[i]!;
      combo[i] = d[rest % d.length];
      rest = Math.floor(rest / d.length);
    }
    combos[k] = combo;
  }
  return combos;
}

const varsOf = (e: Expr): string[] => [...new Set(collectRefs(e).map((r) => (r.path.length === 1 ? r.path[0]! : r.path.join('.'))))];

const holds = (e: Expr, names: readonly string[], combo: Combo): boolean =>
  truthy(
    evaluate(e, (path) => {
      const i = names.indexOf(path.length === 1 ? path[0]! : path.join('.'));
      return i < 0 ? undefined : combo[i];
    }),
  );

/**
 * Conditions that can never hold, that always hold, and values no condition covers, decided by enumerating
 * the values each variable can have at that point. Returns the edges that can never be taken.
 */
export function checkConditions(reporter: Reporter, s: CheckedScenario, flow: Dataflow): Set<string> {
  const pruned = new Set<string>();
  const shapes = variableShapes(s);
  for (const step of s.steps) {
    // A `when` line that did not parse leaves the route partial: say nothing about what it covers.
    if (step.route.kind !== 'branch' || step.incomplete) continue;
    const f = flow.facts.get(step.id);
    if (!f) continue;
    checkRoute(reporter, step, flow.view(step.id, routesAfterAnswer(step) ? 'afterInput' : 'afterSet'), shapes, pruned);
  }
  return pruned;
}

function checkRoute(reporter: Reporter, step: CheckedStep, facts: Facts, shapes: ReadonlyMap<string, VarShape>, pruned: Set<string>): void {
  if (step.route.kind !== 'branch') return;
  const branches = step.route.branches;
  const exprsOfRoute = branches.flatMap((b) => (b.when ? [b.when.expr] : []));
  const namesOf = new Map<Expr, string[]>(exprsOfRoute.map((e) => [e, varsOf(e)]));
  // Variables whose possible values are stand-ins rather than the real set: fine for "never true" (a superset),
  // but "no condition matches" is only said when "any other value" is a possible answer.
  const approximate = new Set<string>();
  const standIns = new Set<string>();
  const domains = new Map<string, ReadonlySet<Literal | undefined> | 'top'>();
  const domain = (v: string): ReadonlySet<Literal | undefined> | 'top' => {
    let d = domains.get(v);
    if (d === undefined) domains.set(v, (d = computeDomain(v)));
    return d;
  };
  const computeDomain = (v: string): ReadonlySet<Literal | undefined> | 'top' => {
    if (v.includes('.')) return 'top';
    const known = facts.domain(v);
    const own = step.input && step.input.variable === v && step.input.type !== 'button' && step.input.type !== 'media' ? step.input : undefined;
    const shape = own ? inputShape({ type: own.type as AnswerSpec['type'], validation: own.validation }) : shapes.get(v);
    if (known !== 'top' || !shape) return known;
    const literals: Literal[] = [];
    for (const e of exprsOfRoute) {
      const found = comparedLiterals(e, v, shape.type);
      if (!found) return 'top';
      literals.push(...found);
    }
    standIns.add(v);
    const reps = new Set<Literal | undefined>(representatives(shape, literals));
    // The abstract "other text" may be impossible (a pattern): then do not claim it is left uncovered.
    if (!shape.exact || reps.has(OTHER_TEXT)) approximate.add(v);
    if (!facts.assigned(v)) reps.add(undefined);
    return reps;
  };
  let alwaysAt = -1;
  branches.forEach((b, i) => {
    if (!b.when || alwaysAt >= 0) {
      if (alwaysAt >= 0) pruned.add(edgeKey(step.id, 'branch', i));
      return;
    }
    const names = namesOf.get(b.when.expr) ?? [];
    const combos = combinations(names, domain);
    if (!combos) return;
    const results = combos.map((c) => holds(b.when!.expr, names, c));
    const condition = (): string => printExpression(b.when!.expr);
    if (results.every((r) => !r)) {
      pruned.add(edgeKey(step.id, 'branch', i));
      const why =
        names.length === 0
          ? 'it does not depend on any variable'
          : names
              .map((n) =>
                standIns.has(n)
                  ? `no possible value of ${n} satisfies it`
                  : possibleValues(n, domain(n) as ReadonlySet<Literal | undefined>),
              )
              .join('; ');
      reporter.report('CONDITION_NEVER_TRUE', b.when.src.loc, { condition: condition(), why });
    } else if (results.every((r) => r) && (i < branches.length - 1 || step.route.kind === 'branch' && step.route.else)) {
      alwaysAt = i;
      reporter.report('CONDITION_ALWAYS_TRUE', b.when.src.loc, { condition: condition() });
    }
  });
  if (alwaysAt >= 0) {
    pruned.add(edgeKey(step.id, 'else'));
    return;
  }
  const exprs = branches.flatMap((b) => (b.when ? [b.when.expr] : []));
  if (exprs.length !== branches.length) return;
  const names = [...new Set(exprs.flatMap((e) => namesOf.get(e) ?? []))];
  const combos = combinations(names, domain);
  if (!combos || names.length === 0) return;
  const uncovered = combos.filter((c) => !exprs.some((e) => holds(e, names, c)));
  if (uncovered.length === 0) {
    pruned.add(edgeKey(step.id, 'else'));
    return;
  }
  if (step.route.else || uncovered.length === combos.length || names.some((n) => approximate.has(n))) return;
  const first = uncovered[0]!;
  reporter.report('UNCOVERED_CASE', step.route.loc, {
    variable: names.join(', '),
    value: names.map((_, i) => show(first[i])).join(', '),
    outcome: step.input ? 'the bot re-asks' : 'the dialog ends with an error',
  });
}
