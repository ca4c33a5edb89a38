import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { SnapshotMismatchError } from './errors.js';
import type { ScenarioContext, UserProfile, Vars } from './types.js';

/**
 * What a dialog needs to continue, apart from its variables (stored in a column of their own): the state it is in,
 * the invalid answers counted at that step, and the user profile when the scenario reads `user.*`. The rest of
 * XState's persisted snapshot (children, history value, status, the last turn's effects) is the same for every
 * dialog at rest, so it is rebuilt through the machine on restore.
 */
export interface CompactState {
  readonly state: string;
  readonly attempts: number;
  readonly user?: UserProfile;
}

/** A stored snapshot in the compact form (as opposed to a full XState snapshot written by older versions). */
export function isCompactState(snapshot: unknown): snapshot is CompactState {
  return typeof snapshot === 'object' && snapshot !== null && !('context' in snapshot) && 'state' in snapshot;
}

/** The compact form of a machine snapshot; `keepUser`: the scenario reads `user.*`. */
export function compactOf(snapshot: AnyMachineSnapshot, keepUser: boolean): CompactState {
  const context = snapshot.context as ScenarioContext;
  const state = String(snapshot.value);
  return keepUser && context.user !== undefined ? { state, attempts: context.attempts, user: context.user } : { state, attempts: context.attempts };
}

/**
 * A machine snapshot from a stored one: compact (with `vars` from their own column) or a full XState snapshot.
 * Throws SnapshotMismatchError when it does not fit the machine (the scenario changed, or the record is damaged).
 */
export function restoreSnapshot(machine: AnyStateMachine, stored: unknown, vars: Vars | undefined): AnyMachineSnapshot {
  if (isCompactState(stored)) {
    const { state, attempts, user } = stored;
    if (typeof state !== 'string' || typeof attempts !== 'number' || (user !== undefined && (typeof user !== 'object' || user === null))) {
      throw new SnapshotMismatchError('the stored state is not a scenario state');
    }
    if (vars !== undefined && (typeof vars !== 'object' || vars === null)) throw new SnapshotMismatchError('the stored variables are not an object');
    const context: ScenarioContext = user === undefined ? { vars: vars ?? {}, attempts, hops: 0, effects: [] } : { vars: vars ?? {}, attempts, hops: 0, effects: [], user };
    return resolve(machine, state, context);
  }
  const s = stored as { value?: unknown; context?: unknown; status?: unknown } | null;
  if (!s || typeof s !== 'object' || typeof s.value !== 'string' || typeof s.context !== 'object' || s.context === null) {
    throw new SnapshotMismatchError('the stored snapshot is not a scenario snapshot');
  }
  if (s.status !== 'active') throw new SnapshotMismatchError(`the stored snapshot has status ${JSON.stringify(s.status)}`);
  const context = s.context as ScenarioContext;
  return resolve(machine, s.value, { ...context, effects: context.effects ?? [] });
}

function resolve(machine: AnyStateMachine, value: string, context: ScenarioContext): AnyMachineSnapshot {
  try {
    return machine.resolveState({ value, context });
  } catch (cause) {
    throw new SnapshotMismatchError(`the stored state ${JSON.stringify(value)} does not exist in this scenario`, { cause });
  }
}
