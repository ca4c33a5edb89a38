import type { IrInput, IrRoute, IrScenario, IrStep } from '../ir/types.js';

/**
 * The XState v5 machine config of a scenario: plain JSON. Guards and actions are referenced by name with
 * `params`; runtime/engine implements them. One state per step, plus `$new` (no dialog yet) and `$ended`.
 *
 * A step that waits for input keeps its input spec once, in `meta.input`; guards and actions name the step.
 *
 * Guards: isCommand {command}, when {when}, inputValid {step}, inputMatches {step, when},
 *         attemptsExhausted {max}, hopLimit.
 * Actions: beginTurn, reset, enterStep, assign {variable, expr}, say {step, text, buttons},
 *          storeInput {step}, countAttempt, end {step, reason}, fail {step, code},
 *          notice {text} (a fixed reply at the current state), cancel (ends the dialog from any step).
 *
 * Built-in commands, unless the scenario lists its own: /cancel ends a running dialog, /help lists the commands.
 */
export interface MachineConfig {
  readonly id: string;
  readonly version: string;
  readonly initial: string;
  readonly context: { readonly vars: Readonly<Record<string, unknown>>; readonly attempts: number; readonly hops: number; readonly effects: readonly unknown[] };
  readonly on: Record<string, readonly TransitionConfig[]>;
  readonly states: Record<string, StateConfig>;
  /** The scenario's `expire_after` in ms: a dialog with no user message for that long gets `timer.expire`. */
  readonly expireAfterMs?: number;
}

export interface ActionRef {
  readonly type: string;
  readonly params?: Record<string, unknown>;
}

/** A guard or action: by name alone when it takes no params (keeps large configs small). */
export type Ref = ActionRef | string;

export interface TransitionConfig {
  readonly guard?: Ref;
  readonly target?: string;
  readonly reenter?: boolean;
  readonly actions?: readonly Ref[];
}

export interface StateConfig {
  readonly meta?: { readonly input?: IrInput };
  readonly entry?: readonly Ref[];
  readonly on?: Record<string, readonly TransitionConfig[]>;
  readonly always?: readonly TransitionConfig[];
}

export const NEW_STATE = '$new';
export const ENDED_STATE = '$ended';
export const INPUT_EVENT = 'user.input';
export const COMMAND_EVENT = 'user.command';

const begin = 'beginTurn';
const reset = 'reset';

/** A move from `from` to `step`; a step that leads to itself re-enters, so its entry runs again. */
const to = (from: string | undefined, step: string, extra: Omit<TransitionConfig, 'target' | 'reenter'> = {}): TransitionConfig =>
  from === undefined || from === step ? { ...extra, target: step, reenter: true } : { ...extra, target: step };

function entryActions(step: IrStep): Ref[] {
  const out: Ref[] = ['enterStep'];
  for (const a of step.set) out.push({ type: 'assign', params: { variable: a.variable, expr: a.expr } });
  if (step.message) out.push({ type: 'say', params: { step: step.id, text: step.message, buttons: step.buttons } });
  return out;
}

function routeTransitions(step: IrStep, route: IrRoute, input?: IrInput): TransitionConfig[] {
  const store: Ref[] = input ? [begin, { type: 'storeInput', params: { step: step.id } }] : [];
  const valid = input && { type: 'inputValid', params: { step: step.id } };
  const finish = (actions: Ref[]): TransitionConfig => ({ target: ENDED_STATE, actions });
  switch (route.kind) {
    case 'goto':
      return [to(step.id, route.target, valid ? { guard: valid, actions: store } : {})];
    case 'end': {
      const end: ActionRef = { type: 'end', params: { step: step.id, reason: 'final' } };
      return [valid ? { ...finish([...store, end]), guard: valid } : finish([end])];
    }
    case 'branch': {
      const out = route.branches.map((b) =>
        to(step.id, b.target, {
          guard: input ? { type: 'inputMatches', params: { step: step.id, when: b.when } } : { type: 'when', params: { when: b.when } },
          actions: store,
        }),
      );
      if (route.else) out.push(to(step.id, route.else, valid ? { guard: valid, actions: store } : {}));
      else if (!input) out.push(finish([{ type: 'fail', params: { step: step.id, code: 'NO_ROUTE' } }]));
      return out;
    }
  }
}

