import { checkRegex } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { Loc } from '../diagnostics/types.js';
import type { Template } from '../../grammar/index.js';
import { INPUT_TYPES, type InputAst, type InputType, type Located, type ScenarioAst, type SourceString, type StepAst } from '../scenario/ast.js';
import type { IrButton, IrValidation } from '../ir/types.js';
import { closest } from '../../grammar/suggest.js';
import {
  CALLBACK_DATA_MAX_BYTES,
  COMMAND,
  TELEGRAM_MESSAGE_MAX_LENGTH,
  IDENTIFIER,
  KEYWORDS,
  RESERVED_VARIABLES,
  STEP_ID,
  type CheckedBranch,
  type CheckedInput,
  type CheckedRoute,
  type CheckedScenario,
  type CheckedStep,
} from './model.js';
import { spanLoc, StringParser } from './parse-strings.js';
import { checkExpiry, checkStepTimers } from './timers.js';
import { checkStepCall } from './calls.js';
import { checkMediaInput, checkNoFileRules, checkStepMedia, mediaKinds, type FileExists } from './media.js';
import { MEDIA_INPUT_KINDS } from '../semantics/media.js';

/** Structural checks: names, references, buttons, inputs; parses every expression and template. */
export function checkStructure(ast: ScenarioAst, reporter: Reporter, options: { readonly fileExists?: FileExists } = {}): CheckedScenario {
  const stepIds = new Set(ast.steps.map((s) => s.id.value));
  // A line that did not parse may be the one that assigns a variable: then unknown names are not reported.
  const incomplete = ast.incomplete === true || ast.steps.some((s) => s.incomplete);
  const parser = new StringParser(reporter, collectVariables(ast), { quietUnknownNames: incomplete });
  const ref = (target: Located<string>): { target: string; loc: Loc } | undefined => {
    if (stepIds.has(target.value)) return { target: target.value, loc: target.loc };
    reporter.report('UNKNOWN_STEP', target.loc, { step: target.value, suggestion: closest(target.value, stepIds) });
    return undefined;
  };

  if (ast.steps.length === 0) reporter.report('NO_STEPS', ast.stepsLoc ?? ast.loc);
  let startStep: CheckedScenario['startStep'];
  if (!ast.startStep) reporter.report('MISSING_START_STEP', { offset: ast.loc.offset, length: Math.min(1, ast.loc.length) });
  else if (!stepIds.has(ast.startStep.value)) {
    reporter.report('UNKNOWN_START_STEP', ast.startStep.loc, { step: ast.startStep.value, suggestion: closest(ast.startStep.value, stepIds) });
  } else startStep = { id: ast.startStep.value, loc: ast.startStep.loc };

  const commands: { command: string; target: string; loc: Loc }[] = [];
  for (const c of ast.commands) {
    const name = c.command.value;
    if (name === '/start') reporter.report('RESERVED_COMMAND', c.command.loc, { command: name });
    else if (!COMMAND.test(name)) reporter.report('INVALID_COMMAND', c.command.loc, { command: name });
    const target = ref(c.target);
    if (target) commands.push({ command: name, target: target.target, loc: c.command.loc });
  }

  const steps = ast.steps.map((step, index): CheckedStep => {
    if (!STEP_ID.test(step.id.value)) reporter.report('INVALID_STEP_ID', step.id.loc, { step: step.id.value });
    if (step.type && step.type.value !== 'message') reporter.report('UNKNOWN_STEP_TYPE', step.type.loc, { type: step.type.value });
    const set = step.set.map((a) => {
      checkVariableName(reporter, a.variable);
      return { variable: a.variable.value, varLoc: a.variable.loc, value: parsedOrUndefined(parser.expr(a.expr), a.expr) };
    });
    const message = step.message && parsedTemplate(parser, step.message);
    if (message) checkMessageLength(reporter, message.template, message.src);
    const media = checkStepMedia(reporter, step, (src) => parsedTemplate(parser, src), options.fileExists);
    const buttons = checkButtons(reporter, step);
    const input = step.input && checkInput(reporter, parser, step, step.input, buttons, ref);
    const route = checkRoute(parser, step, ref);
    const timers = checkStepTimers(reporter, step, ref, (src) => {
      const parsed = parsedTemplate(parser, src);
      if (parsed) checkMessageLength(reporter, parsed.template, parsed.src);
      return parsed;
    });
    const call = checkStepCall(reporter, step, ref, (src) => parsedTemplate(parser, src), (name) => checkVariableName(reporter, name));
    const checked: CheckedStep = { id: step.id.value, index, ast: step, set, message, buttons, input, route, incomplete: step.incomplete === true };
    const withMedia = media ? { ...checked, media } : checked;
    const withTimers = timers ? { ...withMedia, timers } : withMedia;
    return call ? { ...withTimers, call } : withTimers;
  });
  const expire = checkExpiry(reporter, ast, ref);
  return {
    name: ast.name?.value ?? '',
    version: ast.version?.value ?? '',
    startStep,
    steps,
    byId: new Map(steps.map((s) => [s.id, s])),
    commands,
    ...(expire ? { expire } : {}),
    incomplete,
  };
}

