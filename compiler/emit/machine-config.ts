import { isFileKind } from '../semantics/media.js';
import type { IrCall, IrInput, IrRoute, IrScenario, IrStep, Template } from '../ir/types.js';

/**
 * The XState v5 machine config of a scenario: plain JSON. Guards and actions are referenced by name with
 * `params`; runtime/engine implements them. One state per step, plus `$new` (no dialog yet) and `$ended`.
 *
 * A step that waits for input keeps its input spec once, in `meta.input`; guards and actions name the step.
 *
 * Guards: isCommand {command}, when {when}, inputValid {step}, inputMatches {step, when},
 *         attemptsExhausted {max}, hopLimit, isReminder {index},
 *         callSucceeded (a 2xx `call.result`), callMatches {save, when} (a 2xx whose saved values make `when` hold).
 * Actions: beginTurn, reset, enterStep, assign {variable, expr}, say {step, text, buttons},
 *          storeInput {step}, countAttempt, end {step, reason}, fail {step, code},
 *          notice {text} (a fixed reply at the current state), cancel (ends the dialog from any step),
 *          schedule {step, timer, index?, afterMs} (asks for a timer: a `schedule` effect),
 *          expire (ends the dialog from any step, reason 'expired'),
 *          call {step, method, url, headers, body?, timeoutMs, retries} (asks for an HTTP call: a `call` effect),
 *          saveCall {save} (the variables a `call.result` sets), fail {step, code: 'CALL_FAILED'} (names the failure),
 *          fetch {step} (asks for the download of the files a media input took as declared: a `fetch` effect).
 * Media: `say` takes `media` (the step's IrMedia, sent after its text; a step with media and no message says empty
 *        text). A media input's step is an input step: location and contact answers are valid input at once
 *        (inputValid / inputMatches / storeInput store the value). Files: the guard mediaFetch {step} (files of an
 *        accepted kind, count, declared size and type within the input's limits) comes first and runs `fetch`,
 *        staying in the step without re-entry; the step then handles `media.stored` with its input transitions (a
 *        success is the valid answer: the FileValue, or the list when max_count > 1; a failure counts an attempt).
 *
 * Timers (only in configs of scenarios that use them): a step's entry ends with its `schedule` actions; an input
 * step handles `timer.timeout` (to its target) and `timer.reminder` (guarded by index: says the reminder, stays);
 * a wait step handles `timer.wait` (its route, in place of `always`); the root handles `timer.expire`.
 *
 * Calls (only in configs of scenarios that use them): a call step's entry ends with its `call` action; the step
 * handles `call.result`: its route on a 2xx (guarded by callSucceeded / callMatches), else `on_error` or CALL_FAILED.
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
export const CALL_RESULT_EVENT = 'call.result';
export const MEDIA_STORED_EVENT = 'media.stored';
export const TIMER_EVENTS = { timeout: 'timer.timeout', reminder: 'timer.reminder', wait: 'timer.wait', expire: 'timer.expire' } as const;

/** The text of a step that sends media without a message. */
const NO_TEXT: Template = { parts: [] };

const begin = 'beginTurn';
const reset = 'reset';

/** A move from `from` to `step`; a step that leads to itself re-enters, so its entry runs again. */
const to = (from: string | undefined, step: string, extra: Omit<TransitionConfig, 'target' | 'reenter'> = {}): TransitionConfig =>
  from === undefined || from === step ? { ...extra, target: step, reenter: true } : { ...extra, target: step };

function entryActions(step: IrStep): Ref[] {
  const out: Ref[] = ['enterStep'];
  for (const a of step.set) out.push({ type: 'assign', params: { variable: a.variable, expr: a.expr } });
  if (step.media && step.media.length > 0) out.push({ type: 'say', params: { step: step.id, text: step.message ?? NO_TEXT, buttons: step.buttons, media: step.media } });
  else if (step.message) out.push({ type: 'say', params: { step: step.id, text: step.message, buttons: step.buttons } });
  const schedule = (timer: string, afterMs: number, index?: number): Ref => ({
    type: 'schedule',
    params: index === undefined ? { step: step.id, timer, afterMs } : { step: step.id, timer, index, afterMs },
  });
  if (step.timeout) out.push(schedule('timeout', step.timeout.afterMs));
  step.reminders?.forEach((r, i) => out.push(schedule('reminder', r.afterMs, i)));
  if (step.waitMs !== undefined) out.push(schedule('wait', step.waitMs));
  if (step.call) out.push(callAction(step.id, step.call));
  return out;
}

