// Long by nature: one entry per diagnostic code, kept in one place so wording cannot drift.
import type { Severity } from './types.js';

const q = (s: string): string => JSON.stringify(s);
const didYouMean = (s?: string): string => (s ? ` Did you mean ${q(s)}?` : '');

interface Entry<A> {
  readonly severity: Severity;
  /** One line for the reference table in docs/diagnostics.md. */
  readonly summary: string;
  readonly message: (args: A) => string;
}

const entry = <A = void>(severity: Severity, summary: string, message: (args: A) => string): Entry<A> => ({
  severity,
  summary,
  message,
});

/**
 * Every diagnostic the compiler can report. Codes are stable: tests, editors and CI scripts key on them.
 * Wording lives here alone, so the CLI, the server and the tests render the same data.
 */
export const catalog = {
  FILE_UNREADABLE: entry<{ reason: string }>('error', 'The scenario file cannot be read.', (a) => `Cannot read the file: ${a.reason}.`),
  JSON_SYNTAX: entry<{ detail: string }>('error', 'The file is not valid JSON.', (a) => `Invalid JSON: ${a.detail}.`),
  JSON_TOO_DEEP: entry<{ limit: number }>(
    'error',
    'The JSON nests deeper than a scenario can.',
    (a) => `The JSON nests more than ${a.limit} levels deep here; no scenario needs that. Check the brackets.`,
  ),
  DUPLICATE_KEY: entry<{ key: string }>(
    'error',
    'A key appears twice in one object; JSON keeps only the last.',
    (a) => `Duplicate key ${q(a.key)}: JSON silently keeps only the last one. Rename or remove one of them.`,
  ),
  WRONG_TYPE: entry<{ field: string; expected: string; actual: string }>(
    'error',
    'A field has the wrong JSON type.',
    (a) => `${q(a.field)} must be ${a.expected}, not ${a.actual}.`,
  ),
  MISSING_FIELD: entry<{ field: string; where: string }>(
    'error',
    'A required field is missing.',
    (a) => `Missing required field ${q(a.field)} in ${a.where}.`,
  ),
  UNKNOWN_FIELD: entry<{ field: string; where: string; suggestion?: string }>(
    'warning',
    'A field that the format does not define; it is ignored.',
    (a) => `Unknown field ${q(a.field)} in ${a.where} is ignored.${didYouMean(a.suggestion)}`,
  ),
  INVALID_VALUE: entry<{ field: string; value: string; allowed: string }>(
    'error',
    'A field holds a value outside its permitted set.',
    (a) => `Invalid ${a.field} ${a.value}. Permitted: ${a.allowed}.`,
  ),
  SCN_SYNTAX: entry<{ detail: string }>('error', 'A line of a .scn file that does not parse.', (a) => a.detail),
  SCN_STRING: entry<{ detail: string }>('error', 'A malformed quoted string in a .scn file.', (a) => a.detail),
  SCN_MISSING_HEADER: entry<{ missing: 'scenario' | 'version' }>(
    'error',
    'A .scn file without its `scenario "Name" version "1.0"` line, or without the version.',
    (a) =>
      a.missing === 'scenario'
        ? `The file has no scenario line. Start it with: scenario "Bot name" version "1.0".`
        : `The scenario line has no version. Write: scenario "Bot name" version "1.0".`,
  ),
  SCN_MISPLACED: entry<{ statement: string; fix: string }>(
    'error',
    'A .scn statement in a place where it means nothing.',
    (a) => `"${a.statement}" cannot stand here: ${a.fix}.`,
  ),
  SCN_DUPLICATE: entry<{ statement: string; where: string; line: number }>(
    'error',
    'A .scn statement that may appear once, written twice.',
    (a) => `A second "${a.statement}" in ${a.where}; the first is on line ${a.line}. Keep one of them.`,
  ),
  SCN_DUPLICATE_STEP: entry<{ step: string; line: number }>(
    'error',
    'Two steps with the same name.',
    (a) => `Step ${q(a.step)} is already defined on line ${a.line}. Rename one of them.`,
  ),
  SCN_ROUTE_CONFLICT: entry(
    'error',
    'A step with both `go` and `when`/`else`.',
    () => `A step goes on either with "go STEP" or with "when ... go STEP" lines (and an optional "else go STEP"), not both.`,
  ),
  SCN_ELSE_WITHOUT_WHEN: entry(
    'error',
    'An `else` without any `when` in its step.',
    () => `"else" needs at least one "when" line in the same step. For an unconditional transition, write "go STEP".`,
  ),
  NO_STEPS: entry('error', 'The scenario defines no steps.', () => `The scenario has no steps. Add at least one under "steps".`),
  MISSING_START_STEP: entry(
    'error',
    'The scenario has no start_step.',
    () => `Missing "start_step": name the step a new dialog begins with.`,
  ),
  UNKNOWN_START_STEP: entry<{ step: string; suggestion?: string }>(
    'error',
    'start_step names a step that does not exist.',
    (a) => `"start_step" names ${q(a.step)}, which is not defined under "steps".${didYouMean(a.suggestion)}`,
  ),
  UNKNOWN_STEP: entry<{ step: string; suggestion?: string }>(
    'error',
    'A reference to a step that does not exist.',
    (a) => `Step ${q(a.step)} is not defined. Define it under "steps" or fix the name.${didYouMean(a.suggestion)}`,
  ),
  INVALID_STEP_ID: entry<{ step: string }>(
    'error',
    'A step id that is not a plain name.',
    (a) => `Step id ${q(a.step)} is not allowed: use letters, digits, "_" and "-", starting with a letter or "_" (at most 64 characters).`,
  ),
  UNKNOWN_STEP_TYPE: entry<{ type: string }>(
    'error',
    'A step type other than "message".',
    (a) => `Unknown step type ${q(a.type)}. Permitted: "message".`,
  ),
  INVALID_VARIABLE_NAME: entry<{ name: string }>(
    'error',
    'A variable name that is not an identifier.',
    (a) => `Variable name ${q(a.name)} is not allowed: use letters, digits and "_", starting with a letter or "_".`,
  ),
  RESERVED_VARIABLE: entry<{ name: string }>(
    'error',
    'An assignment to a built-in variable.',
    (a) => `${q(a.name)} is built in (the platform fills it) and cannot be assigned. Choose another name.`,
  ),
  KEYWORD_VARIABLE: entry<{ name: string }>(
    'error',
    'A variable named like a keyword of the condition language.',
    (a) => `Variable name ${q(a.name)} is a keyword of the condition language, so conditions could not read it. Choose another name.`,
  ),
  INVALID_COMMAND: entry<{ command: string }>(
    'error',
    'A command name that platforms do not accept.',
    (a) => `Command ${q(a.command)} is not valid: write "/" then 1-32 lowercase letters, digits or "_", e.g. "/help".`,
  ),
  RESERVED_COMMAND: entry<{ command: string }>(
    'error',
    'A command that the runtime reserves.',
    (a) => `Command ${q(a.command)} is reserved: it always restarts the dialog at "start_step". Remove it from "commands".`,
  ),
  UNREACHABLE_STEP: entry<{ step: string }>(
    'warning',
    'A step that no path from start_step or a command reaches.',
    (a) => `Step ${q(a.step)} is unreachable: no path from "start_step" or a command leads to it.`,
  ),
  DEAD_END: entry<{ step: string; why: string }>(
    'error',
    'A step that is not final yet can never be left.',
    (a) => `Step ${q(a.step)} is a dead end: ${a.why}.`,
  ),
  LOOP_WITHOUT_INPUT: entry<{ steps: string }>(
    'error',
    'Steps that follow each other forever without waiting for input.',
    (a) => `Steps ${a.steps} form a loop that never waits for input and has no way out. Add an expected_input or a condition that leaves the loop.`,
  ),
  LOOP_MAY_NOT_TERMINATE: entry<{ steps: string }>(
    'warning',
    'A loop without input that leaves only when a condition holds.',
    (a) => `Steps ${a.steps} loop without waiting for input; they leave only when a condition holds. The runtime stops a turn after 100 steps.`,
  ),
  CONDITION_NEVER_TRUE: entry<{ condition: string; why: string }>(
    'warning',
    'A condition that no possible value can satisfy.',
    (a) => `Condition ${q(a.condition)} is never true: ${a.why}.`,
  ),
  CONDITION_ALWAYS_TRUE: entry<{ condition: string }>(
    'warning',
    'A condition that always holds, so the branches after it are never taken.',
    (a) => `Condition ${q(a.condition)} is always true: the conditions and "else" after it are never used.`,
  ),
  UNCOVERED_CASE: entry<{ variable: string; value: string; outcome: string }>(
    'warning',
    'No condition matches a possible value and there is no else.',
    (a) => `No condition matches when ${a.variable} is ${a.value}, and there is no "else": ${a.outcome}. Add a condition or an "else".`,
  ),
  BARE_WORD: entry<{ word: string }>(
    'warning',
    'A bare word that is not a variable, read as a string.',
    (a) => `${q(a.word)} is not a variable, so it is read as the string ${q(a.word)}. Write it in quotes: ${q(a.word)}.`,
  ),
  VAR_UNASSIGNED: entry<{ variable: string; path: string }>(
    'warning',
    'A variable that may be read before it is assigned, where no default or `is set` guards the read.',
    (a) => `Variable ${q(a.variable)} may be read before it is assigned, on the path ${a.path}. Assign it earlier or use "| default: ...".`,
  ),
  UNDEFINED_VARIABLE: entry<{ variable: string; suggestion?: string }>(
    'warning',
    'A variable that no step assigns.',
    (a) => `Variable ${q(a.variable)} is never assigned, so it is always empty.${didYouMean(a.suggestion)}`,
  ),
  UNKNOWN_USER_FIELD: entry<{ field: string; allowed: string }>(
    'warning',
    'A field of the built-in user variable that platforms do not provide.',
    (a) => `"user.${a.field}" is not provided by platforms. Permitted: ${a.allowed}.`,
  ),
  TYPE_MISMATCH: entry<{ detail: string }>('error', 'An operation on values of the wrong type.', (a) => `Type mismatch: ${a.detail}.`),
  TYPE_MISMATCH_EQUALITY: entry<{ detail: string }>(
    'warning',
    'An equality test between a number and text that is never a number, so it is constant.',
    (a) => `Type mismatch: ${a.detail}.`,
  ),
  EXPR_SYNTAX: entry<{ detail: string }>('error', 'A syntax error in an expression.', (a) => a.detail),
  EXPR_TOO_LONG: entry<{ detail: string }>('error', 'An expression longer than the limit.', (a) => a.detail),
  EXPR_TOO_DEEP: entry<{ detail: string }>('error', 'An expression nested deeper than the limit.', (a) => a.detail),
  EXPR_TOO_LARGE: entry<{ detail: string }>('error', 'An expression with more parts than the limit.', (a) => a.detail),
  REGEX_INVALID: entry<{ detail: string }>(
    'error',
    'A regular expression the RE2 engine refuses: a syntax error, or a lookaround or backreference, which RE2 does not support.',
    (a) => a.detail,
  ),
  REGEX_TOO_LARGE: entry<{ detail: string }>(
    'error',
    'A regular expression over 200 characters, or that compiles to over 1000 instructions.',
    (a) => a.detail,
  ),
  TEMPLATE_SYNTAX: entry<{ detail: string }>('error', 'A syntax error in a message template.', (a) => a.detail),
  UNKNOWN_FILTER: entry<{ detail: string }>('error', 'A template filter that does not exist.', (a) => a.detail),
  FILTER_ARGS: entry<{ detail: string }>('error', 'A template filter with the wrong arguments.', (a) => a.detail),
  BUTTON_VALUE_EMPTY: entry('error', 'A button with an empty value.', () => `Button value is empty: give every button a non-empty "value".`),
  BUTTON_TEXT_EMPTY: entry('error', 'A button with an empty text.', () => `Button text is empty: give every button a visible "text".`),
  BUTTON_VALUE_DUPLICATE: entry<{ value: string }>(
    'error',
    'Two buttons of one step share a value.',
    (a) => `Button value ${q(a.value)} is used twice in this step; a press could not tell them apart.`,
  ),
  BUTTON_TEXT_DUPLICATE: entry<{ text: string }>(
    'warning',
    'Two buttons of one step share a text.',
    (a) => `Button text ${q(a.text)} is used twice in this step; users cannot tell the buttons apart.`,
  ),
  CALLBACK_DATA_TOO_LONG: entry<{ value: string; bytes: number }>(
    'error',
    "A button value longer than Telegram's 64-byte callback_data.",
    (a) => `Button value ${q(a.value)} is ${a.bytes} bytes; Telegram's callback_data allows at most 64. Shorten it.`,
  ),
  MESSAGE_TOO_LONG: entry<{ length: number; limit: number; templated: boolean }>(
    'warning',
    "A message text longer than Telegram's 4096 characters per message, before any template value; it is sent in parts.",
    (a) =>
      `This message is ${a.length} characters long${a.templated ? ' without its {{...}} values' : ''}; Telegram allows ${a.limit} per message, so it is sent in ${Math.ceil(a.length / a.limit)} or more parts. Shorten it or spread it over several steps.`,
  ),
  CHANNEL_TEXT_SPLIT: entry<{ channel: string; length: number; limit: number; templated: boolean }>(
    'warning',
    "A message text longer than a checked channel's limit, before any template value; that channel sends it in parts.",
    (a) =>
      `This message is ${a.length} characters long${a.templated ? ' without its {{...}} values' : ''}; ${a.channel} shows at most ${a.limit} per message here, so it is sent in ${Math.ceil(a.length / a.limit)} or more parts. Shorten it or spread it over several steps.`,
  ),
  CHANNEL_CAPTION_SEPARATE: entry<{ channel: string; length: number; limit: number }>(
    'warning',
    "A caption longer than a checked channel's caption limit; that channel sends it as a text message after the file.",
    (a) =>
      a.limit === 0
        ? `${a.channel} files carry no caption, so this caption is sent as a text message after the file. Move it into the step's message to keep the order you want.`
        : `This caption is ${a.length} characters long; ${a.channel} allows ${a.limit}, so it is sent as a text message after the file. Shorten it to at most ${a.limit}.`,
  ),
  CHANNEL_TOO_MANY_BUTTONS: entry<{ channel: string; count: number; limit: number; layout: string }>(
    'warning',
    "More buttons than a checked channel shows as buttons; that channel shows them as a list or a numbered menu.",
    (a) => `This step has ${a.count} buttons; ${a.channel} shows at most ${a.limit} as buttons, so they are shown as ${a.layout}. Keep ${a.limit} or fewer to get buttons.`,
  ),
  CHANNEL_BUTTON_TITLE_TOO_LONG: entry<{ channel: string; title: string; length: number; limit: number; layout: string }>(
    'warning',
    "A button text longer than a checked channel's button titles; that channel shows the step's buttons as a list or a numbered menu.",
    (a) =>
      `Button text ${q(a.title)} is ${a.length} characters; ${a.channel} button titles allow ${a.limit}, so this step's buttons are shown as ${a.layout}. Shorten it to at most ${a.limit}.`,
  ),
  CHANNEL_PAYLOAD_TOO_LONG: entry<{ channel: string; value: string; bytes: number; limit: number }>(
    'error',
    "A button value longer than a checked channel's payload bytes; a press could not bring it back.",
    (a) => `Button value ${q(a.value)} is ${a.bytes} bytes; ${a.channel} carries at most ${a.limit} bytes of a button's value. Shorten it.`,
  ),
  CHANNEL_MEDIA_AS_TEXT: entry<{ channel: string; kind: string; fallback: string }>(
    'warning',
    'A medium a checked channel cannot send; that channel sends it as text.',
    (a) => `${a.channel} cannot send a ${a.kind}; it is sent as ${a.fallback}.`,
  ),
  CHANNEL_INPUT_UNSUPPORTED: entry<{ channel: string; kind: string; receives: string }>(
    'error',
    'An input that waits for media a checked channel cannot receive; its users could never answer.',
    (a) => `${a.channel} users cannot send a ${a.kind}, so this step would wait forever there. Ask for one of: ${a.receives}; or drop ${a.channel} from the bot's channels.`,
  ),
  CHANNEL_INPUT_KIND_UNSUPPORTED: entry<{ channel: string; kind: string }>(
    'warning',
    'One media kind of an input a checked channel cannot receive; its users can answer with the others only.',
    (a) => `${a.channel} users cannot send a ${a.kind}; there they can answer with the other kinds listed only.`,
  ),
  BUTTON_INPUT_WITHOUT_BUTTONS: entry(
    'error',
    'A button input on a step that shows no buttons.',
    () => `expected_input has type "button" but the step has no "buttons": the user has nothing to press.`,
  ),
  BUTTONS_WITHOUT_MESSAGE: entry(
    'error',
    'Buttons on a step that sends no message.',
    () => `This step has "buttons" but no "message": buttons are sent with a message. Add "message": {"text": ...}.`,
  ),
  BUTTONS_IGNORED: entry(
    'warning',
    'Buttons on a step that does not wait for a button.',
    () => `This step shows buttons but does not expect a button input; presses are read as typed text. Use "expected_input": {"type": "button", ...}.`,
  ),
  VALIDATION_NOT_APPLICABLE: entry<{ rule: string; type: string }>(
    'warning',
    'A validation rule that does not apply to the input type.',
    (a) => `Validation ${q(a.rule)} has no effect on input type ${q(a.type)}.`,
  ),
  VALIDATION_RANGE: entry<{ low: string; high: string }>(
    'error',
    'A validation range that no value satisfies.',
    (a) => `Validation ${a.low} is greater than ${a.high}: no input can pass.`,
  ),
  SENSITIVE_SHOWN: entry<{ variable: string }>(
    'warning',
    'A message that shows a sensitive answer (or a value set from one).',
    (a) =>
      `This message shows ${q(a.variable)}, a sensitive value: the user sees it, while logs, the history and the admin views show "***". Leave it out of the message unless the user must see it.`,
  ),
  ON_FAIL_WITHOUT_MAX_ATTEMPTS: entry(
    'warning',
    'on_fail without max_attempts is never used.',
    () => `"on_fail" is never used without "max_attempts". Add "max_attempts".`,
  ),
  MAX_ATTEMPTS_WITHOUT_ON_FAIL: entry(
    'warning',
    'max_attempts without on_fail has no effect.',
    () => `"max_attempts" has no effect without "on_fail": the bot keeps asking. Add "on_fail".`,
  ),
  DURATION_SYNTAX: entry<{ field: string; value: string }>(
    'error',
    'A duration that is not a whole number and a unit (s, m, h, d).',
    (a) => `${q(a.field)} is ${q(a.value)}, which is not a duration: write a whole number and a unit, s, m, h or d, e.g. "90s", "10m", "24h", "7d".`,
  ),
  DURATION_OUT_OF_RANGE: entry<{ field: string; value: string; limit: string }>(
    'error',
    'A duration under 1 s or over 365 d.',
    (a) => `${q(a.field)} is ${q(a.value)}, ${a.limit === '1s' ? 'shorter than the least, 1s' : 'longer than the most, 365d'}. Choose a duration from 1s to 365d.`,
  ),
  TIMER_WITHOUT_INPUT: entry<{ field: string }>(
    'error',
    'A timeout or reminders on a step that does not wait for an answer.',
    (a) => `${q(a.field)} needs a step that waits for an answer: add "expected_input", or use "wait" to pause a step without input.`,
  ),
  WAIT_WITH_INPUT: entry(
    'error',
    'A step with both "wait" and an input.',
    () => `A step cannot both wait for a time and for an answer. Remove "wait" (use "timeout" to stop waiting for an answer) or the input.`,
  ),
  REMINDERS_NOT_INCREASING: entry<{ after: string; previous: string }>(
    'error',
    'A reminder not later than the one before it.',
    (a) => `This reminder comes after ${a.after}, not later than the one before it (${a.previous}). List reminders in increasing order of "after".`,
  ),
  REMINDER_AFTER_TIMEOUT: entry<{ after: string; timeout: string }>(
    'error',
    'A reminder at or after the step\'s timeout, so it is never sent.',
    (a) => `This reminder comes after ${a.after}, but the step times out after ${a.timeout}, so it is never sent. Make it earlier than the timeout.`,
  ),
  ON_EXPIRE_WITHOUT_EXPIRE_AFTER: entry(
    'warning',
    'on_expire without expire_after is never used.',
    () => `"on_expire" is never used without "expire_after". Add "expire_after", e.g. "7d".`,
  ),
  CALL_WITH_INPUT: entry<{ field: string }>(
    'error',
    'A step with a call that also asks for input or waits for a time.',
    (a) => `A call step waits for the call's answer, so it cannot also have ${q(a.field)}. Move the call or the ${q(a.field)} to a step of its own.`,
  ),
  CALL_URL_NOT_HTTP: entry<{ url: string }>(
    'error',
    'A call URL that does not begin with http:// or https://.',
    (a) => `The call URL ${q(a.url)} is not an http or https URL. Write it as "https://host/path", with variables only in its path or query.`,
  ),
  CALL_TIMEOUT_TOO_LONG: entry<{ value: string; limit: string }>(
    'error',
    'A call timeout over 60 s.',
    (a) => `The call's timeout is ${q(a.value)}, longer than the most, ${a.limit}. Choose a timeout from 1s to ${a.limit}.`,
  ),
  CALL_RETRIES_OUT_OF_RANGE: entry<{ value: number; limit: number }>(
    'error',
    'Call retries under 0 or over 5.',
    (a) => `"retries" is ${a.value}; a call is retried from 0 to ${a.limit} times.`,
  ),
  CALL_RETRIES_NOT_IDEMPOTENT: entry<{ method: string }>(
    'error',
    'Retries on a POST or PATCH call, which a second attempt could apply twice.',
    (a) => `A ${a.method} call is not retried: a second attempt could do it twice. Remove "retries", or use GET, PUT or DELETE.`,
  ),
  CALL_SAVE_PATH: entry<{ path: string }>(
    'error',
    'A saved call field that is neither "status" nor a path into the body.',
    (a) => `${q(a.path)} is not a field of the answer: write "status", "body" or a dotted path into the body, e.g. "body.order.status" or "body.items.0.name".`,
  ),
  SECRET_OUTSIDE_HEADER: entry<{ name: string }>(
    'error',
    'A secret in a call\'s URL or body, or outside a call.',
    (a) => `{{${a.name}}} is a secret: secrets may only be used in the values of a call's headers, so they never show in URLs, bodies or logs.`,
  ),
  SECRET_NAME: entry<{ name: string }>(
    'error',
    'A secret whose name is not one word.',
    (a) => `${q(a.name)} is not a secret's name: write {{secret.NAME}} with NAME of letters, digits and underscores; it reads SCENARIST_SECRET_NAME.`,
  ),
  MEDIA_ITEM_KIND: entry<{ where: string; found: string }>(
    'error',
    'A media item without exactly one of image, video, audio, document, location, contact.',
    (a) =>
      `${a.where} must have exactly one of "image", "video", "audio", "document", "location", "contact"${a.found ? `; it has ${a.found}` : ''}. Write one item per medium, e.g. {"image": "menu.jpg"}.`,
  ),
  MEDIA_SOURCE: entry<{ value: string; fix: string; card?: 'location' | 'contact' }>(
    'error',
    'A media source that is neither an http(s) URL, a relative file path inside the scenario\'s folder (no hidden file), nor "{{variable}}".',
    (a) => `${q(a.value)} is not a media source: ${a.fix}.`,
  ),
  MEDIA_FILE_MISSING: entry<{ path: string }>(
    'error',
    'A media file path that names no file next to the scenario.',
    (a) => `No file ${q(a.path)} next to the scenario: a path is read relative to the scenario file's folder. Add the file or fix the path.`,
  ),
  MEDIA_VARIABLE_TYPE: entry<{ variable: string; expected: string; actual: string }>(
    'error',
    'A media source "{{variable}}" whose variable does not hold that kind of media.',
    (a) => `{{${a.variable}}} holds ${a.actual}, not ${a.expected}. Name a variable a media input of that kind assigns (e.g. "expected_input": {"type": "photo", ...}).`,
  ),
  MEDIA_RULE_NOT_APPLICABLE: entry<{ rule: string; type: string; fix: string }>(
    'error',
    'A validation rule that cannot apply to the input: text rules on media, file rules on text, location or contact.',
    (a) => `Validation ${q(a.rule)} does not apply to input type ${q(a.type)}: ${a.fix}.`,
  ),
  MEDIA_SIZE: entry<{ value: string }>(
    'error',
    'A max_bytes that is not a positive size.',
    (a) => `${q(a.value)} is not a size: write a number of bytes (5000000) or a number and a unit, B, KB, MB or GB (e.g. "5MB", "500KB").`,
  ),
  MEDIA_SIZE_OVER_LIMIT: entry<{ value: string; limit: string }>(
    'warning',
    'A max_bytes over the 20 MB a Telegram bot can download.',
    (a) => `"max_bytes" is ${a.value}, over the ${a.limit} a Telegram bot can download: larger files from Telegram are refused whatever this says. Use at most ${a.limit} for bots on Telegram.`,
  ),
  MEDIA_MIME: entry<{ value: string }>(
    'error',
    'A mime entry that is not a media type.',
    (a) => `${q(a.value)} is not a media type: write "type/subtype" (e.g. "application/pdf") or "type/*" (e.g. "image/*").`,
  ),
  MEDIA_INPUT_BUTTONS: entry<{ type: string }>(
    'warning',
    'Buttons on a step whose input expects media.',
    (a) => `This step shows buttons but expects ${a.type}: a press arrives as text, which the input refuses. Move the buttons to a step with a "button" input, or remove them.`,
  ),
  UNKNOWN_MEDIA_FIELD: entry<{ path: string; type: string; allowed: string; suggestion?: string }>(
    'error',
    'A field that a file, location or contact value does not have.',
    (a) => `${q(a.path)}: a ${a.type} has no such field. Permitted: ${a.allowed}.${didYouMean(a.suggestion)}`,
  ),
} as const;

export type DiagnosticCode = keyof typeof catalog;
export type DiagnosticArgs<C extends DiagnosticCode> = Parameters<(typeof catalog)[C]['message']>[0];