function parsedOrUndefined<E>(expr: E | undefined, src: import('../scenario/ast.js').SourceString) {
  return expr === undefined ? undefined : { expr, src };
}

function parsedTemplate(parser: StringParser, src: import('../scenario/ast.js').SourceString) {
  const template = parser.message(src);
  return template && { template, src };
}

/** A text whose fixed parts alone exceed Telegram's limit is always sent in parts. */
function checkMessageLength(reporter: Reporter, template: Template, src: SourceString): void {
  let length = 0;
  for (const part of template.parts) if (part.kind === 'text') length += part.text.length;
  if (length <= TELEGRAM_MESSAGE_MAX_LENGTH) return;
  const templated = template.parts.some((p) => p.kind === 'value');
  reporter.report('MESSAGE_TOO_LONG', spanLoc(src, { start: 0, end: src.value.length }), { length, limit: TELEGRAM_MESSAGE_MAX_LENGTH, templated });
}

/** Every name a step assigns: known variables, so bare words that match them are references. */
function collectVariables(ast: ScenarioAst): Set<string> {
  const names = new Set<string>();
  for (const step of ast.steps) {
    for (const a of step.set) names.add(a.variable.value);
    if (step.input?.variable) names.add(step.input.variable.value);
    for (const s of step.call?.save?.items ?? []) names.add(s.variable.value);
  }
  return names;
}

function checkVariableName(reporter: Reporter, name: Located<string>): void {
  if (RESERVED_VARIABLES.has(name.value)) reporter.report('RESERVED_VARIABLE', name.loc, { name: name.value });
  else if (!IDENTIFIER.test(name.value)) reporter.report('INVALID_VARIABLE_NAME', name.loc, { name: name.value });
  else if (KEYWORDS.has(name.value.toLowerCase())) reporter.report('KEYWORD_VARIABLE', name.loc, { name: name.value });
}

function checkButtons(reporter: Reporter, step: StepAst): IrButton[] {
  const out: IrButton[] = [];
  const values = new Set<string>();
  const texts = new Set<string>();
  for (const b of step.buttons?.items ?? []) {
    if (b.text && b.text.value.trim() === '') reporter.report('BUTTON_TEXT_EMPTY', b.text.loc);
    if (b.value) {
      const value = b.value.value;
      const bytes = Buffer.byteLength(value, 'utf8');
      if (value.trim() === '') reporter.report('BUTTON_VALUE_EMPTY', b.value.loc);
      else if (values.has(value)) reporter.report('BUTTON_VALUE_DUPLICATE', b.value.loc, { value });
      else if (bytes > CALLBACK_DATA_MAX_BYTES) reporter.report('CALLBACK_DATA_TOO_LONG', b.value.loc, { value, bytes });
      values.add(value);
    }
    if (b.text && texts.has(b.text.value.toLowerCase())) reporter.report('BUTTON_TEXT_DUPLICATE', b.text.loc, { text: b.text.value });
    if (b.text) texts.add(b.text.value.toLowerCase());
    if (b.text && b.value) out.push({ text: b.text.value, value: b.value.value });
  }
  // What a step lacks (a message, an input) may be on a line that did not parse: that line's error says it all.
  if (step.incomplete) return out;
  if (step.buttons && step.buttons.items.length > 0 && !step.message) reporter.report('BUTTONS_WITHOUT_MESSAGE', step.buttons.loc);
  // Without a button input (or with no input at all) a press arrives as typed text.
  if (step.buttons && step.buttons.items.length > 0 && step.input?.type?.value !== 'button' && (!step.input || step.input.type)) {
    const kind = step.input?.type?.value;
    // A press arrives as text: a media input refuses it, a text input takes it as typed.
    if (kind && (MEDIA_INPUT_KINDS as readonly string[]).includes(kind)) reporter.report('MEDIA_INPUT_BUTTONS', step.buttons.loc, { type: (step.input?.kinds?.items ?? [step.input!.type!]).map((k) => k.value).join(', ') });
    else reporter.report('BUTTONS_IGNORED', step.buttons.loc);
  }
  return out;
}

const NUMERIC_TYPES: readonly InputType[] = ['number', 'integer'];
const LENGTH_TYPES: readonly InputType[] = ['text', 'email', 'phone'];

