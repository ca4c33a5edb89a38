/**
 * A direct interpreter of the IR, written from the semantics in docs/format.md, for differential testing of the
 * compiled XState machine. It uses neither XState nor the machine config: it walks `ir.steps` itself. It shares
 * only leaf functions with the engine: `parseInput` (input validation) and the grammar's `evaluate`, `truthy`
 * and `renderTemplate`. Commands (including "/start") are recognised here, not with the engine's `toEvent`.
 *
 * Semantics implemented:
 * - No dialog (before the first message, or after the dialog ended): any message starts one at `start_step`
 *   with an empty context and is not used as input; a scenario command starts one at its own step instead.
 * - `user.<field>` in templates and conditions reads the profile of the latest message that carried one (it is
 *   platform data, not a variable: "/start" and new dialogs do not clear it).
 * - A message whose trimmed text starts with "/" and whose first word (lower-cased, without "@bot") is "/start"
 *   or a scenario command is a command, unless it is a button press. "/start" clears the context and enters
 *   `start_step`; another command enters its step and keeps the variables.
 * - Entering a step: attempts := 0; apply `set` in order (an undefined result is stored as null); say the
 *   rendered message with the step's buttons; then wait if the step has input, else route at once:
 *   goto → enter; no next_step → `end` (final); conditional → the first true condition, else `else`, else an
 *   `error` NO_ROUTE and `end` (error).
 * - A message at an input step: a valid answer is routed with the new value visible (it is stored only when
 *   the step is left through a route); the conditional has the same rules, except that "no match and no else"
 *   makes the answer count as invalid. Invalid: when `max_attempts` and `on_fail` are set and
 *   attempts + 1 >= max_attempts, enter `on_fail`; otherwise attempts + 1 and say the error message (with the
 *   step's buttons for button inputs).
 * - Built-in commands, when the scenario does not list its own: "/help" says the command list at the current
 *   state and changes nothing else; "/cancel" in a running dialog says that it is cancelled, ends it (`end`
 *   cancelled) and keeps nothing to wait for; with no dialog it only says there is nothing to cancel.
 * - Sensitive values: the variables of `sensitive` inputs, and variables a `set` computes from one (to a fixed
 *   point). A message that shows one (`{{v}}`, with or without filters) carries `masked`: the same text with
 *   each such placeholder replaced by "***".
 * - Timers: entering a step ends with a `schedule` effect per timer (timeout, reminders in order, wait). A wait
 *   step stops the turn there; a user message at it is no answer and does nothing (commands still work).
 *   `timer.timeout` at an input step with a timeout enters its target; `timer.reminder` i says reminder i (with
 *   the buttons of a button input) and stays; `timer.wait` at a wait step follows its route; `timer.expire` in a
 *   running dialog enters `on_expire`, or ends it (`end` expired). Every timer turn counts steps anew; a timer
 *   event the state does not handle does nothing.
 * - Loops: the steps entered in one turn are counted; a step without input that is not final and is the
 *   MAX_STEPS_PER_TURN-th (100th) of the turn stops it with an `error` LOOP_LIMIT and `end` (error), instead of
 *   entering another step.
 */
import type { IrScenario, IrStep } from '../../compiler/index.js';
import { collectRefs, evaluate, renderTemplate, truthy, type Template, type Value } from '../../grammar/index.js';
import { parseInput, type Effect, type UserMessage, type UserProfile, type Vars } from '../../runtime/engine/index.js';

export const MAX_STEPS_PER_TURN = 100;
/** A path that starts with this reads the rest of the path and reports the read to `ReferenceDialog.onProbe`. */
export const READ_PROBE = '\u0000probe';
export const NEW = '$new';
export const ENDED = '$ended';

const NO_ROUTE_MESSAGE = 'No condition matched and the step has no "else".';
const LOOP_MESSAGE = `${MAX_STEPS_PER_TURN} steps in one turn without waiting for input.`;

