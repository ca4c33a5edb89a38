// Public entry point of runtime/agenda: a dialog's due work that is not a user message (timers, HTTP calls), planned
// with each write and fired under a lease.

export { agendaEventId, byDue, dueEntries, earliestDue, nextAgenda, timerEvent, type AgendaTurn } from './plan.js';
export { durationMs } from './duration.js';
export { AGENDA_DEFAULTS, AgendaRunner, type AgendaObserver, type AgendaRunnerOptions, type FireEntry, type FireOutcome } from './runner.js';
export {
  backoffMs,
  CALL_BACKOFF_MS,
  CALL_DEFAULTS,
  callResultEvent,
  CallRefusedError,
  DEFAULT_CALL_POLICY,
  envSecrets,
  fillSecrets,
  guardedLookup,
  HttpCallClient,
  isIdempotent,
  isPrivateAddress,
  requestOf,
  SECRET_ENV_PREFIX,
  secretNames,
  type BotSecretResolver,
  type CallAttempt,
  type CallClient,
  type CallPolicy,
  type CallResult,
  type HttpCallClientOptions,
  type SecretLookup,
  type SecretSource,
} from './calls/index.js';
