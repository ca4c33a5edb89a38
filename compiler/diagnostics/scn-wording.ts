import type { DiagnosticArgs, DiagnosticCode } from './catalog.js';

const q = (s: string): string => JSON.stringify(s);
const didYouMean = (s?: string): string => (s ? ` Did you mean ${q(s)}?` : '');

/** JSON field names as the text language spells them. */
const FIELDS: Readonly<Record<string, string>> = {
  'expected_input type': 'ask type',
  max_attempts: 'attempts',
  min_length: 'min_length',
  'timeout.after': 'timeout after',
  'reminders.after': 'remind after',
  expire_after: 'expire after',
  'call.timeout': 'timeout after',
  'call method': 'call method',
};

type Wording = { readonly [C in DiagnosticCode]?: (args: DiagnosticArgs<C>) => string };

/**
 * Messages for .scn files where the JSON wording would name JSON fields. Same codes and arguments: only the
 * advice changes to the statements an author of a .scn file writes.
 */
export const SCN_WORDING: Wording = {
  NO_STEPS: () => `The scenario has no steps. Add at least one "step NAME" block.`,
  MISSING_START_STEP: () => `Missing "start STEP": name the step a new dialog begins with, in the header.`,
  UNKNOWN_START_STEP: (a) => `"start" names ${q(a.step)}, which is not a step of this file.${didYouMean(a.suggestion)}`,
  UNKNOWN_STEP: (a) => `Step ${q(a.step)} is not defined. Add "step ${a.step}" or fix the name.${didYouMean(a.suggestion)}`,
  RESERVED_COMMAND: (a) => `Command ${q(a.command)} is reserved: it always restarts the dialog at the start step. Remove its "command" line.`,
  UNREACHABLE_STEP: (a) => `Step ${q(a.step)} is unreachable: no path from the start step or a command leads to it.`,
  LOOP_WITHOUT_INPUT: (a) => `Steps ${a.steps} form a loop that never waits for input and has no way out. Add an "ask" or a "when" that leaves the loop.`,
  BUTTON_INPUT_WITHOUT_BUTTONS: () => `"ask button" but the step has no "button" lines: the user has nothing to press.`,
  BUTTONS_WITHOUT_MESSAGE: () => `This step has buttons but no "say": buttons are sent with a message. Add a "say" line.`,
  BUTTONS_IGNORED: () => `This step shows buttons but does not ask for one; presses are read as typed text. Add "ask button -> VARIABLE".`,
  ON_FAIL_WITHOUT_MAX_ATTEMPTS: () => `"on fail" is never used without "attempts". Add "attempts N".`,
  MAX_ATTEMPTS_WITHOUT_ON_FAIL: () => `"attempts" has no effect without "on fail go STEP": the bot keeps asking. Add it.`,
  DURATION_SYNTAX: (a) => `${q(FIELDS[a.field] ?? a.field)} takes a duration, not ${q(a.value)}: write a whole number and a unit, s, m, h or d, e.g. 90s, 10m, 24h, 7d.`,
  DURATION_OUT_OF_RANGE: (a) =>
    `${q(FIELDS[a.field] ?? a.field)} is ${a.value}, ${a.limit === '1s' ? 'shorter than the least, 1s' : 'longer than the most, 365d'}. Choose a duration from 1s to 365d.`,
  WAIT_WITH_INPUT: () => `A step cannot both "wait" and "ask". Remove "wait" (use "timeout after" under the "ask" to stop waiting for an answer) or the "ask".`,
  REMINDERS_NOT_INCREASING: (a) => `This reminder comes after ${a.after}, not later than the one above it (${a.previous}). Order the "remind after" lines by time.`,
  CALL_WITH_INPUT: (a) => `A step with "call" waits for the call's answer, so it cannot also "${a.field === 'wait' ? 'wait' : 'ask'}". Move one of them to a step of its own.`,
  ON_EXPIRE_WITHOUT_EXPIRE_AFTER: () => `"go" after "expire" needs a duration: write "expire after 7d go STEP".`,
  WRONG_TYPE: (a) => `${q(FIELDS[a.field] ?? a.field)} must be ${a.expected}, not ${a.actual}.`,
  MEDIA_VARIABLE_TYPE: (a) => `{{${a.variable}}} holds ${a.actual}, not ${a.expected}. Name a variable an "ask" of that kind assigns (e.g. "ask photo -> receipt").`,
  MEDIA_INPUT_BUTTONS: (a) => `This step shows buttons but expects ${a.type}: a press arrives as text, which the input refuses. Move the "button" lines to a step with "ask button", or remove them.`,
  MEDIA_ITEM_KIND: () => `A media line is one of "image", "video", "audio", "document", "location", "contact".`,
  MEDIA_SOURCE: (a) =>
    `${q(a.value)} is not a media source: ${
      a.card === 'location' ? 'write location LATITUDE LONGITUDE, or location "{{variable}}"' : a.card === 'contact' ? 'write contact "PHONE" "FIRST NAME", or contact "{{variable}}"' : a.fix
    }.`,
  INVALID_VALUE: (a) => `Invalid ${FIELDS[a.field] ?? a.field} ${a.value}. Permitted: ${a.allowed}.`,
};