export interface ReferenceTurn {
  readonly effects: readonly Effect[];
  /** The step the dialog waits in; undefined when no dialog runs. */
  readonly step: string | undefined;
  readonly ended: boolean;
  /** Every step entered during the turn, in order (a step may appear several times). */
  readonly entered: readonly string[];
  /** How the message was handled. */
  readonly outcome: Outcome;
}

/** start: began a dialog; command: "/start" or a command; answer: a valid answer; retry: invalid, asked again; on_fail. */
export type Outcome = 'start' | 'command' | 'answer' | 'retry' | 'on_fail' | 'help' | 'cancel' | 'ignored' | 'timer';

/** A timer event as the runtime sends it: `timer.<name>`, with the reminder's index. */
export interface TimerFiring {
  readonly name: 'timeout' | 'reminder' | 'wait' | 'expire';
  readonly index?: number;
}

export interface ReferenceState {
  readonly state: string;
  readonly vars: Vars;
  readonly attempts: number;
  readonly user?: UserProfile;
}

export class ReferenceDialog {
  private state = NEW;
  private vars_: Vars = {};
  private attempts = 0;
  private user: UserProfile | undefined;
  private effects: Effect[] = [];
  private entered: string[] = [];
  private outcome: Outcome = 'start';
  private readonly commands: ReadonlyMap<string, string>;
  /** Sees every read through a READ_PROBE path, and whether the variable was assigned then. */
  onProbe?: (path: readonly string[], assigned: boolean) => void;
  private readonly sensitive = new Set<string>();

  constructor(
    readonly ir: IrScenario,
    from?: ReferenceState,
  ) {
    this.commands = new Map(ir.commands.map((c) => [c.command, c.target]));
    const steps = Object.values(ir.steps);
    for (const step of steps) if (step.input?.sensitive) this.sensitive.add(step.input.variable);
    let grew = true;
    while (grew) {
      grew = false;
      for (const a of steps.flatMap((st) => st.set)) {
        if (this.sensitive.has(a.variable) || !collectRefs(a.expr).some((r) => r.path.length === 1 && this.sensitive.has(r.path[0]!))) continue;
        this.sensitive.add(a.variable);
        grew = true;
      }
    }
    if (from) {
      this.state = from.state;
      this.vars_ = { ...from.vars };
      this.attempts = from.attempts;
      this.user = from.user;
    }
  }

  get step(): string | undefined {
    return this.state === NEW || this.state === ENDED ? undefined : this.state;
  }

  get ended(): boolean {
    return this.state === ENDED;
  }

  get vars(): Vars {
    return this.vars_;
  }

  snapshot(): ReferenceState {
    return { state: this.state, vars: { ...this.vars_ }, attempts: this.attempts, user: this.user };
  }

  /** "/start" or a scenario command, or undefined for an ordinary message. */
  commandOf(message: UserMessage): string | undefined {
    if (message.press !== undefined || message.text === undefined) return undefined;
    const text = message.text.trim();
    if (!text.startsWith('/')) return undefined;
    const word = text.split(/\s/, 1)[0]!.split('@', 1)[0]!.toLowerCase();
    const builtin = (word === '/cancel' || word === '/help') && !this.commands.has(word);
    return word === '/start' || builtin || this.commands.has(word) ? word : undefined;
  }

  private helpText(): string {
    const lines = ['Commands:', '/start - start over'];
    if (!this.commands.has('/cancel')) lines.push('/cancel - stop this conversation');
    if (!this.commands.has('/help')) lines.push('/help - show this list');
    return [...lines, ...this.commands.keys()].join('\n');
  }

