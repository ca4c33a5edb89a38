// How dialogs meet the conversation log: the context of a dialog's lines, the engine's trace as DEBUG lines,
// and which answers are sensitive.
import { performance } from 'node:perf_hooks';
import { sensitiveVariablesOf, type EngineTracer, type MachineConfig, type UserMessage } from '../engine/index.js';
import { MASK, type ConversationLogger, type LogContext } from '../log/index.js';
import type { DialogKey } from '../store/index.js';

/** The dialog's id in log lines: readable, and the same for every line of one chat of one bot. */
export const dialogIdOf = (key: DialogKey): string => `${key.botId}:${key.platform}:${key.chatId}`;

/** The fields every line of one update's processing (or one dialog's delivery) carries. */
export function dialogContext(key: DialogKey, updateId: string | undefined): LogContext {
  // update_id is set even when undefined: a delivery started while an update is processed must not inherit its id.
  return { bot_id: key.botId, platform: key.platform, platform_chat_id: key.chatId, dialog_id: dialogIdOf(key), update_id: updateId };
}

/** Whether the step waits for a sensitive answer (a password, a document number). */
export function isSensitiveStep(config: MachineConfig, step: string | null | undefined): boolean {
  return step !== null && step !== undefined && config.states[step]?.meta?.input?.sensitive === true;
}

/** What a message says, for the INCOMING line: its text, or the value of the pressed button. */
export function messageText(message: UserMessage): string {
  return message.press ?? message.text ?? '';
}

/** The variables that hold answers to sensitive inputs (passwords, document numbers), or values set from them. */
export function sensitiveVariables(config: MachineConfig | undefined): Set<string> {
  return new Set(config ? sensitiveVariablesOf(config) : []);
}

/** Milliseconds since `started` (a performance.now() reading), to a tenth. */
export const elapsed = (started: number): number => Math.round((performance.now() - started) * 10) / 10;

const tracers = new WeakMap<ConversationLogger, EngineTracer>();

/** CONDITION and VARIABLE lines at DEBUG; the caller passes it to the engine only when DEBUG is on. */
export function engineTracer(log: ConversationLogger): EngineTracer {
  let tracer = tracers.get(log);
  if (!tracer) {
    tracer = {
      condition: (t) =>
        log.debug('CONDITION', t.kind === 'input' ? `input ${t.result ? 'accepted' : 'rejected'}` : `condition ${t.result ? 'true' : 'false'}`, {
          step: t.step,
          kind: t.kind,
          expression: t.expression,
          result: t.result,
        }),
      variable: (t) =>
        log.debug('VARIABLE', `${t.variable} set`, {
          step: t.step,
          variable: t.variable,
          value: t.sensitive ? MASK : t.value,
          source: t.source,
          ...(t.sensitive ? { masked: true } : {}),
        }),
    };
    tracers.set(log, tracer);
  }
  return tracer;
}
