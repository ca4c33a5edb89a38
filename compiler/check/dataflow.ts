import type { Literal } from '../../grammar/index.js';
import { answerAssigns, isWaiting, routesAfterAnswer, type CheckedScenario, type CheckedStep } from './model.js';
import { ChunkedBits, type BitSetId } from './chunked-bits.js';
import { entrySteps, reversePostOrder, type StepEdge } from './edges.js';

/** Possible values of a variable at a point: a finite set (undefined = unset), or 'top' (anything). */
export type Domain = ReadonlySet<Literal | undefined> | 'top';

/** The variables assigned on every path to here. */
type Must = BitSetId;

/** Where in a step: before `set`, after `set` (message and routing of steps without input), after a valid input. */
export type Point = 'entry' | 'afterSet' | 'afterInput';

export interface StepFacts {
  readonly entry: Must;
  readonly afterSet: Must;
  readonly afterInput?: Must;
}

/** What is known about variables at one point of a step. */
export interface Facts {
  assigned(variable: string): boolean;
  domain(variable: string): Domain;
}

/** Past this many points visited, a value set is given up as 'top' (sound, only less precise). */
const DOMAIN_BUDGET = 4096;

interface Pred {
  readonly from: string;
  readonly afterInput: boolean;
  /** Variables the move proves set (an `is set` condition on the route). */
  readonly known?: ReadonlySet<string>;
}

/**
 * Definite assignment (a forward must-analysis on shared chunked bit sets) and, on demand, the values a variable can hold at a
 * point (a backward search for the assignments that reach it).
 */
export class Dataflow {
  readonly index = new Map<string, number>();
  readonly facts = new Map<string, StepFacts>();
  private readonly bits: ChunkedBits;
  private readonly preds = new Map<string, Pred[]>();
  private readonly entries: ReadonlySet<string>;

  constructor(
    private readonly s: CheckedScenario,
    private readonly edges: ReadonlyMap<string, readonly StepEdge[]>,
    variables: readonly string[],
  ) {
    variables.forEach((v, i) => this.index.set(v, i));
    this.bits = new ChunkedBits(variables.length);
    this.entries = new Set(entrySteps(s));
    for (const [from, list] of edges) for (const e of list) this.addPred(e.to, { from, afterInput: e.afterInput, known: e.known });
    // A command may arrive while any step waits (for input or for its wait timer).
    for (const c of s.commands) for (const step of s.steps) if (isWaiting(step)) this.addPred(c.target, { from: step.id, afterInput: false });
    this.solve();
  }

  private addPred(to: string, p: Pred): void {
    const list = this.preds.get(to);
    if (list) list.push(p);
    else this.preds.set(to, [p]);
  }

  private indexes(variables: Iterable<string>): number[] {
    const out: number[] = [];
    for (const v of variables) {
      const i = this.index.get(v);
      if (i !== undefined) out.push(i);
    }
    return out;
  }

  private transfer(step: CheckedStep, entry: Must): StepFacts {
    // Sets are never written once stored, so a step that assigns nothing shares its entry's.
    const afterSet = step.set.length > 0 ? this.bits.with(entry, this.indexes(step.set.map((a) => a.variable))) : entry;
    if (!routesAfterAnswer(step)) return { entry, afterSet };
    const afterInput = this.bits.with(afterSet, this.indexes(answerAssigns(step)));
    return { entry, afterSet, afterInput };
  }

  private solve(): void {
    const order = reversePostOrder(this.s, this.edges);
    // In reverse post-order every predecessor comes first unless an edge goes back (a loop): without such an
    // edge one pass reaches the fixed point, and a second would only confirm it.
    const position = new Map(order.map((id, i) => [id, i]));
    const loops = order.some((id, i) => (this.preds.get(id) ?? []).some((p) => (position.get(p.from) ?? -1) >= i));
    let changed = true;
    for (let round = 0; changed && round < (loops ? 1000 : 1); round++) {
      changed = false;
      for (const id of order) {
        const step = this.s.byId.get(id);
        if (!step) continue;
        let entry: Must | undefined = this.entries.has(id) ? this.bits.empty() : undefined;
        for (const p of this.preds.get(id) ?? []) {
          const f = this.facts.get(p.from);
          if (!f) continue;
          const src = this.withKnown(p.afterInput && f.afterInput ? f.afterInput : f.afterSet, p.known);
          entry = entry ? this.bits.intersect(entry, src) : src;
        }
        if (!entry) continue;
        const old = this.facts.get(id);
        if (old && this.bits.equal(old.entry, entry)) continue;
        this.facts.set(id, this.transfer(step, entry));
        changed = true;
      }
    }
  }