function callAction(step: string, call: IrCall): Ref {
  const { method, url, headers, body, timeoutMs, retries } = call;
  return { type: 'call', params: body === undefined ? { step, method, url, headers, timeoutMs, retries } : { step, method, url, headers, body, timeoutMs, retries } };
}

/**
 * A call step's `call.result`: a 2xx takes the route (with the saved variables, which its conditions read); any
 * other result goes to `on_error` (the status saved when there is one) or ends the dialog with CALL_FAILED.
 */
function callTransitions(step: IrStep, call: IrCall): TransitionConfig[] {
  const save: Ref[] = call.save.length > 0 ? [{ type: 'saveCall', params: { save: call.save } }] : [];
  const routed = routeTransitions(step, step.route).map((t): TransitionConfig => {
    const guard: Ref =
      t.guard !== undefined && typeof t.guard !== 'string' && t.guard.type === 'when' ? { type: 'callMatches', params: { save: call.save, when: t.guard.params!['when'] } } : 'callSucceeded';
    return { ...t, guard, actions: [begin, ...save, ...(t.actions ?? [])] };
  });
  const failed: TransitionConfig =
    call.onError === undefined
      ? { target: ENDED_STATE, actions: [begin, ...save, { type: 'fail', params: { step: step.id, code: 'CALL_FAILED' } }] }
      : to(step.id, call.onError, { actions: [begin, ...save] });
  return [...routed, failed];
}

/** An input step's timer events: the timeout leaves, a reminder speaks and stays (attempts kept, no re-entry). */
function inputTimerTransitions(step: IrStep, input: IrInput): Record<string, TransitionConfig[]> {
  const on: Record<string, TransitionConfig[]> = {};
  if (step.timeout) on[TIMER_EVENTS.timeout] = [to(step.id, step.timeout.target, { actions: [begin] })];
  if (step.reminders && step.reminders.length > 0) {
    const buttons = input.type === 'button' ? step.buttons : [];
    on[TIMER_EVENTS.reminder] = step.reminders.map((r, index) => ({
      guard: { type: 'isReminder', params: { index } },
      actions: [begin, { type: 'say', params: { step: step.id, text: r.message, buttons } }],
    }));
  }
  return on;
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
  if (!input && step.call) return { entry, on: { [CALL_RESULT_EVENT]: callTransitions(step, step.call) } };
  if (!input && step.waitMs !== undefined) {
    // The route is taken when the wait is over, as a turn of its own.
    const route = routeTransitions(step, step.route).map((t) => ({ ...t, actions: [begin, ...(t.actions ?? [])] }));
    return { entry, on: { [TIMER_EVENTS.wait]: route } };
  }
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
  const on: Record<string, TransitionConfig[]> = { [INPUT_EVENT]: transitions, ...inputTimerTransitions(step, input) };
  if (input.media?.kinds.some(isFileKind)) {
    // Files taken as declared are fetched first; the step stays (no re-entry: its timers stay too). The stored
    // files (or why they were not) come back as `media.stored`, read by the same transitions as an answer.
    on[INPUT_EVENT] = [{ guard: { type: 'mediaFetch', params: { step: step.id } }, actions: [begin, { type: 'fetch', params: { step: step.id } }] }, ...transitions];
    on[MEDIA_STORED_EVENT] = transitions;
  }
  return { meta: { input }, entry, on };
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
  const expire = ir.expire;
  // Outside a dialog there is nothing to expire: idle states take the event and do nothing (the root would end them).
  if (expire) idle.on![TIMER_EVENTS.expire] = [{}];
  const states: Record<string, StateConfig> = { [NEW_STATE]: idle, [ENDED_STATE]: idle };
  for (const step of Object.values(ir.steps)) states[step.id] = stepState(step);
  const on: Record<string, readonly TransitionConfig[]> = {
    [COMMAND_EVENT]: commandTransitions(ir, false).map((t) => (t.target === undefined ? t : { ...t, target: `.${t.target}` })),
  };
  const config: MachineConfig = { id: 'scenario', version: ir.hash, initial: NEW_STATE, context: { vars: {}, attempts: 0, hops: 0, effects: [] }, on, states };
  if (!expire) return config;
  on[TIMER_EVENTS.expire] = [
    expire.onExpire === undefined
      ? { target: `.${ENDED_STATE}`, actions: [begin, 'expire'] }
      : { target: `.${expire.onExpire}`, reenter: true, actions: [begin] },
  ];
  return { ...config, expireAfterMs: expire.afterMs };
}
