import type { Literal } from '../../grammar/index.js';
import type { CheckedScenario, CheckedStep } from './model.js';
import { entrySteps, reversePostOrder, type StepEdge } from './edges.js';

/** Possible values of a variable at a point: a finite set (undefined = unset), or 'top' (anything). */
export type Domain = ReadonlySet<Literal | undefined> | 'top';

interface FlowState {
  /** Bit per variable: assigned on every path to here. */
  readonly must: Uint32Array;
  /** Values assigned so far, for the variables conditions read; missing = never assigned on any path. */
  readonly dom: Map<number, Set<Literal> | 'top'>;
}

/** What is known about variables at one point of a step. */
export interface Facts {
  assigned(variable: string): boolean;
  domain(variable: string): Domain;
}

export interface StepFacts {
  /** Before the step's `set`. */
  readonly entry: FlowState;
  /** After `set`: where the message is rendered and a step without input routes. */
  readonly afterSet: FlowState;
  /** After a valid input (input steps only): where an input step routes. */
  readonly afterInput?: FlowState;
}

export class Dataflow {
  readonly index = new Map<string, number>();
  private readonly words: number;
  readonly facts = new Map<string, StepFacts>();

  constructor(
    private readonly s: CheckedScenario,
    private readonly edges: ReadonlyMap<string, readonly StepEdge[]>,
    variables: readonly string[],
    private readonly relevant: ReadonlySet<string>,
  ) {
    variables.forEach((v, i) => this.index.set(v, i));
    this.words = Math.max(1, Math.ceil(variables.length / 32));
    this.solve();
  }

  private empty(): FlowState {
    return { must: new Uint32Array(this.words), dom: new Map() };
  }

  private copy(s: FlowState): FlowState {
    return { must: s.must.slice(), dom: new Map([...s.dom].map(([k, v]) => [k, v === 'top' ? 'top' : new Set(v)])) };
  }

  private meet(a: FlowState | undefined, b: FlowState): FlowState {
    if (!a) return this.copy(b);
    const out = this.copy(a);
    for (let i = 0; i < this.words; i++) out.must[i]! &= b.must[i]!;
    for (const [k, v] of b.dom) {
      const cur = out.dom.get(k);
      if (cur === 'top' || v === 'top') out.dom.set(k, 'top');
      else out.dom.set(k, new Set([...(cur ?? []), ...v]));
    }
    return out;
  }

  private assign(s: FlowState, variable: string, values: Set<Literal> | 'top'): void {
    const i = this.index.get(variable);
    if (i === undefined) return;
    s.must[i >> 5]! |= 1 << (i & 31);
    if (this.relevant.has(variable)) s.dom.set(i, values);
  }

  private transfer(step: CheckedStep, entry: FlowState): StepFacts {
    const afterSet = this.copy(entry);
    for (const a of step.set) {
      const e = a.value?.expr;
      this.assign(afterSet, a.variable, e?.kind === 'literal' ? new Set([e.value]) : 'top');
    }
    if (!step.input) return { entry, afterSet };
    const afterInput = this.copy(afterSet);
    const values = step.input.type === 'button' ? new Set<Literal>(step.buttons.map((b) => b.value)) : 'top';
    this.assign(afterInput, step.input.variable, values);
    return { entry, afterSet, afterInput };
  }

  private solve(): void {
    const order = reversePostOrder(this.s, this.edges);
    const entries = new Set(entrySteps(this.s));
    const preds = new Map<string, { from: string; afterInput: boolean }[]>();
    const addPred = (to: string, from: string, afterInput: boolean): void => {
      const list = preds.get(to) ?? [];
      list.push({ from, afterInput });
      preds.set(to, list);
    };
    for (const [from, list] of this.edges) for (const e of list) addPred(e.to, from, e.afterInput);
    // A command may arrive while any step waits for input.
    for (const c of this.s.commands) for (const step of this.s.steps) if (step.input) addPred(c.target, step.id, false);
    let changed = true;
    for (let round = 0; changed && round < 1000; round++) {
      changed = false;
      for (const id of order) {
        const step = this.s.byId.get(id);
        if (!step) continue;
        let entry: FlowState | undefined = entries.has(id) ? this.empty() : undefined;
        for (const p of preds.get(id) ?? []) {
          const f = this.facts.get(p.from);
          if (f) entry = this.meet(entry, p.afterInput && f.afterInput ? f.afterInput : f.afterSet);
        }
        if (!entry) continue;
        const old = this.facts.get(id);
        if (old && sameState(old.entry, entry)) continue;
        this.facts.set(id, this.transfer(step, entry));
        changed = true;
      }
    }
  }

  view(state: FlowState): Facts {
    return {
      assigned: (v) => {
        const i = this.index.get(v);
        return i !== undefined && (state.must[i >> 5]! & (1 << (i & 31))) !== 0;
      },
      domain: (v) => {
        const i = this.index.get(v);
        if (i === undefined) return new Set([undefined]);
        const d = state.dom.get(i);
        if (d === 'top' || (d === undefined && !this.relevant.has(v))) return 'top';
        const out = new Set<Literal | undefined>(d ?? []);
        if ((state.must[i >> 5]! & (1 << (i & 31))) === 0) out.add(undefined);
        return out;
      },
    };
  }

  /** A shortest path from an entry to `target` on which no step assigns `variable` before `target`. */
  witness(variable: string, target: string): string[] {
    const roots = entrySteps(this.s);
    const parent = new Map<string, string | null>(roots.map((r) => [r, null]));
    const queue = [...roots];
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (id === target) break;
      const step = this.s.byId.get(id);
      if (!step || step.set.some((a) => a.variable === variable)) continue;
      for (const e of this.edges.get(id) ?? []) {
        if (e.afterInput && step.input?.variable === variable) continue;
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

function sameState(a: FlowState, b: FlowState): boolean {
  for (let i = 0; i < a.must.length; i++) if (a.must[i] !== b.must[i]) return false;
  if (a.dom.size !== b.dom.size) return false;
  for (const [k, v] of a.dom) {
    const w = b.dom.get(k);
    if (v === 'top' || w === 'top' || w === undefined) {
      if (v !== w) return false;
      continue;
    }
    if (v.size !== w.size) return false;
    for (const x of v) if (!w.has(x)) return false;
  }
  return true;
}
