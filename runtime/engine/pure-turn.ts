import { createActor, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { InboundEvent } from './types.js';

/**
 * A turn without an actor: the machine's own transition function, given the snapshot and an inert scope. Creating,
 * starting and stopping an actor per event costs more than the turn itself, and a live actor per dialog at rest
 * costs about 4.6 KB; a snapshot is all the next turn needs. Scenario machines have no children, timers or
 * side-effecting actions (every action is an `assign`), so the scope has nothing to do; inspection needs a real
 * actor (see Dialog).
 */
interface Inert {
  readonly system: unknown;
  readonly initial: AnyMachineSnapshot;
}

const inert = new WeakMap<AnyStateMachine, Inert>();

function inertOf(machine: AnyStateMachine): Inert {
  let hit = inert.get(machine);
  if (!hit) {
    // An actor never started: its system has no inspectors and no scheduler work, and its snapshot is the initial one.
    const actor = createActor(machine);
    hit = { system: actor.system, initial: actor.getSnapshot() as AnyMachineSnapshot };
    inert.set(machine, hit);
  }
  return hit;
}

/** The snapshot a new dialog starts from (snapshots are immutable: one per machine serves every dialog). */
export function initialSnapshot(machine: AnyStateMachine): AnyMachineSnapshot {
  return inertOf(machine).initial;
}

const noop = (): void => {};

/** The next snapshot. Actions see `self.getSnapshot()` as the state before the event, as in an actor. */
export function pureTransition(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: InboundEvent): AnyMachineSnapshot {
  const scope = {
    self: { getSnapshot: () => snapshot },
    system: inertOf(machine).system,
    id: '',
    sessionId: '',
    defer: noop,
    logger: noop,
    stopChild: noop,
    emit: noop,
    actionExecutor: (action: { exec?: (info: unknown, params: unknown) => void; info: unknown; params: unknown }) => action.exec?.(action.info, action.params),
  };
  return machine.transition(snapshot, event, scope as never) as AnyMachineSnapshot;
}
