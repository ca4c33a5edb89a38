import type { Value } from '../../grammar/index.js';

/**
 * What a turn evaluated and changed, for debugging: the engine reports, the caller decides where it goes (the server
 * writes CONDITION and VARIABLE log lines). The engine knows nothing of logging; without a tracer it pays nothing
 * but one variable read per guard and action.
 */
export interface ConditionTrace {
  /** The step whose route (or input) the condition belongs to, when known. */
  readonly step: string | undefined;
  /** `if`: a branch condition; `input`: whether the answer is valid input for the step. */
  readonly kind: 'if' | 'input';
  /** The condition as written; its literals are masked when it reads a sensitive variable. Absent for `input`. */
  readonly expression?: string;
  readonly result: boolean;
}

export interface VariableTrace {
  readonly step: string | undefined;
  readonly variable: string;
  /** The new value, unmasked: `sensitive` says whether it may be shown. */
  readonly value: Value;
  /** The answer of a sensitive input, or a value computed from a sensitive variable. */
  readonly sensitive: boolean;
  /** `input`: an answer stored; `set`: a step's assignment. */
  readonly source: 'input' | 'set';
}

export interface EngineTracer {
  condition(trace: ConditionTrace): void;
  variable(trace: VariableTrace): void;
}

/**
 * The tracer of the turn being run. A turn is synchronous (XState processes an event to the end inside `send`), so a
 * module variable set around it reaches the guards and actions without touching the machine or its snapshots.
 */
let active: EngineTracer | undefined;

export const activeTracer = (): EngineTracer | undefined => active;

/** Runs `fn` (one synchronous turn) with `tracer` receiving its conditions and variable updates. */
export function withTracer<T>(tracer: EngineTracer | undefined, fn: () => T): T {
  const outer = active;
  active = tracer;
  try {
    return fn();
  } finally {
    active = outer;
  }
}
