import { assign, setup, type StateMachine } from 'xstate';
import type { MachineConfig } from '../../compiler/index.js';
import { guards, updates } from './implementations.js';
import type { InboundEvent, ScenarioContext, Vars } from './types.js';

type P<K extends keyof typeof updates> = Parameters<(typeof updates)[K]>[1];

const scenarioSetup = setup({
  types: { context: {} as ScenarioContext, events: {} as InboundEvent },
  guards,
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
  },
});

type BaseMachine = ReturnType<typeof scenarioSetup.createMachine>;

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
  // The config is plain JSON; XState's config type cannot express "any named guard with params".
  const machine = scenarioSetup.createMachine(structuredClone(config) as never);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, machine);
  return machine as unknown as ScenarioMachine<V, S>;
}
