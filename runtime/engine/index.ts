export { Dialog, assertSnapshotFits, commandsOf, toEvent, type DialogOptions, type TurnResult, type UserMessage } from './dialog.js';
export { isCompactState, type CompactState } from './compact.js';
export { EngineError, SnapshotMismatchError } from './errors.js';
export { parseInput, type ParsedInput } from './input.js';
export { lookupIn } from './implementations.js';
export { renderMasked, SENSITIVE_MASK, sensitiveVariablesOf, showsSensitive } from './sensitive.js';
export { createScenarioMachine, type ScenarioMachine } from './machine.js';
export {
  MAX_HOPS_PER_TURN,
  type CallFailure,
  type CallMethod,
  type CallRequest,
  type Effect,
  type FetchLimits,
  type InboundEvent,
  type IncomingFile,
  type MediaFailure,
  type OutFileSource,
  type OutMedia,
  type OutsideWindow,
  type ScenarioContext,
  type StepTimer,
  type TimerName,
  type UserProfile,
  type VarValue,
  type Vars,
} from './types.js';
export type { ContactValue, FileKind, FileValue, LocationValue, MediaValue, OutFileKind, StoredFile } from '../../compiler/index.js';
export type { MachineConfig } from '../../compiler/index.js';
export { activeTracer, withTracer, type ConditionTrace, type EngineTracer, type VariableTrace } from './trace.js';
