import { evaluate, renderTemplate, truthy, type Expr, type Template } from '../../grammar/index.js';
import type { IrButton, IrInput } from '../../compiler/index.js';
import { parseInput, type ParsedInput } from './input.js';
import { renderMasked, showsSensitive } from './sensitive.js';
import type { TraceInfo } from './trace-info.js';
import { activeTracer } from './trace.js';
import { withVar } from './vars.js';
import { callFailure, renderRequest, renderUrl, savedVars, type CallParams } from './call.js';
import type { IrCallSave, IrMedia } from '../../compiler/index.js';
import { mediaField, mediaText, renderMedia } from './media.js';
import { MAX_HOPS_PER_TURN, type Effect, type InboundEvent, type ScenarioContext, type StepTimer, type VarValue } from './types.js';

type Ctx = ScenarioContext;
type Args = { context: Ctx; event: InboundEvent; self?: { getSnapshot(): { value: unknown } } };

/** The state a transition leaves: actions run before the actor commits the next snapshot. */
const stateOf = (args: Args): string => String(args.self?.getSnapshot().value ?? '');

/**
 * How expressions and templates read the dialog: `user.x` from the platform, everything else from vars; `v.field`
 * reads a field of a media value (`receipt.size`). `asText`: for templates, a media value reads as its display text
 * (a file's name); conditions see the value itself.
 */
export function lookupIn(context: Ctx, override?: { variable: string; value: VarValue }, asText = false) {
  return (path: readonly string[]): unknown => {
    const [head, field] = path;
    if (head === undefined) return undefined;
    if (head === 'user') return path.length === 2 && field !== undefined ? (context.user as Record<string, unknown> | undefined)?.[field] : undefined;
    const value = override && override.variable === head ? override.value : Object.hasOwn(context.vars, head) ? context.vars[head] : undefined;
    if (path.length === 1) return asText && typeof value === 'object' && value !== null ? mediaText(value) : value;
    return path.length === 2 && field !== undefined && typeof value === 'object' ? mediaField(value, field) : undefined;
  };
}

const NO_ROUTE_MESSAGE = 'No condition matched and the step has no "else".';
const LOOP_MESSAGE = `${MAX_HOPS_PER_TURN} steps in one turn without waiting for input.`;

/** Finds a waiting step's input spec (kept once per state, in the config's `meta.input`). */
export type InputOf = (step: string) => IrInput;

/**
 * One message is validated once per step however many guards and actions look at it: events are fresh objects
 * per message, so a weak map keyed by the event forgets them with the event.
 */
const answers = new WeakMap<InboundEvent, Answer>();

/** A message read as the answer to a step; `taken` once a transition stored it (a valid answer that a route took). */
interface Answer {
  readonly input: IrInput;
  readonly result: ParsedInput;
  taken: boolean;
}

function answerOf(inputOf: InputOf, step: string, event: InboundEvent): Answer {
  const input = inputOf(step);
  const hit = answers.get(event);
  if (hit && hit.input === input) return hit;
  const fresh: Answer = { input, result: parseInput(input, event), taken: false };
  answers.set(event, fresh);
  return fresh;
}

/**
 * Whether `event` answered a waiting step that did not take it: invalid, or matched by no condition. The step
 * then asked again or gave up (on_fail). False for events no step waited for (commands, a new dialog).
 */
export function answerRefused(event: InboundEvent): boolean {
  const answer = answers.get(event);
  return answer !== undefined && !answer.taken;
}

export function makeGuards(inputOf: InputOf, traceInfo: () => TraceInfo) {
  return {
    isCommand: ({ event }: Args, p: { command: string }) => event.type === 'user.command' && event.command === p.command,
    when: ({ context }: Args, p: { when: Expr }) => {
      const result = truthy(evaluate(p.when, lookupIn(context)));
      const tracer = activeTracer();
      if (tracer) tracer.condition({ step: traceInfo().stepOf(p), kind: 'if', expression: traceInfo().printCondition(p.when), result });
      return result;
    },
    inputValid: ({ event }: Args, p: { step: string }) => {
      const result = answerOf(inputOf, p.step, event).result.ok;
      activeTracer()?.condition({ step: p.step, kind: 'input', result });
      return result;
    },
    inputMatches: ({ context, event }: Args, p: { step: string; when: Expr }) => {
      const { input, result: r } = answerOf(inputOf, p.step, event);
      if (!r.ok) return false;
      const result = truthy(evaluate(p.when, lookupIn(context, { variable: input.variable, value: r.value })));
      const tracer = activeTracer();
      if (tracer) tracer.condition({ step: p.step, kind: 'if', expression: traceInfo().printCondition(p.when), result });
      return result;
    },
    /** The message brings files the media input takes as declared: they are fetched before the route is taken. */
    mediaFetch: ({ event }: Args, p: { step: string }) => {
      const r = answerOf(inputOf, p.step, event).result;
      return !r.ok && r.fetch !== undefined;
    },
    attemptsExhausted: ({ context }: Args, p: { max: number }) => context.attempts + 1 >= p.max,
    hopLimit: ({ context }: Args) => context.hops >= MAX_HOPS_PER_TURN,
    isReminder: ({ event }: Args, p: { index: number }) => event.type === 'timer.reminder' && event.index === p.index,
    callSucceeded: ({ event }: Args) => event.type === 'call.result' && event.ok,
    callMatches: ({ context, event }: Args, p: { save: readonly IrCallSave[]; when: Expr }) => {
      if (event.type !== 'call.result' || !event.ok) return false;
      const result = truthy(evaluate(p.when, lookupIn({ ...context, vars: savedVars(context.vars, p.save, event) })));
      const tracer = activeTracer();
      if (tracer) tracer.condition({ step: traceInfo().stepOf(p), kind: 'if', expression: traceInfo().printCondition(p.when), result });
      return result;
    },
  };
}