  /** `bits` plus the variables a guarded move proves set (a fresh set only when that adds something). */
  private withKnown(bits: Must, known: ReadonlySet<string> | undefined): Must {
    if (!known || known.size === 0) return bits;
    return this.bits.with(bits, this.indexes(known));
  }

  /** Visit marks of the backward walks: a stamp per walk, so no walk allocates or clears a visited set. */
  private stepMarks: Int32Array | undefined;
  /** Marks of names that are no step (a route to an unknown step). */
  private readonly otherMarks = new Map<string, Int32Array>();
  private stamp = 0;

  private mark(id: string, at: Point): boolean {
    const slot = at === 'entry' ? 0 : at === 'afterSet' ? 1 : 2;
    const step = this.s.byId.get(id);
    let m: Int32Array;
    let i = slot;
    if (step) {
      m = this.stepMarks ??= new Int32Array(3 * this.s.steps.length);
      i += 3 * step.index;
    } else {
      let own = this.otherMarks.get(id);
      if (!own) this.otherMarks.set(id, (own = new Int32Array(3)));
      m = own;
    }
    if (m[i] === this.stamp) return false;
    m[i] = this.stamp;
    return true;
  }

  /** The values `variable` can have at `point` of `stepId`, found by walking back to its assignments. */
  domain(variable: string, stepId: string, point: Point): Domain {
    const out = new Set<Literal | undefined>();
    this.stamp++;
    let visited = 0;
    const stack: [string, Point][] = [[stepId, point]];
    while (stack.length > 0) {
      const [id, at] = stack.pop()!;
      if (!this.mark(id, at)) continue;
      if (++visited > DOMAIN_BUDGET) return 'top';
      const step = this.s.byId.get(id);
      if (!step) continue;
      // A line of the step that did not parse may be a button or a `set` of this variable.
      if (step.incomplete && at !== 'entry') return 'top';
      if (at === 'afterInput' && step.call?.save.some((s) => s.variable === variable)) return 'top';
      if (at === 'afterInput' && step.input?.variable === variable) {
        if (step.input.type !== 'button') return 'top';
        for (const b of step.buttons) out.add(b.value);
        continue;
      }
      if (at !== 'entry') {
        const last = step.set.findLast((a) => a.variable === variable);
        if (last) {
          const e = last.value?.expr;
          if (e?.kind !== 'literal') return 'top';
          out.add(e.value);
          continue;
        }
        stack.push([id, 'entry']);
        continue;
      }
      if (this.entries.has(id)) out.add(undefined);
      for (const p of this.preds.get(id) ?? []) {
        // A failed call's move assigns what it saves from the status: any number.
        if (p.known?.has(variable) && this.s.byId.get(p.from)?.call) return 'top';
        stack.push([p.from, p.afterInput ? 'afterInput' : 'afterSet']);
      }
    }
    return out;
  }

  view(stepId: string, point: Point): Facts {
    const f = this.facts.get(stepId);
    const bits = f && (point === 'entry' ? f.entry : point === 'afterInput' ? (f.afterInput ?? f.afterSet) : f.afterSet);
    return {
      assigned: (v) => {
        const i = this.index.get(v);
        return bits !== undefined && i !== undefined && this.bits.has(bits, i);
      },
      domain: (v) => (this.index.has(v) ? this.domain(v, stepId, point) : new Set([undefined])),
    };
  }

  /** A shortest path from an entry to `target` on which no step assigns `variable` before `target`. */
  witness(variable: string, target: string): string[] {
    const roots = [...this.entries];
    const parent = new Map<string, string | null>(roots.map((r) => [r, null]));
    const queue = [...roots];
    for (let head = 0; head < queue.length; head++) {
      const id = queue[head]!;
      if (id === target) break;
      const step = this.s.byId.get(id);
      if (!step || step.set.some((a) => a.variable === variable)) continue;
      for (const e of this.edges.get(id) ?? []) {
        if ((e.afterInput && answerAssigns(step).includes(variable)) || e.known?.has(variable)) continue;
        if (parent.has(e.to)) continue;
        parent.set(e.to, id);
        queue.push(e.to);
      }
    }
    if (!parent.has(target)) return [target];
    const path: string[] = [];
    for (let cur: string | null | undefined = target; cur; cur = parent.get(cur)) path.unshift(cur);
    return path;
  }
}
