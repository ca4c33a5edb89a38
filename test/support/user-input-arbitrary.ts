/**
 * Random conversations for a scenario: sequences of user messages drawn from a pool biased towards answers
 * the scenario cares about (its button values and texts, small integers, the words conditions test, its
 * commands), mixed with noise (random short strings, presses of unknown values, messages without text).
 */
import fc from 'fast-check';
import type { IrScenario } from '../../compiler/index.js';
import type { UserMessage, UserProfile } from '../../runtime/engine/index.js';
import { BUTTON_TEXTS, BUTTON_VALUES, SMALL_INTS, WORDS } from './scenario-arbitrary.js';

/** The scenario's button values and texts (plus the generator's pool, so other steps' values appear too). */
function buttonsOf(ir: IrScenario): { values: string[]; texts: string[] } {
  const values = new Set<string>(BUTTON_VALUES);
  const texts = new Set<string>();
  for (const step of Object.values(ir.steps)) {
    for (const b of step.buttons) {
      values.add(b.value);
      texts.add(b.text);
    }
  }
  for (const [v, ts] of Object.entries(BUTTON_TEXTS)) if (values.has(v)) ts.forEach((t) => texts.add(t));
  return { values: [...values].sort(), texts: [...texts].sort() };
}

const NUMBERS = [...SMALL_INTS.map(String), '42', '-1', '3.5', ' 7 ', '3,5'];

/**
 * A finite set of ordinary answers (no commands) that covers every value a generated condition or validation
 * can distinguish: each button value (typed and pressed), each button text, the integers 0..9 and 42, the
 * condition words, and a few invalid-for-everything answers. Used to decide whether a dialog is "stuck".
 */
export function candidateAnswers(ir: IrScenario): UserMessage[] {
  const { values, texts } = buttonsOf(ir);
  return [
    ...values.map((text) => ({ text })),
    ...values.map((press) => ({ press })),
    ...texts.map((text) => ({ text })),
    ...[...SMALL_INTS.map(String), '42', '-1', '3.5'].map((text) => ({ text })),
    ...WORDS.map((text) => ({ text })),
    { text: 'xyz' },
    { text: 'HELLO there' },
    {},
  ];
}

/** One user message for `ir`. */
export function messageArb(ir: IrScenario): fc.Arbitrary<UserMessage> {
  const { values, texts } = buttonsOf(ir);
  const commands = ir.commands.map((c) => c.command);
  const commandVariants = commands.flatMap((c) => [c, `${c}@ScenaristBot`, c.toUpperCase(), ` ${c} please`]);
  const arbs: { weight: number; arbitrary: fc.Arbitrary<UserMessage> }[] = [
    { weight: 14, arbitrary: fc.constantFrom(...values).map((text) => ({ text })) },
    { weight: 10, arbitrary: fc.constantFrom(...values).map((press) => ({ press })) },
    { weight: 2, arbitrary: fc.constantFrom('zz', 'Apple', '').map((press) => ({ press })) },
    { weight: 5, arbitrary: fc.constantFrom(...texts).map((t) => ({ text: t })) },
    { weight: 2, arbitrary: fc.constantFrom(...texts).map((t) => ({ text: `  ${t.toLowerCase()} ` })) },
    { weight: 12, arbitrary: fc.constantFrom(...NUMBERS).map((text) => ({ text })) },
    { weight: 5, arbitrary: fc.constantFrom(...WORDS).map((text) => ({ text })) },
    { weight: 4, arbitrary: fc.string({ maxLength: 5 }).map((text) => ({ text })) },
    { weight: 2, arbitrary: fc.constantFrom('/start', '/START', '/start@ScenaristBot').map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.constantFrom('/unknown', '/', 'help').map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.constantFrom('/cancel', '/help', '/CANCEL@ScenaristBot').map((text) => ({ text })) },
    { weight: 3, arbitrary: fc.constant<UserMessage>({}) },
  ];
  if (commands.length > 0) {
    arbs.push({ weight: 3, arbitrary: fc.constantFrom(...commands).map((text) => ({ text })) });
    arbs.push({ weight: 1, arbitrary: fc.constantFrom(...commandVariants).map((text) => ({ text })) });
  }
  // Platforms attach the sender's profile to messages; sometimes they do not.
  const user = fc.option(fc.constantFrom<UserProfile>({ id: 1, first_name: 'Ann' }, { id: 2, first_name: 'bob', username: 'bob' }, { id: 3 }), { freq: 3 });
  return fc.tuple(fc.oneof(...arbs), user).map(([m, u]) => (u === null ? m : { ...m, user: u }));
}

export interface ConversationOptions {
  readonly minLength?: number;
  readonly maxLength?: number;
}

/** A conversation: 1-25 messages by default (sizes biased towards the middle of that range, not to 1-3). */
export function conversationArb(ir: IrScenario, options: ConversationOptions = {}): fc.Arbitrary<UserMessage[]> {
  return fc.array(messageArb(ir), { minLength: options.minLength ?? 1, maxLength: options.maxLength ?? 25, size: 'medium' });
}
