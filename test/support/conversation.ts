/** Helpers to drive conversations through the engine and to print failing cases readably. */
import fc from 'fast-check';
import { Dialog, type Effect, type UserMessage, type Vars } from '../../runtime/engine/index.js';
import type { MachineConfig } from '../../compiler/index.js';
import { mixedScenarioArb, type CompiledScenario } from './scenario-arbitrary.js';
import { conversationArb } from './user-input-arbitrary.js';

export interface Observed {
  readonly effects: readonly Effect[];
  readonly step: string | undefined;
  readonly ended: boolean;
  readonly vars: Vars;
}

/** What the engine reports after a message: the turn's result and the variables. */
export function observe(dialog: Dialog, message: UserMessage): Observed {
  const r = dialog.send(message);
  return { effects: r.effects, step: r.step, ended: r.ended, vars: dialog.vars };
}

export function runEngine(config: MachineConfig, messages: readonly UserMessage[], options: ConstructorParameters<typeof Dialog>[1] = {}): Observed[] {
  const dialog = new Dialog(config, options);
  try {
    return messages.map((m) => observe(dialog, m));
  } finally {
    dialog.stop();
  }
}

/** A failing case, ready to paste into a bug report. */
export function describeCase(s: CompiledScenario, messages: readonly UserMessage[], at?: number): string {
  const shown = messages.map((m, i) => `${i === at ? '>> ' : '   '}${i}: ${JSON.stringify(m)}`).join('\n');
  return `\nscenario:\n${s.text}\nmessages:\n${shown}\n`;
}

/** A compiled scenario with 1..n random conversations. */
export const withConversations = (n = 3, base: fc.Arbitrary<CompiledScenario> = mixedScenarioArb) =>
  base.chain((s) => fc.tuple(fc.constant(s), fc.array(conversationArb(s.ir), { minLength: 1, maxLength: n })));
