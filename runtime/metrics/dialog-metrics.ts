import { Counter, Histogram, type Registry } from 'prom-client';
import type { DialogEvent } from '../dialogs/index.js';

/** Turn durations run from a cached step (under a millisecond) to a slow store write (seconds). */
export const TURN_BUCKETS: readonly number[] = Object.freeze([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2]);

/** Timer lateness runs from a wake-up on time (milliseconds) to a sweep after a restart or a lease takeover (minutes). */
export const LATENESS_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300]);

/** Call durations run from a local service (milliseconds) to the longest timeout a call step may have (60 s). */
export const CALL_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]);

/**
 * Counters fed by the dialog manager's events. Labels hold only configured ids (bot, platform, step) and fixed
 * enums: never a chat id, a text or a URL, so the series count stays bounded by the scenarios.
 */
export function dialogMetrics(registry: Registry, prefix: string): (event: DialogEvent) => void {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name: prefix + name, help, labelNames, registers: [registry] });

  const updates = counter('updates_total', 'Updates handled, by result (applied, duplicate, ignored, invalid, failed).', ['bot', 'platform', 'result']);
  const turnSeconds = new Histogram<'bot' | 'platform'>({
    name: `${prefix}turn_duration_seconds`,
    help: 'Duration of applied turns, from the update to the committed write.',
    labelNames: ['bot', 'platform'],
    buckets: [...TURN_BUCKETS],
    registers: [registry],
  });
  const received = counter('messages_received_total', 'Messages that applied a turn.', ['bot', 'platform']);
  const sent = counter('messages_sent_total', 'Messages delivered to the platform.', ['bot', 'platform']);
  const stepEntries = counter('step_entries_total', 'Turns that moved a dialog into a step.', ['bot', 'step']);
  const ended = counter('dialogs_ended_total', 'Turns that ended a dialog.', ['bot']);
  const validationErrors = counter('validation_errors_total', 'Answers a waiting step refused (invalid, or matched by no condition): re-prompts and on_fail.', ['bot']);
  const resets = counter('dialog_resets_total', 'Dialogs reset by an administrator.', ['bot']);
  const timersFired = counter('timers_fired_total', 'Timers of the agenda applied to their dialog, by timer (timeout, reminder, wait, expire).', ['bot', 'timer']);
  const timersDropped = counter('timers_dropped_total', 'Timers that came due for a step their dialog had left: dropped.', ['bot', 'timer']);
  const lateness = new Histogram<'bot'>({
    name: `${prefix}timer_lateness_seconds`,
    help: 'How late timers were applied: the time applied minus the time due.',
    labelNames: ['bot'],
    buckets: [...LATENESS_BUCKETS],
    registers: [registry],
  });
  const calls = counter(
    'calls_total',
    'Calls of the agenda by what their dialog got: ok, network, timeout, status, too_large, not_json, refused, interrupted; or dropped (the dialog had left the step).',
    ['bot', 'outcome'],
  );
  const callSeconds = new Histogram<'bot'>({
    name: `${prefix}call_duration_seconds`,
    help: 'Duration of each HTTP attempt of a call, redirects included.',
    labelNames: ['bot'],
    buckets: [...CALL_BUCKETS],
    registers: [registry],
  });
  const fetches = counter(
    'media_fetches_total',
    'Fetches of files users sent, by what their dialog got: ok, too_large, type, download; or dropped (the dialog had left the step).',
    ['bot', 'outcome'],
  );
  const filesStored = counter('media_files_stored_total', 'Files users sent, stored in the media store.', ['bot']);
  const bytesStored = counter('media_bytes_stored_total', 'Bytes of the files users sent, stored in the media store.', ['bot']);
  const fetchSeconds = new Histogram<'bot' | 'result'>({
    name: `${prefix}media_fetch_duration_seconds`,
    help: 'Duration of each attempt of a fetch (all its files downloaded and stored), by result (stored, refused, failed).',
    labelNames: ['bot', 'result'],
    buckets: [...CALL_BUCKETS],
    registers: [registry],
  });
  const deliveryFailures = counter('delivery_failures_total', 'Failed deliveries, by kind (retry, blocked, permanent).', ['bot', 'platform', 'kind']);

  return (event) => {
    switch (event.type) {
      case 'turn': {
        const { botId: bot, platform } = event.key;
        updates.inc({ bot, platform, result: 'applied' });
        received.inc({ bot, platform });
        turnSeconds.observe({ bot, platform }, event.durationMs / 1000);
        if (event.stepAfter !== null && event.stepAfter !== event.stepBefore) stepEntries.inc({ bot, step: event.stepAfter });
        if (event.stepAfter === null && event.stepBefore !== null) ended.inc({ bot });
        if (event.rejected > 0) validationErrors.inc({ bot }, event.rejected);
        return;
      }
      case 'timer': {
        const bot = event.key.botId;
        if (event.outcome === 'dropped') timersDropped.inc({ bot, timer: event.name });
        if (event.outcome !== 'applied') return;
        timersFired.inc({ bot, timer: event.name });
        lateness.observe({ bot }, event.latenessMs / 1000);
        if (event.stepAfter != null && event.stepAfter !== event.stepBefore) stepEntries.inc({ bot, step: event.stepAfter });
        if (event.stepAfter === null && event.stepBefore != null) ended.inc({ bot });
        return;
      }
      case 'call': {
        const bot = event.key.botId;
        if (event.outcome === 'duplicate' || event.outcome === 'deferred') return;
        calls.inc({ bot, outcome: event.outcome });
        if (event.stepAfter != null && event.stepAfter !== event.stepBefore) stepEntries.inc({ bot, step: event.stepAfter });
        if (event.stepAfter === null && event.stepBefore != null) ended.inc({ bot });
        return;
      }
      case 'fetch': {
        const bot = event.key.botId;
        if (event.outcome === 'duplicate' || event.outcome === 'deferred') return;
        fetches.inc({ bot, outcome: event.outcome });
        if (event.files > 0) filesStored.inc({ bot }, event.files);
        if (event.bytes > 0) bytesStored.inc({ bot }, event.bytes);
        if (event.stepAfter != null && event.stepAfter !== event.stepBefore) stepEntries.inc({ bot, step: event.stepAfter });
        if (event.stepAfter === null && event.stepBefore != null) ended.inc({ bot });
        return;
      }
      case 'fetch-attempt':
        fetchSeconds.observe({ bot: event.key.botId, result: event.result }, event.durationMs / 1000);
        return;
      case 'call-attempt':
        callSeconds.observe({ bot: event.key.botId }, event.durationMs / 1000);
        return;
      case 'duplicate':
      case 'failed':
        updates.inc({ bot: event.key.botId, platform: event.key.platform, result: event.type });
        return;
      case 'skipped':
        updates.inc({ bot: event.botId, platform: event.platform, result: event.result });
        return;
      case 'stored':
        if (event.reason === 'reset') resets.inc({ bot: event.key.botId });
        return;
      case 'delivered':
        sent.inc({ bot: event.key.botId, platform: event.key.platform });
        return;
      case 'delivery-failed':
        deliveryFailures.inc({ bot: event.key.botId, platform: event.key.platform, kind: event.kind });
        return;
    }
  };
}