  /** Handles "/help" and "/cancel" when the scenario does not define them; true when it did. */
  private builtin(command: string | undefined): boolean {
    if (command === undefined || this.commands.has(command)) return false;
    const say = (text: string) => this.effects.push({ type: 'say', step: this.state, text, buttons: [] });
    if (command === '/help') {
      this.outcome = 'help';
      say(this.helpText());
      return true;
    }
    if (command !== '/cancel') return false;
    this.outcome = 'cancel';
    if (this.step === undefined) {
      say('There is nothing to cancel. Send /start to begin.');
    } else {
      say('Cancelled. Send /start to begin again.');
      this.effects.push({ type: 'end', step: this.state, reason: 'cancelled' });
      this.state = ENDED;
    }
    return true;
  }

  send(message: UserMessage): ReferenceTurn {
    this.effects = [];
    this.entered = [];
    this.user = message.user ?? this.user;
    const command = this.commandOf(message);
    this.outcome = this.step === undefined ? 'start' : command !== undefined ? 'command' : 'answer';
    if (this.builtin(command)) {
      // handled: a help text, or a cancellation
    } else if (this.step === undefined) {
      this.vars_ = {};
      this.attempts = 0;
      this.enter(command !== undefined && command !== '/start' ? this.commands.get(command)! : this.ir.startStep);
    } else if (command === '/start') {
      this.vars_ = {};
      this.attempts = 0;
      this.enter(this.ir.startStep);
    } else if (command !== undefined) {
      this.enter(this.commands.get(command)!);
    } else if (this.ir.steps[this.state]!.input === undefined) {
      // A wait step: a message is not an answer.
      this.outcome = 'ignored';
    } else {
      this.answer(this.ir.steps[this.state]!, message);
    }
    return this.turn();
  }

  /** Applies a timer event (the runtime sends it only while the entry is pending; this does not check that). */
  fire(timer: TimerFiring): ReferenceTurn {
    this.effects = [];
    this.entered = [];
    this.outcome = 'timer';
    const step = this.step === undefined ? undefined : this.ir.steps[this.state]!;
    if (step === undefined) return this.turn();
    if (timer.name === 'expire' && this.ir.expire) {
      if (this.ir.expire.onExpire !== undefined) this.enter(this.ir.expire.onExpire);
      else {
        this.effects.push({ type: 'end', step: this.state, reason: 'expired' });
        this.state = ENDED;
      }
    } else if (timer.name === 'timeout' && step.input && step.timeout) {
      this.enter(step.timeout.target);
    } else if (timer.name === 'reminder' && step.input && timer.index !== undefined && step.reminders?.[timer.index]) {
      this.effects.push(this.sayEffect(step.id, step.reminders[timer.index]!.message, step.input.type === 'button' ? step.buttons : []));
    } else if (timer.name === 'wait' && !step.input && step.waitMs !== undefined) {
      this.route(step.id);
    }
    return this.turn();
  }

  private turn(): ReferenceTurn {
    return { effects: this.effects, step: this.step, ended: this.ended, entered: this.entered, outcome: this.outcome };
  }

  /** Variables by name; `user.<field>` from the last profile a message carried. */
  private lookup(vars: Vars) {
    const read = (path: readonly string[]): unknown => {
      if (path[0] === READ_PROBE) {
        const rest = path.slice(1);
        this.onProbe?.(rest, rest.length === 1 && Object.hasOwn(vars, rest[0]!));
        return read(rest);
      }
      if (path[0] === 'user') return path.length === 2 ? (this.user as Record<string, unknown> | undefined)?.[path[1]!] : undefined;
      return path.length === 1 && Object.hasOwn(vars, path[0]!) ? vars[path[0]!] : undefined;
    };
    return read;
  }

  private render(t: Template, vars: Vars = this.vars_): string {
    return renderTemplate(t, this.lookup(vars));
  }

  /** A say effect, with `masked` when the template shows a sensitive variable. */
  private sayEffect(step: string, t: Template, buttons: IrStep['buttons']): Effect {
    const hidden = (p: Template['parts'][number]) => p.kind === 'value' && p.path.length === 1 && this.sensitive.has(p.path[0]!);
    const text = this.render(t);
    if (!t.parts.some(hidden)) return { type: 'say', step, text, buttons };
    const masked = t.parts.map((p) => (hidden(p) ? '***' : renderTemplate({ parts: [p] }, this.lookup(this.vars_)))).join('');
    return { type: 'say', step, text, buttons, masked };
  }

