// Public entry point of runtime/agenda: a dialog's due work that is not a user message (timers), planned with each
// write and fired under a lease.

export { agendaEventId, byDue, dueEntries, earliestDue, nextAgenda, timerEvent, type AgendaTurn } from './plan.js';
export { durationMs } from './duration.js';
export { AGENDA_DEFAULTS, AgendaRunner, type AgendaObserver, type AgendaRunnerOptions, type FireEntry, type FireOutcome } from './runner.js';
