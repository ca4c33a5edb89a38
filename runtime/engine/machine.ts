import { assign, setup, type StateMachine } from 'xstate';
import type { IrInput, MachineConfig } from '../../compiler/index.js';
import { EngineError } from './errors.js';
import { makeGuards, makeUpdates, type InputOf } from './implementations.js';
import { sensitiveVariablesOf } from './sensitive.js';
import { buildTraceInfo, type TraceInfo } from './trace-info.js';
import type { InboundEvent, ScenarioContext, Vars } from './types.js';

type Updates = ReturnType<typeof makeUpdates>;
type P<K extends keyof Updates> = Parameters<Updates[K]>[1];

function scenarioSetup(inputOf: InputOf, traceInfo: () => TraceInfo, sensitive: () => ReadonlySet<string>) {
  const updates = makeUpdates(inputOf, traceInfo, sensitive);
  return setup({
    types: { context: {} as ScenarioContext, events: {} as InboundEvent },
    guards: makeGuards(inputOf, traceInfo),
    actions: {
      beginTurn: assign((args) => updates.beginTurn(args)),
      reset: assign(() => updates.reset()),
      enterStep: assign((args) => updates.enterStep(args)),
      assign: assign((args, p: P<'assign'>) => updates.assign(args, p)),
      say: assign((args, p: P<'say'>) => updates.say(args, p)),
      storeInput: assign((args, p: P<'storeInput'>) => updates.storeInput(args, p)),
      countAttempt: assign((args) => updates.countAttempt(args)),
      end: assign((args, p: P<'end'>) => updates.end(args, p)),
      fail: assign((args, p: P<'fail'>) => updates.fail(args, p)),
      notice: assign((args, p: P<'notice'>) => updates.notice(args, p)),
      cancel: assign((args) => updates.cancel(args)),
      schedule: assign((args, p: P<'schedule'>) => updates.schedule(args, p)),
      expire: assign((args) => updates.expire(args)),
      call: assign((args, p: P<'call'>) => updates.call(args, p)),
      saveCall: assign((args, p: P<'saveCall'>) => updates.saveCall(args, p)),
      fetch: assign((args, p: P<'fetch'>) => updates.fetch(args, p)),
    },
  });
}

type BaseMachine = ReturnType<ReturnType<typeof scenarioSetup>['createMachine']>;

/** The same machine type with another context and state value: what generated modules know statically. */
type Retyped<M, C extends ScenarioContext<any>, SV extends string> =
  M extends StateMachine<any, infer E, infer Ch, infer A, infer Ac, infer G, infer D, any, infer T, infer I, infer O, infer Em, infer Me, infer Sc, infer TM>
    ? StateMachine<C, E, Ch, A, Ac, G, D, SV, T, I, O, Em, Me, Sc, TM>
    : never;

/**
 * A compiled scenario's machine. `V` types the variables and `S` the step ids (generated modules fill both in):
 * the snapshot's `context.vars` is `V` and its `value` is a step id, `$new` or `$ended`.
 */
export type ScenarioMachine<V = Vars, S extends string = string> = Retyped<BaseMachine, ScenarioContext<V>, S | '$new' | '$ended'>;

const cache = new Map<string, unknown>();
const CACHE_LIMIT = 64;

/** Builds (or reuses, keyed by the config's version hash) the machine of a compiled scenario config. */
export function createScenarioMachine<V = Vars, S extends string = string>(config: MachineConfig): ScenarioMachine<V, S> {
  const key = config.version;
  const hit = cache.get(key);
  if (hit) return hit as unknown as ScenarioMachine<V, S>;
  const inputs = new Map<string, IrInput>();
  for (const [id, state] of Object.entries(config.states)) if (state.meta?.input) inputs.set(id, state.meta.input);
  const inputOf: InputOf = (step) => {
    const input = inputs.get(step);
    if (!input) throw new EngineError(`step ${JSON.stringify(step)} has no input in the machine config`);
    return input;
  };
  // Tracing finds steps by the identity of params objects: it must read the very copy the machine is made of.
  const own = structuredClone(config) as MachineConfig;
  let traceInfo: TraceInfo | undefined;
  // The config is plain JSON; XState's config type cannot express "any named guard with params".
  const machine = scenarioSetup(
    inputOf,
    () => (traceInfo ??= buildTraceInfo(own)),
    () => sensitiveVariablesOf(own),
  ).createMachine(own as never);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, machine);
  return machine as unknown as ScenarioMachine<V, S>;
}