  private holds(when: Parameters<typeof evaluate>[0], vars: Vars): boolean {
    return truthy(evaluate(when, this.lookup(vars)));
  }

  private finish(step: string, reason: 'final' | 'error', code?: 'NO_ROUTE' | 'LOOP_LIMIT'): void {
    if (code) this.effects.push({ type: 'error', step, code, message: code === 'NO_ROUTE' ? NO_ROUTE_MESSAGE : LOOP_MESSAGE });
    this.effects.push({ type: 'end', step, reason });
    this.state = ENDED;
  }

  private answer(step: IrStep, message: UserMessage): void {
    const input = step.input!;
    const parsed = parseInput(input, { type: 'user.input', text: message.text, press: message.press });
    if (parsed.ok) {
      const next: Vars = { ...this.vars_, [input.variable]: parsed.value };
      const route = step.route;
      let target: string | undefined;
      if (route.kind === 'goto') target = route.target;
      else if (route.kind === 'branch') target = route.branches.find((b) => this.holds(b.when, next))?.target ?? route.else;
      if (route.kind === 'end') {
        this.vars_ = next;
        this.finish(step.id, 'final');
        return;
      }
      if (target !== undefined) {
        this.vars_ = next;
        this.enter(target);
        return;
      }
      // A conditional with no match and no else: the answer counts as invalid.
    }
    if (input.maxAttempts !== undefined && input.onFail !== undefined && this.attempts + 1 >= input.maxAttempts) {
      this.outcome = 'on_fail';
      this.enter(input.onFail);
      return;
    }
    this.outcome = 'retry';
    this.attempts += 1;
    this.effects.push(this.sayEffect(step.id, input.errorMessage, input.type === 'button' ? step.buttons : []));
  }

  private enter(first: string): void {
    let id = first;
    for (;;) {
      const step = this.ir.steps[id]!;
      this.state = id;
      this.attempts = 0;
      this.entered.push(id);
      for (const a of step.set) this.vars_ = { ...this.vars_, [a.variable]: (evaluate(a.expr, this.lookup(this.vars_)) ?? null) as Value };
      if (step.message) this.effects.push(this.sayEffect(id, step.message, step.buttons));
      const schedule = (timer: 'timeout' | 'reminder' | 'wait', afterMs: number, index?: number): Effect =>
        index === undefined ? { type: 'schedule', step: id, timer, afterMs } : { type: 'schedule', step: id, timer, index, afterMs };
      if (step.timeout) this.effects.push(schedule('timeout', step.timeout.afterMs));
      step.reminders?.forEach((r, i) => this.effects.push(schedule('reminder', r.afterMs, i)));
      if (step.waitMs !== undefined) this.effects.push(schedule('wait', step.waitMs));
      if (step.input || step.waitMs !== undefined) return;
      const next = this.next(step);
      if (next === undefined) return;
      id = next;
    }
  }

  /** Follows the route of the step the dialog is in (a wait step whose wait is over), entering what it leads to. */
  private route(from: string): void {
    const next = this.next(this.ir.steps[from]!);
    if (next !== undefined) this.enter(next);
  }

  /** Where a step without input goes now; undefined when the dialog ended there (final, a loop limit, no route). */
  private next(step: IrStep): string | undefined {
    const id = step.id;
    const route = step.route;
    if (route.kind === 'end') return void this.finish(id, 'final');
    if (this.entered.length >= MAX_STEPS_PER_TURN) return void this.finish(id, 'error', 'LOOP_LIMIT');
    if (route.kind === 'goto') return route.target;
    const target = route.branches.find((b) => this.holds(b.when, this.vars_))?.target ?? route.else;
    if (target === undefined) return void this.finish(id, 'error', 'NO_ROUTE');
    return target;
  }
}
