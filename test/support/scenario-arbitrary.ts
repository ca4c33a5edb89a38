/**
 * fast-check generators of random scenario documents (plain objects in the JSON format of docs/format.md).
 *
 * A scenario is generated in two stages: a *plan* (arrays of small numbers and choices, which shrink well) and a
 * deterministic *builder* that turns the plan into a document. The builder constructs scenarios so that the
 * compiler has nothing to call an error in the common case:
 *
 * - steps are `s0` .. `sN` (2-12 of them), `start_step` is `s0` (never a final step); kinds: message-only with
 *   `next_step`, input (text, integer, number, button with 1-4 buttons valued "a".."d"; goto, conditional with
 *   optional else, or none = end after the answer; optional validation, error_message, max_attempts/on_fail,
 *   sometimes only one of the two, on_fail sometimes the step itself), conditional without input (mostly with
 *   else), final; optional `set`; 0-2 commands; templates with filters, defaults and `user.first_name`;
 * - jumps go to the next step half of the time, so paths are long and most steps are reachable;
 * - steps without input only jump *forward* (to a higher index), so they cannot form a loop without input,
 *   except for two rare, deliberate cases: a "loop" step (`count` incremented, leaves when `count >= K`, else
 *   jumps back) and a rare plain back edge. Those give LOOP_MAY_NOT_TERMINATE warnings (and sometimes a real
 *   endless loop, so the runtime's 100-step limit is exercised) or, rarely, a LOOP_WITHOUT_INPUT error;
 * - every variable has one type: `choice`/`pick` (button inputs), `mode` (string literals), `t` (text input),
 *   `n`/`m` (integer/number inputs, numeric literals), `count` (a counter, initialised by `s0`), `label` (text
 *   built with `+`, never read by conditions). Conditions are type-directed, so TYPE_MISMATCH cannot happen;
 * - conditions only use the shapes `v == "a"`, `v != "a"`, `v in ["a", "b"]`, `v is set`, `n > 3`, `n <= 5`,
 *   `n == 4`, `count >= 2`, and `and`/`or` of two of them; every constant comes from the pools below, so a
 *   finite set of candidate answers covers every value a condition can test;
 * - a conditional without `else` on an input step usually starts with a condition on the step's own input
 *   that some answer satisfies (so DEAD_END is rare); sometimes it does not (so the checker's UNCOVERED_CASE and
 *   "re-ask" paths are exercised).
 *
 * - timers: some input steps get a `timeout` (to a step an input may lead to) and/or 1-2 `reminders`; some
 *   message-only steps become `wait` steps; some scenarios get `expire_after` (with or without `on_expire`).
 *   Durations come from TIMER_DURATIONS, increasing within a step, the expiry the longest;
 *
 * Warnings are expected and wanted: UNREACHABLE_STEP (forward jumps skip steps), VAR_UNASSIGNED, UNCOVERED_CASE,
 * CONDITION_NEVER_TRUE/ALWAYS_TRUE, LOOP_MAY_NOT_TERMINATE, MAX_ATTEMPTS_WITHOUT_ON_FAIL, ... A sanity test checks
 * that at least 90% of the generated documents compile without errors; the properties filter out the rest.
 */
import fc from 'fast-check';
import { compileScenario, emitMachineConfig, type Diagnostic, type IrScenario, type MachineConfig } from '../../compiler/index.js';

/** Button values: every button of every generated step takes its value from here. */
export const BUTTON_VALUES = ['a', 'b', 'c', 'd'] as const;
/** Possible texts of the button with a given value (two styles, so typed texts differ from values). */
export const BUTTON_TEXTS: Readonly<Record<string, readonly [string, string]>> = {
  a: ['Apple', 'Option A'],
  b: ['Banana', 'Option B'],
  c: ['Cherry', 'Option C'],
  d: ['Date', 'Option D'],
};
/** Words that text conditions compare with. */
export const WORDS = ['hello', 'yes', 'no'] as const;
/** Thresholds of numeric conditions, and validation bounds. */
export const SMALL_INTS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
export const COMMAND_NAMES = ['/help', '/menu', '/back'] as const;
/** Timer durations, shortest first; the scenario's expiry is always the last. */
export const TIMER_DURATIONS = ['30s', '1m', '10m', '1h', '1d', '7d'] as const;
/** The same durations in ms. */
export const TIMER_MS: Readonly<Record<(typeof TIMER_DURATIONS)[number], number>> = { '30s': 30_000, '1m': 60_000, '10m': 600_000, '1h': 3_600_000, '1d': 86_400_000, '7d': 604_800_000 };

