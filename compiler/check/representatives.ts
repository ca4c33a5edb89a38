import { childrenOf, type Expr, type Literal } from '../../grammar/index.js';
import type { CheckedScenario } from './model.js';
import { parseAnswer, type AnswerSpec } from '../semantics/answers.js';

/**
 * Stand-ins for the values of a text or number variable that conditions only compare with literals: one value per
 * class of values the conditions cannot tell apart (each literal, "any other text", the numbers between literals).
 * Evaluating the conditions on them decides "never true" and "no condition matches" exactly.
 */

/** A text unequal to every literal a scenario can write. */
export const OTHER_TEXT = '\u0000other';

export interface VarShape {
  readonly type: 'string' | 'number';
  /** Whether some assignment can store exactly this value (an answer that passes validation, or a literal). */
  readonly possible: (value: Literal) => boolean;
  /** Numbers worth trying when looking for a possible value: validation bounds and assigned literals. */
  readonly anchors: readonly number[];
  /** False when values other than the literals may not all be possible (a computed `set`). */
  readonly exact: boolean;
}

/** What the assignments of each variable allow, over the whole scenario. */
export function variableShapes(s: CheckedScenario): Map<string, VarShape> {
  type Acc = { types: Set<string>; exact: boolean; specs: AnswerSpec[]; literals: Set<Literal> };
  const acc = new Map<string, Acc>();
  const get = (v: string): Acc => {
    let a = acc.get(v);
    if (!a) acc.set(v, (a = { types: new Set(), exact: true, specs: [], literals: new Set() }));
    return a;
  };
  for (const step of s.steps) {
    const input = step.input;
    if (input && input.type !== 'button' && input.type !== 'media') {
      const a = get(input.variable);
      const numeric = input.type === 'number' || input.type === 'integer';
      a.types.add(numeric ? 'number' : 'string');
      a.specs.push({ type: input.type, validation: input.validation });
    } else if (input) get(input.variable).types.add(input.type);
    for (const assignment of step.set) {
      const a = get(assignment.variable);
      const e = assignment.value?.expr;
      if (e?.kind === 'literal' && (typeof e.value === 'number' || typeof e.value === 'string')) {
        a.types.add(typeof e.value);
        a.literals.add(e.value);
      } else {
        a.types.add('computed');
        a.exact = false;
      }
    }
  }
  const out = new Map<string, VarShape>();
  for (const [v, a] of acc) {
    const [type, ...others] = [...a.types];
    if (others.length > 0 || (type !== 'string' && type !== 'number')) continue;
    out.set(v, shapeOf(type, a.specs, a.literals, a.exact));
  }
  return out;
}

function shapeOf(type: 'string' | 'number', specs: readonly AnswerSpec[], literals: ReadonlySet<Literal>, exact: boolean): VarShape {
  const known = new Map<Literal, boolean>();
  const possible = (value: Literal): boolean => {
    let hit = known.get(value);
    if (hit === undefined) {
      hit =
        literals.has(value) ||
        specs.some((spec) => {
          const r = parseAnswer(spec, String(value));
          return r.ok && r.value === value;
        });
      known.set(value, hit);
    }
    return hit;
  };
  const anchors = [...specs.flatMap((sp) => [sp.validation.min, sp.validation.max]), ...literals].filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return { type, possible, anchors, exact };
}

/** The shape of an input's variable right after that input: only its own answers are possible there. */
export function inputShape(spec: AnswerSpec): VarShape {
  return shapeOf(spec.type === 'number' || spec.type === 'integer' ? 'number' : 'string', [spec], new Set(), true);
}

/** The literals `variable` is compared with, or undefined when it is used any other way. */
export function comparedLiterals(e: Expr, variable: string, type: 'string' | 'number'): Literal[] | undefined {
  const isVar = (x: Expr) => x.kind === 'ref' && x.path.length === 1 && x.path[0] === variable;
  const out: Literal[] = [];
  const walk = (x: Expr): boolean => {
    if (isVar(x)) return false;
    if (x.kind === 'compare' && (isVar(x.left) || isVar(x.right))) {
      const other = isVar(x.left) ? x.right : x.left;
      const ordering = x.op !== '==' && x.op !== '!=';
      if (other.kind !== 'literal' || (ordering && type === 'string')) return false;
      out.push(other.value);
      return true;
    }
    if (x.kind === 'in' && isVar(x.subject)) {
      if (!x.list.every((i) => i.kind === 'literal')) return false;
      for (const i of x.list) if (i.kind === 'literal') out.push(i.value);
      return true;
    }
    if (x.kind === 'is' && isVar(x.subject)) return x.test === 'set';
    return childrenOf(x).every(walk);
  };
  return walk(e) ? out : undefined;
}

/** Answers to try as "some other text", one per input type, so a report can name a value a user can send. */
const OTHER_CANDIDATES = ['a', 'x', 'no', 'abc', 'other', '0', 'a@example.com', '+15551234567', '2000-01-01', 'A1', '1'];

/** A possible text unequal to the literals, or undefined when none of the candidates is (a pattern, say). */
export function otherText(shape: VarShape, literals: ReadonlySet<Literal>): string | undefined {
  return OTHER_CANDIDATES.find((c) => !literals.has(c) && shape.possible(c));
}

export function representatives(shape: VarShape, literals: readonly Literal[]): Set<Literal> {
  if (shape.type === 'string') {
    const reps = new Set<Literal>();
    for (const l of literals) if ((typeof l === 'string' || typeof l === 'number') && shape.possible(String(l))) reps.add(String(l));
    reps.add(otherText(shape, reps) ?? OTHER_TEXT);
    return reps;
  }
  // Conditions only compare with the literals, so they cannot tell apart two numbers in the same gap between
  // literals: one possible number per literal and per gap covers every case.
  const cs = [...new Set(literals.map(Number).filter(Number.isFinite))].sort((a, b) => a - b);
  const reps = new Set<number>(cs.filter((c) => shape.possible(c)));
  const bounds = [-Infinity, ...cs, Infinity];
  const tries = [0, 1, -1, ...shape.anchors];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [a, b] = [bounds[i]!, bounds[i + 1]!];
    const near = [a + 1, b - 1, Math.floor(a) + 1, Math.ceil(b) - 1, (a + b) / 2, a + 0.5, b - 0.5];
    const hit = [...near, ...tries].find((x) => Number.isFinite(x) && x > a && x < b && shape.possible(x));
    if (hit !== undefined) reps.add(hit);
  }
  return reps;
}