function checkInput(
  reporter: Reporter,
  parser: StringParser,
  step: StepAst,
  input: InputAst,
  buttons: readonly IrButton[],
  ref: (t: Located<string>) => { target: string; loc: Loc } | undefined,
): CheckedInput | undefined {
  let type: InputType | undefined;
  const kinds = mediaKinds(reporter, input);
  if (input.type && !kinds && !input.kinds) {
    if ((INPUT_TYPES as readonly string[]).includes(input.type.value)) type = input.type.value as InputType;
    else {
      reporter.report('INVALID_VALUE', input.type.loc, {
        field: 'expected_input type',
        value: JSON.stringify(input.type.value),
        allowed: [...INPUT_TYPES, ...MEDIA_INPUT_KINDS].map((t) => `"${t}"`).join(', '),
      });
    }
  }
  const media = kinds && checkMediaInput(reporter, input, kinds);
  if (type) checkNoFileRules(reporter, input, type);
  if (input.variable) checkVariableName(reporter, input.variable);
  if (type === 'button' && buttons.length === 0 && !(step.buttons?.items.length) && !step.incomplete) reporter.report('BUTTON_INPUT_WITHOUT_BUTTONS', input.type?.loc ?? input.loc);
  const v = input.validation ?? {};
  const validation: IrValidation = {
    min: v.min?.value,
    max: v.max?.value,
    minLength: v.minLength?.value,
    maxLength: v.maxLength?.value,
    pattern: v.pattern?.value,
  };
  if (type) {
    const rules: [Located<unknown> | undefined, string, readonly InputType[]][] = [
      [v.min, 'min', NUMERIC_TYPES],
      [v.max, 'max', NUMERIC_TYPES],
      [v.minLength, 'min_length', LENGTH_TYPES],
      [v.maxLength, 'max_length', LENGTH_TYPES],
      [v.pattern, 'pattern', [...LENGTH_TYPES, 'date', 'number', 'integer']],
    ];
    for (const [rule, name, types] of rules) {
      if (rule && !types.includes(type)) reporter.report('VALIDATION_NOT_APPLICABLE', rule.loc, { rule: name, type });
    }
  }
  if (v.min && v.max && v.min.value > v.max.value) reporter.report('VALIDATION_RANGE', v.min.loc, { low: `min ${v.min.value}`, high: `max ${v.max.value}` });
  if (v.minLength && v.maxLength && v.minLength.value > v.maxLength.value) {
    reporter.report('VALIDATION_RANGE', v.minLength.loc, { low: `min_length ${v.minLength.value}`, high: `max_length ${v.maxLength.value}` });
  }
  if (v.minLength && v.minLength.value < 0) reporter.report('WRONG_TYPE', v.minLength.loc, { field: 'min_length', expected: 'zero or more', actual: String(v.minLength.value) });
  if (v.pattern) {
    const issue = checkRegex(v.pattern.value);
    if (issue) reporter.report(issue.code, spanLoc(v.pattern, issue.span), { detail: issue.message });
  }
  if (input.maxAttempts && input.maxAttempts.value < 1) {
    reporter.report('WRONG_TYPE', input.maxAttempts.loc, { field: 'max_attempts', expected: 'a whole number of at least 1', actual: String(input.maxAttempts.value) });
  }
  const onFail = input.onFail && ref(input.onFail);
  if (input.onFail && !input.maxAttempts && !step.incomplete) reporter.report('ON_FAIL_WITHOUT_MAX_ATTEMPTS', input.onFail.loc);
  if (input.maxAttempts && !input.onFail && !step.incomplete) reporter.report('MAX_ATTEMPTS_WITHOUT_ON_FAIL', input.maxAttempts.loc);
  const errorMessage = input.errorMessage && parsedTemplate(parser, input.errorMessage);
  if ((!type && !media) || !input.variable) return undefined;
  return {
    loc: input.loc,
    type: media ? 'media' : type!,
    ...(media ? { media } : {}),
    variable: input.variable.value,
    variableLoc: input.variable.loc,
    validation,
    errorMessage,
    maxAttempts: input.maxAttempts?.value,
    onFail,
    sensitive: input.sensitive?.value ?? false,
  };
}

function checkRoute(
  parser: StringParser,
  step: StepAst,
  ref: (t: Located<string>) => { target: string; loc: Loc } | undefined,
): CheckedRoute {
  const next = step.next;
  if (!next) return { kind: 'end' };
  if (next.kind === 'goto') {
    const target = ref(next.target);
    return target ? { kind: 'goto', target: target.target, loc: target.loc } : { kind: 'end' };
  }
  const branches: CheckedBranch[] = next.conditions.map((c) => ({
    loc: c.loc,
    when: c.if && parsedOrUndefined(parser.expr(c.if), c.if),
    target: c.then && ref(c.then),
  }));
  return { kind: 'branch', loc: next.loc, branches, else: next.else && ref(next.else) };
}