export type InputKind = 'text' | 'integer' | 'number' | 'button';

export interface ButtonDoc {
  text: string;
  value: string;
}
export interface ConditionalDoc {
  type: 'conditional';
  conditions: { if: string; then: string }[];
  else?: string;
}
export interface InputDoc {
  type: InputKind;
  variable: string;
  validation?: { min?: number; max?: number; min_length?: number; max_length?: number; pattern?: string };
  error_message?: string;
  max_attempts?: number;
  on_fail?: string;
  sensitive?: boolean;
}
export interface StepDoc {
  set?: Record<string, string>;
  message?: { text: string };
  buttons?: ButtonDoc[];
  expected_input?: InputDoc;
  reminders?: { after: string; message: string }[];
  timeout?: { after: string; next: string };
  wait?: string;
  next_step?: string | ConditionalDoc;
}
export interface ScenarioDoc {
  name: string;
  version: string;
  start_step: string;
  expire_after?: string;
  on_expire?: string;
  commands?: Record<string, string>;
  steps: Record<string, StepDoc>;
}

// ---------------------------------------------------------------------------------------------------------------
// The plan

type Kind = 'say' | 'final' | 'input' | 'branch' | 'loop';
type SetKind = 'none' | 'mode' | 'm' | 'count' | 'label';

interface CondPlan {
  /** 0-5: simple condition on one variable; 6: `and`; 7: `or`. */
  readonly shape: number;
  readonly v1: number;
  readonly v2: number;
  readonly k1: number;
  readonly k2: number;
}

interface StepPlan {
  readonly kind: Kind;
  readonly hasMessage: boolean;
  readonly template: readonly number[];
  readonly set: SetKind;
  readonly setSeed: number;
  readonly inputType: InputKind;
  readonly varSeed: number;
  readonly buttons: readonly string[];
  readonly buttonStyle: number;
  readonly inputRoute: 'goto' | 'cond' | 'end';
  readonly targets: readonly [number, number, number, number];
  readonly backEdge: boolean;
  readonly conds: readonly CondPlan[];
  readonly hasElse: boolean;
  /** For a conditional without else on an input step: start with a satisfiable condition on the input. */
  readonly ownFirst: boolean;
  readonly attempts: 'none' | 'both' | 'max-only' | 'fail-only';
  readonly maxAttempts: number;
  readonly failSeed: number;
  readonly errorMessage: boolean;
  readonly validation: number;
  readonly sensitive: boolean;
  /** Input steps: 0 none, 1 a timeout, 2 reminders, 3 both; message-only steps: a wait when 3. */
  readonly timers: number;
  readonly timerSeed: number;
}

interface ScenarioPlan {
  readonly steps: readonly StepPlan[];
  /** 0: no expiry; 1: expire_after; 2: expire_after with on_expire. */
  readonly expire: number;
  readonly expireSeed: number;
  readonly commands: readonly { readonly name: string; readonly target: number }[];
}

const seed = fc.nat({ max: 1000 });

const condPlanArb: fc.Arbitrary<CondPlan> = fc.record({
  shape: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 5 }) }, { weight: 2, arbitrary: fc.integer({ min: 6, max: 7 }) }),
  v1: seed,
  v2: seed,
  k1: seed,
  k2: seed,
});