const push = (context: Ctx, ...effects: Effect[]): Partial<Ctx> => ({ effects: [...context.effects, ...effects] });

/** Every action returns a partial context: they all become `assign` actions, so the machine stays pure. */
export function makeUpdates(inputOf: InputOf, traceInfo: () => TraceInfo, sensitive: () => ReadonlySet<string>) {
  return {
    beginTurn: ({ context, event }: Args): Partial<Ctx> => ({ effects: [], hops: 0, user: event.user ?? context.user }),
    reset: (): Partial<Ctx> => ({ vars: {}, attempts: 0 }),
    enterStep: ({ context }: Args): Partial<Ctx> => ({ hops: context.hops + 1, attempts: 0 }),
    assign: ({ context }: Args, p: { variable: string; expr: Expr }): Partial<Ctx> => {
      const value = evaluate(p.expr, lookupIn(context)) ?? null;
      const tracer = activeTracer();
      if (tracer) tracer.variable({ step: traceInfo().stepOf(p), variable: p.variable, value, sensitive: traceInfo().assignSensitive(p), source: 'set' });
      return { vars: withVar<VarValue>(context.vars, p.variable, value) };
    },
    say: ({ context }: Args, p: { step: string; text: Template; buttons: readonly IrButton[]; media?: readonly IrMedia[] }): Partial<Ctx> => {
      const lookup = lookupIn(context, undefined, true);
      const text = renderTemplate(p.text, lookup);
      const hidden = sensitive();
      const masked = showsSensitive(p.text, hidden) ? renderMasked(p.text, lookup, hidden) : undefined;
      const said: Extract<Effect, { type: 'say' }> =
        masked === undefined ? { type: 'say', step: p.step, text, buttons: p.buttons } : { type: 'say', step: p.step, text, buttons: p.buttons, masked };
      if (p.media === undefined) return push(context, said);
      const media = renderMedia(p.media, context.vars, lookup, (url) => renderUrl(url, lookupIn(context)));
      return push(context, media.length > 0 ? { ...said, media } : said);
    },
    storeInput: ({ context, event }: Args, p: { step: string }): Partial<Ctx> => {
      const answer = answerOf(inputOf, p.step, event);
      const { input, result: r } = answer;
      if (!r.ok) return {};
      answer.taken = true;
      const tracer = activeTracer();
      if (tracer) {
        const value = typeof r.value === 'object' && r.value !== null ? (mediaText(r.value) as string) : r.value;
        tracer.variable({ step: p.step, variable: input.variable, value, sensitive: input.sensitive, source: 'input' });
      }
      return { vars: withVar<VarValue>(context.vars, input.variable, r.value) };
    },
    /** Files taken as declared: asks for their download (a `fetch` effect); the step stays, its timers too. */
    fetch: ({ context, event }: Args, p: { step: string }): Partial<Ctx> => {
      const answer = answerOf(inputOf, p.step, event);
      const { input, result: r } = answer;
      if (r.ok || r.fetch === undefined || !input.media) return {};
      answer.taken = true;
      const { maxBytes, mime } = input.media;
      return push(context, { type: 'fetch', step: p.step, files: r.fetch, limits: mime === undefined ? { maxBytes } : { maxBytes, mime } });
    },
    countAttempt: ({ context }: Args): Partial<Ctx> => ({ attempts: context.attempts + 1 }),
    notice: (args: Args, p: { text: string }): Partial<Ctx> => push(args.context, { type: 'say', step: stateOf(args), text: p.text, buttons: [] }),
    cancel: (args: Args): Partial<Ctx> => push(args.context, { type: 'end', step: stateOf(args), reason: 'cancelled' }),
    end: ({ context }: Args, p: { step: string; reason: 'final' | 'error' }): Partial<Ctx> => push(context, { type: 'end', step: p.step, reason: p.reason }),
    schedule: ({ context }: Args, p: { step: string; timer: StepTimer; index?: number; afterMs: number }): Partial<Ctx> =>
      push(
        context,
        p.index === undefined
          ? { type: 'schedule', step: p.step, timer: p.timer, afterMs: p.afterMs }
          : { type: 'schedule', step: p.step, timer: p.timer, index: p.index, afterMs: p.afterMs },
      ),
    expire: (args: Args): Partial<Ctx> => push(args.context, { type: 'end', step: stateOf(args), reason: 'expired' }),
    call: ({ context }: Args, p: CallParams): Partial<Ctx> => push(context, { type: 'call', step: p.step, request: renderRequest(p, lookupIn(context)) }),
    saveCall: ({ context, event }: Args, p: { save: readonly IrCallSave[] }): Partial<Ctx> => ({ vars: savedVars(context.vars, p.save, event) }),
    fail: ({ context, event }: Args, p: { step: string; code: 'NO_ROUTE' | 'LOOP_LIMIT' | 'CALL_FAILED' }): Partial<Ctx> =>
      push(
        context,
        { type: 'error', step: p.step, code: p.code, message: p.code === 'NO_ROUTE' ? NO_ROUTE_MESSAGE : p.code === 'CALL_FAILED' ? callFailure(event) : LOOP_MESSAGE },
        { type: 'end', step: p.step, reason: 'error' },
      ),
  };
}