function stepState(step: IrStep): StateConfig {
  const entry = entryActions(step);
  const input = step.input;
  if (!input) {
    const guardLoop: TransitionConfig = { guard: 'hopLimit', ...{ target: ENDED_STATE, actions: [{ type: 'fail', params: { step: step.id, code: 'LOOP_LIMIT' } }] } };
    // Leaving for another step past the limit fails; a final step may still end the turn normally.
    return { entry, always: step.route.kind === 'end' ? routeTransitions(step, step.route) : [guardLoop, ...routeTransitions(step, step.route)] };
  }
  const transitions = routeTransitions(step, step.route, input);
  if (input.maxAttempts !== undefined && input.onFail !== undefined) {
    transitions.push(to(step.id, input.onFail, { guard: { type: 'attemptsExhausted', params: { max: input.maxAttempts } }, actions: [begin] }));
  }
  transitions.push({
    actions: [
      begin,
      'countAttempt',
      { type: 'say', params: { step: step.id, text: input.errorMessage, buttons: input.type === 'button' ? step.buttons : [] } },
    ],
  });
  return { meta: { input }, entry, on: { [INPUT_EVENT]: transitions } };
}

/** Replies of the built-in commands; plain text, so a bot's config could replace them later. */
export const BUILTIN_TEXTS = {
  cancelled: 'Cancelled. Send /start to begin again.',
  nothingToCancel: 'There is nothing to cancel. Send /start to begin.',
  help: 'Commands:',
} as const;

const BUILTIN_HELP: Readonly<Record<string, string>> = {
  '/start': 'start over',
  '/cancel': 'stop this conversation',
  '/help': 'show this list',
};

function helpText(ir: IrScenario): string {
  const own = new Set(ir.commands.map((c) => c.command));
  const lines = ['/start', ...['/cancel', '/help'].filter((c) => !own.has(c))].map((c) => `${c} - ${BUILTIN_HELP[c]}`);
  for (const c of ir.commands) lines.push(c.command);
  return [BUILTIN_TEXTS.help, ...lines].join('\n');
}

const isCommand = (command: string): Ref => ({ type: 'isCommand', params: { command } });

function commandTransitions(ir: IrScenario, idle: boolean): TransitionConfig[] {
  const start = to(undefined, ir.startStep, { guard: isCommand('/start'), actions: [begin, reset] });
  const out = [start, ...ir.commands.map((c) => to(undefined, c.target, { guard: isCommand(c.command), actions: idle ? [begin, reset] : [begin] }))];
  const own = new Set(ir.commands.map((c) => c.command));
  const notice = (text: string): Ref => ({ type: 'notice', params: { text } });
  if (!own.has('/cancel')) {
    out.push(
      idle
        ? { guard: isCommand('/cancel'), actions: [begin, notice(BUILTIN_TEXTS.nothingToCancel)] }
        : { guard: isCommand('/cancel'), target: ENDED_STATE, actions: [begin, notice(BUILTIN_TEXTS.cancelled), 'cancel'] },
    );
  }
  if (!own.has('/help')) out.push({ guard: isCommand('/help'), actions: [begin, notice(helpText(ir))] });
  return out;
}

export function emitMachineConfig(ir: IrScenario): MachineConfig {
  // Outside a dialog, any message starts one (and is not used as input); a command starts one at its step.
  const idle: StateConfig = {
    on: { [INPUT_EVENT]: [to(undefined, ir.startStep, { actions: [begin, reset] })], [COMMAND_EVENT]: commandTransitions(ir, true) },
  };
  const states: Record<string, StateConfig> = { [NEW_STATE]: idle, [ENDED_STATE]: idle };
  for (const step of Object.values(ir.steps)) states[step.id] = stepState(step);
  return {
    id: 'scenario',
    version: ir.hash,
    initial: NEW_STATE,
    context: { vars: {}, attempts: 0, hops: 0, effects: [] },
    on: { [COMMAND_EVENT]: commandTransitions(ir, false).map((t) => (t.target === undefined ? t : { ...t, target: `.${t.target}` })) },
    states,
  };
}