const stepPlanArb: fc.Arbitrary<StepPlan> = fc.record({
  kind: fc.oneof(
    { weight: 25, arbitrary: fc.constant<Kind>('say') },
    { weight: 10, arbitrary: fc.constant<Kind>('final') },
    { weight: 40, arbitrary: fc.constant<Kind>('input') },
    { weight: 18, arbitrary: fc.constant<Kind>('branch') },
    { weight: 3, arbitrary: fc.constant<Kind>('loop') },
  ),
  hasMessage: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  template: fc.array(fc.nat({ max: 8 }), { maxLength: 2 }),
  set: fc.oneof(
    { weight: 12, arbitrary: fc.constant<SetKind>('none') },
    { weight: 2, arbitrary: fc.constantFrom<SetKind>('mode', 'm', 'count', 'label') },
  ),
  setSeed: seed,
  inputType: fc.constantFrom<InputKind>('text', 'integer', 'number', 'button', 'button'),
  varSeed: seed,
  buttons: fc.shuffledSubarray([...BUTTON_VALUES], { minLength: 1, maxLength: 4 }),
  buttonStyle: seed,
  inputRoute: fc.oneof(
    { weight: 7, arbitrary: fc.constant('goto' as const) },
    { weight: 10, arbitrary: fc.constant('cond' as const) },
    { weight: 3, arbitrary: fc.constant('end' as const) },
  ),
  targets: fc.tuple(seed, seed, seed, seed),
  backEdge: fc.oneof({ weight: 24, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  conds: fc.array(condPlanArb, { minLength: 1, maxLength: 3 }),
  hasElse: fc.boolean(),
  ownFirst: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  attempts: fc.oneof(
    { weight: 12, arbitrary: fc.constant('none' as const) },
    { weight: 7, arbitrary: fc.constant('both' as const) },
    { weight: 1, arbitrary: fc.constantFrom('max-only' as const, 'fail-only' as const) },
  ),
  maxAttempts: fc.integer({ min: 1, max: 3 }),
  failSeed: seed,
  errorMessage: fc.boolean(),
  validation: fc.nat({ max: 9 }),
  sensitive: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  timers: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  timerSeed: seed,
});

const scenarioPlanArb: fc.Arbitrary<ScenarioPlan> = fc.record({
  steps: fc.array(stepPlanArb, { minLength: 2, maxLength: 12, size: 'medium' }),
  expire: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
  expireSeed: seed,
  commands: fc.oneof(
    { weight: 3, arbitrary: fc.constant([]) },
    {
      weight: 2,
      arbitrary: fc.uniqueArray(fc.record({ name: fc.constantFrom(...COMMAND_NAMES), target: seed }), {
        minLength: 1,
        maxLength: 2,
        selector: (c) => c.name,
      }),
    },
  ),
});

// ---------------------------------------------------------------------------------------------------------------
// The builder

type VarKind = { readonly kind: 'str'; readonly values: readonly string[] } | { readonly kind: 'num' };

const q = (s: string): string => JSON.stringify(s);

/** The start step is neither final (a one-step dialog) nor a loop step (it initialises the counter). */
const kindAt = (s: StepPlan, i: number): Kind => (i > 0 ? s.kind : s.kind === 'final' ? 'input' : s.kind === 'loop' ? 'say' : s.kind);
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

function inputVariable(type: InputKind, varSeed: number): string {
  if (type === 'button') return pick(['choice', 'pick'], varSeed);
  if (type === 'text') return 't';
  return pick(['n', 'm'], varSeed);
}

class Builder {
  readonly n: number;
  /** Variables assigned anywhere, with the values conditions may compare them with. */
  readonly vars = new Map<string, VarKind>();
  /** Index of the first step assigning each variable. */
  readonly firstAssigned = new Map<string, number>();
  readonly usesCount: boolean;

  constructor(private readonly plan: ScenarioPlan) {
    this.n = plan.steps.length;
    this.usesCount = plan.steps.some((s, i) => i > 0 && (s.kind === 'loop' || s.set === 'count'));
    const strValues = new Map<string, Set<string>>();
    const note = (name: string, i: number, kind: VarKind['kind'], values: readonly string[] = []) => {
      if (!this.firstAssigned.has(name)) this.firstAssigned.set(name, i);
      if (kind === 'num') this.vars.set(name, { kind: 'num' });
      else {
        const set = strValues.get(name) ?? new Set<string>();
        values.forEach((v) => set.add(v));
        strValues.set(name, set);
      }
    };
    if (this.usesCount) note('count', 0, 'num');
    plan.steps.forEach((s, i) => {
      const set = this.setOf(s, i);
      for (const name of Object.keys(set ?? {})) {
        if (name === 'mode') note('mode', i, 'str', [pick(BUTTON_VALUES, s.setSeed)]);
        else if (name === 'm' || name === 'count') note(name, i, 'num');
      }
      if (kindAt(s, i) === 'input') {
        const v = inputVariable(s.inputType, s.varSeed);
        if (s.inputType === 'button') note(v, i, 'str', s.buttons);
        else if (s.inputType === 'text') note(v, i, 'str', WORDS);
        else note(v, i, 'num');
      }
    });
    for (const [name, values] of strValues) this.vars.set(name, { kind: 'str', values: [...values].sort() });
  }

  id(i: number): string {
    return `s${i}`;
  }

  /** A step after `i` (undefined for the last step): the next one half of the time, so paths get long. */
  forward(i: number, seed: number): string | undefined {
    if (i >= this.n - 1) return undefined;
    return this.id(seed % 2 === 0 ? i + 1 : i + 1 + ((seed >> 1) % (this.n - 1 - i)));
  }

  anyStep(seed: number): string {
    return this.id(seed % this.n);
  }

  /** Where an input step goes: mostly forward, sometimes anywhere (loops through input are fine). */
  inputTarget(i: number, seed: number): string {
    return (seed % 3 !== 0 && this.forward(i, seed >> 2)) || this.anyStep(seed);
  }

  setOf(s: StepPlan, i: number): Record<string, string> | undefined {
    const out: Record<string, string> = {};
    if (i === 0 && this.usesCount) out['count'] = '0';
    const loop = s.kind === 'loop' && i > 0;
    switch (s.set) {
      case 'mode':
        out['mode'] = q(pick(BUTTON_VALUES, s.setSeed));
        break;
      case 'm':
        out['m'] = String(pick(SMALL_INTS, s.setSeed));
        break;
      case 'count':
        if (i > 0 && !loop) out['count'] = 'count + 1';
        break;
      case 'label':
        out['label'] = pick(['"#" + count', 'mode + "!"', '"v" + n', '"x"'], s.setSeed).replace('count', this.usesCount ? 'count' : '1');
        break;
      case 'none':
        break;
    }
    if (loop) out['count'] = 'count + 1';
    return Object.keys(out).length > 0 ? out : undefined;
  }

  template(s: StepPlan, i: number): string {
    const parts = [`Step ${this.id(i)}.`];
    for (const t of s.template) {
      switch (t) {
        case 0:
          parts.push('Choice: {{choice}}.');
          break;
        case 1:
          // A default guards a read that may come first, not a variable that no step assigns (that is reported).
          parts.push(this.vars.has('n') ? 'N={{n | default: "?"}}' : 'no N');
          break;
        case 2:
          parts.push(this.usesCount ? 'count={{count}}' : 'no count');
          break;
        case 3:
          parts.push('{{label | upper}}');
          break;
        case 4:
          parts.push(this.vars.has('t') ? '{{t | default: "nothing" | capitalize}}' : 'no t');
          break;
        case 5:
          parts.push(`mode ${this.vars.has('mode') ? '{{mode | default: "-"}}' : '-'}, m {{m}}`);
          break;
        case 6:
          parts.push('{{pick | trim}}');
          break;
        case 7:
          parts.push('Hi {{user.first_name | default: "friend"}}!');
          break;
        default:
          parts.push('Say "hi" {{ choice | lower }}');
      }
    }
    return parts.join(' ');
  }

  /** Variables a condition at step i may read: assigned by an earlier step, or by this step itself. */
  available(i: number): string[] {
    return [...this.vars.keys()].filter((v) => (this.firstAssigned.get(v) ?? Infinity) <= i).sort();
  }

  simple(name: string, shape: number, k: number): string {
    const kind = this.vars.get(name)!;
    if (kind.kind === 'num') {
      const c = pick(SMALL_INTS, k);
      return [`${name} > ${c}`, `${name} <= ${c}`, `${name} == ${c}`, `${name} is set`, `${name} >= ${c}`, `${name} < ${c}`][shape % 6]!;
    }
    // Mostly values the variable can have, sometimes any value of the pools.
    const pool = k % 5 === 4 ? [...BUTTON_VALUES, ...WORDS] : kind.values;
    const x = pick(pool, k);
    const y = pick(pool, k + 1 + (k >> 3));
    return [`${name} == ${q(x)}`, `${name} != ${q(x)}`, `${name} in [${q(x)}, ${q(y)}]`, `${name} is set`, `${name} == ${q(x)}`, `${name} in [${q(x)}]`][
      shape % 6
    ]!;
  }

  condition(c: CondPlan, vars: readonly string[]): string {
    const a = this.simple(pick(vars, c.v1), c.shape, c.k1);
    if (c.shape < 6) return a;
    const b = this.simple(pick(vars, c.v2), c.k2, c.k2 >> 2);
    return `${a} ${c.shape === 6 ? 'and' : 'or'} ${b}`;
  }

  /** A condition on an input step's own variable that some answer satisfies. */
  satisfiable(s: StepPlan, variable: string): string {
    if (s.inputType === 'button') return `${variable} == ${q(pick(s.buttons, s.setSeed))}`;
    if (s.inputType === 'text') return pick([`${variable} is set`, `${variable} == "yes"`, `${variable} != "no"`], s.setSeed);
    return pick([`${variable} > 3`, `${variable} <= 5`, `${variable} is set`, `${variable} == 4`], s.setSeed);
  }

  input(s: StepPlan, i: number): InputDoc {
    const variable = inputVariable(s.inputType, s.varSeed);
    const input: InputDoc = { type: s.inputType, variable };
    const v = s.validation;
    if ((s.inputType === 'integer' || s.inputType === 'number') && v < 3) {
      const lo = pick(SMALL_INTS, s.setSeed);
      const hi = lo + (s.failSeed % (10 - lo));
      input.validation = v === 0 ? { min: lo, max: hi } : v === 1 ? { min: lo } : { max: hi };
    } else if (s.inputType === 'text' && v < 2) {
      input.validation = v === 0 ? { max_length: 3 + (s.setSeed % 5) } : { pattern: '^[a-z]+$' };
    }
    if (s.errorMessage) input.error_message = `Invalid answer at ${this.id(i)}${this.vars.has('choice') ? '{{choice | default: ""}}' : ''}.`;
    // Usually another step; sometimes the step itself (entered again: its `set` and message run again).
    const failTarget = (): string => {
      const t = s.failSeed % this.n;
      return this.id(t === i && s.failSeed % 4 !== 0 ? (i + 1) % this.n : t);
    };
    if (s.attempts === 'both' || s.attempts === 'max-only') input.max_attempts = s.maxAttempts;
    if (s.attempts === 'both' || s.attempts === 'fail-only') input.on_fail = failTarget();
    if (s.sensitive) input.sensitive = true;
    return input;
  }

  buttons(s: StepPlan): ButtonDoc[] {
    return s.buttons.map((value, j) => ({ text: BUTTON_TEXTS[value]![(s.buttonStyle >> j) & 1]!, value }));
  }

  step(s: StepPlan, i: number): StepDoc {
    const doc: StepDoc = {};
    const set = this.setOf(s, i);
    if (set) doc.set = set;
    // Final steps and steps with buttons always say something (buttons are sent with a message).
    const withButtons = kindAt(s, i) === 'input' && s.inputType === 'button';
    if (s.hasMessage || withButtons || kindAt(s, i) === 'final') doc.message = { text: this.template(s, i) };
    const [t0, t1, t2, t3] = s.targets;
    let kind = kindAt(s, i);
    if (kind === 'branch' && (this.available(i).length === 0 || i === this.n - 1)) kind = 'say';
    if (kind === 'say' && !s.backEdge && i === this.n - 1) kind = 'final';
    switch (kind) {
      case 'final':
        return doc;
      case 'say':
        doc.next_step = s.backEdge ? this.anyStep(t0) : this.forward(i, t0)!;
        if (s.timers === 3) doc.wait = pick(TIMER_DURATIONS.slice(0, 4), s.timerSeed);
        return doc;
      case 'loop': {
        const exit = this.forward(i, t0) ?? this.anyStep(t0);
        const back = this.id(t1 % (i + 1));
        doc.next_step = { type: 'conditional', conditions: [{ if: `count >= ${1 + (t2 % 4)}`, then: exit }], else: back };
        return doc;
      }
      case 'branch': {
        const vars = this.available(i);
        const conditions = s.conds.map((c, j) => ({ if: this.condition(c, vars), then: this.forward(i, [t0, t1, t2][j]!)! }));
        doc.next_step = { type: 'conditional', conditions };
        if (s.hasElse || s.ownFirst) doc.next_step.else = s.backEdge ? this.anyStep(t3) : this.forward(i, t3)!;
        return doc;
      }
      case 'input': {
        doc.expected_input = this.input(s, i);
        if (s.inputType === 'button') doc.buttons = this.buttons(s);
        const own = doc.expected_input.variable;
        // The start step does not end the dialog after its first answer.
        const route = i === 0 && s.inputRoute === 'end' ? 'goto' : s.inputRoute;
        if (route === 'goto') doc.next_step = this.inputTarget(i, t0);
        else if (route === 'cond') {
          const vars = this.available(i);
          const conditions = s.conds.map((c, j) => ({ if: this.condition(c, vars), then: this.inputTarget(i, [t0, t1, t2][j]!) }));
          if (!s.hasElse && s.ownFirst) conditions.unshift({ if: this.satisfiable(s, own), then: this.inputTarget(i, t3 + 1) });
          doc.next_step = { type: 'conditional', conditions };
          if (s.hasElse) doc.next_step.else = this.inputTarget(i, t3);
        }
        this.inputTimers(doc, s, i);
        return doc;
      }
    }
  }

  /** A timeout and/or 1-2 reminders, their durations increasing (reminders first), from the shorter durations. */
  inputTimers(doc: StepDoc, s: StepPlan, i: number): void {
    if (s.timers === 0) return;
    const reminders = s.timers >= 2 ? 1 + (s.timerSeed % 2) : 0;
    const count = reminders + (s.timers === 2 ? 0 : 1);
    // `count` increasing durations among the first five, chosen by the seed.
    const first = (s.timerSeed >> 1) % (5 - count + 1);
    const durations = TIMER_DURATIONS.slice(first, first + count);
    if (reminders > 0) doc.reminders = durations.slice(0, reminders).map((after, j) => ({ after, message: `Reminder ${j} at ${this.id(i)}.` }));
    if (s.timers !== 2) doc.timeout = { after: durations[count - 1]!, next: this.inputTarget(i, s.timerSeed >> 3) };
  }

  build(): ScenarioDoc {
    const steps: Record<string, StepDoc> = {};
    this.plan.steps.forEach((s, i) => (steps[this.id(i)] = this.step(s, i)));
    const doc: ScenarioDoc = { name: 'Generated', version: '1.0', start_step: 's0', steps };
    if (this.plan.expire > 0) {
      doc.expire_after = TIMER_DURATIONS[5];
      if (this.plan.expire === 2) doc.on_expire = this.anyStep(this.plan.expireSeed);
    }
    if (this.plan.commands.length > 0) doc.commands = Object.fromEntries(this.plan.commands.map((c) => [c.name, this.anyStep(c.target)]));
    return doc;
  }
}

export function buildScenario(plan: ScenarioPlan): ScenarioDoc {
  return new Builder(plan).build();
}

/** Random scenario documents; most, not all, compile without errors (see the sanity test). */
export const scenarioDocArb: fc.Arbitrary<ScenarioDoc> = scenarioPlanArb.map(buildScenario);

export const scenarioText = (doc: ScenarioDoc): string => JSON.stringify(doc, null, 2);

/** A generated scenario that compiled without errors, with everything the properties need. */
export interface CompiledScenario {
  readonly doc: ScenarioDoc;
  readonly text: string;
  readonly ir: IrScenario;
  readonly config: MachineConfig;
  readonly diagnostics: readonly Diagnostic[];
}

export function compileDoc(doc: ScenarioDoc): { text: string; ir?: IrScenario; diagnostics: readonly Diagnostic[] } {
  const text = scenarioText(doc);
  const { ir, diagnostics } = compileScenario(text, { file: 'generated.json' });
  return { text, ir, diagnostics };
}

/** Generated scenarios that compile without errors (the rare ones with errors are filtered out). */
export const compiledScenarioArb: fc.Arbitrary<CompiledScenario> = scenarioDocArb
  .map((doc) => ({ doc, ...compileDoc(doc) }))
  .filter((c): c is typeof c & { ir: IrScenario } => c.ir !== undefined && !c.diagnostics.some((d) => d.severity === 'error'))
  .map((c): CompiledScenario => {
    const compiled: CompiledScenario = { doc: c.doc, text: c.text, ir: c.ir, diagnostics: c.diagnostics, config: emitMachineConfig(c.ir) };
    // Counterexamples print as the scenario's JSON, not as the whole IR and config.
    return Object.assign(compiled, { [fc.toStringMethod]: () => `scenario ${c.text}\nwarnings: ${c.diagnostics.map((d) => d.code).join(', ') || 'none'}` });
  });

export const hasCode = (diagnostics: readonly Diagnostic[], ...codes: string[]): boolean => diagnostics.some((d) => codes.includes(d.code));

/**
 * The scenarios the run-time properties use: a quarter of them have a loop without input (a LOOP_MAY_NOT_TERMINATE
 * warning), so that endless loops and the 100-step limit really happen in every run, the rest are unrestricted.
 */
export const mixedScenarioArb: fc.Arbitrary<CompiledScenario> = fc.oneof(
  { weight: 3, arbitrary: compiledScenarioArb },
  { weight: 1, arbitrary: compiledScenarioArb.filter((s) => hasCode(s.diagnostics, 'LOOP_MAY_NOT_TERMINATE')) },
);
