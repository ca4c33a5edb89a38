import { createHash } from 'node:crypto';
import { parseTemplate } from '../../grammar/index.js';
import type { Expr, Template } from '../../grammar/index.js';
import type { CheckedScenario, CheckedStep } from '../check/model.js';
import type { VarInfo } from '../check/types.js';
import type { InputType } from '../scenario/ast.js';
import type { CheckedCall, CheckedCallBody } from '../check/model.js';
import type { CheckedMedia } from '../check/model.js';
import type { MediaInputKind } from '../semantics/media.js';
import type { IrCall, IrCallBody, IrMedia, IrMediaInput, IrRoute, IrScenario, IrStep, IrVariable } from './types.js';

/** What the bot says on invalid input when the scenario gives no error_message: per input type and media kind. */
export const DEFAULT_ERROR_MESSAGES: Readonly<Record<InputType | MediaInputKind, string>> = {
  text: 'Please send a text message.',
  number: 'Please enter a number.',
  integer: 'Please enter a whole number.',
  email: 'Please enter a valid email address.',
  phone: 'Please enter a valid phone number.',
  date: 'Please enter a date as YYYY-MM-DD.',
  button: 'Please choose one of the options.',
  photo: 'Please send a photo.',
  document: 'Please send a file.',
  video: 'Please send a video.',
  audio: 'Please send an audio file.',
  voice: 'Please send a voice message.',
  location: 'Please share a location.',
  contact: 'Please share a contact.',
};

const MEDIA_NOUNS: Readonly<Record<MediaInputKind, string>> = {
  photo: 'a photo',
  document: 'a file',
  video: 'a video',
  audio: 'an audio file',
  voice: 'a voice message',
  location: 'a location',
  contact: 'a contact',
};

/** The default error message of a media input: its kind's, or one that names every kind of a list. */
export function defaultMediaError(media: IrMediaInput): string {
  const [first, ...rest] = media.kinds;
  if (first === undefined) return DEFAULT_ERROR_MESSAGES.document;
  if (media.maxCount > 1 && media.kinds.length === 1 && first !== 'location' && first !== 'contact') {
    return `Please send ${media.minCount === media.maxCount ? media.minCount : `${media.minCount} to ${media.maxCount}`} files (${MEDIA_NOUNS[first]} each).`;
  }
  if (rest.length === 0) return DEFAULT_ERROR_MESSAGES[first];
  const nouns = media.kinds.map((k) => MEDIA_NOUNS[k]);
  return `Please send ${nouns.slice(0, -1).join(', ')} or ${nouns[nouns.length - 1]}.`;
}

/** A step's media as the IR holds it: templates without spans, shipped paths as written. */
function irMedia(m: CheckedMedia): IrMedia | undefined {
  if (m.type === 'location' || m.type === 'contact') {
    const source = m.variable ? { kind: 'var', variable: m.variable.name } : m.card ? { kind: 'fixed', value: { ...m.card } } : undefined;
    return source && ({ type: m.type, source } as IrMedia);
  }
  const source = m.variable
    ? { kind: 'var' as const, variable: m.variable.name }
    : m.url
      ? { kind: 'url' as const, url: stripTemplateSpans(m.url.template) }
      : m.path !== undefined
        ? { kind: 'path' as const, path: m.path }
        : undefined;
  if (!source) return undefined;
  return m.caption ? { type: m.type, source, caption: stripTemplateSpans(m.caption.template) } : { type: m.type, source };
}

const SPAN_KEYS = new Set(['span', 'patternSpan', 'pathSpan']);

/** A deep copy without source spans: the IR is about meaning, not about where it was written. */
export function stripSpans<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const arr = new Array(value.length);
    for (let i = 0; i < value.length; i++) arr[i] = stripSpans(value[i]);
    return arr as T;
  }
  const out: Record<string, unknown> = {};
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined && !SPAN_KEYS.has(k)) out[k] = typeof v === 'object' ? stripSpans(v) : v;
  }
  return out as T;
}

/**
 * `stripSpans` for an expression: the same result (keys in the order the parser writes them, spans left out),
 * without a generic walk over every key.
 */
export function stripExprSpans(e: Expr): Expr {
  switch (e.kind) {
    case 'literal':
      return { kind: e.kind, value: e.value } as unknown as Expr;
    case 'ref':
      return { kind: e.kind, path: e.path.slice() } as unknown as Expr;
    case 'not':
    case 'neg':
      return { kind: e.kind, operand: stripExprSpans(e.operand) } as unknown as Expr;
    case 'and':
    case 'or':
      return { kind: e.kind, left: stripExprSpans(e.left), right: stripExprSpans(e.right) } as unknown as Expr;
    case 'compare':
    case 'arith':
      return { kind: e.kind, op: e.op, left: stripExprSpans(e.left), right: stripExprSpans(e.right) } as unknown as Expr;
    default:
      return stripSpans(e);
  }
}

/** `stripSpans` for a template, without the generic walk: the same keys in the same order. */
export function stripTemplateSpans(t: Template): Template {
  const parts: Template['parts'] = new Array(t.parts.length);
  for (let i = 0; i < parts.length; i++) {
    const p = t.parts[i]!;
    parts[i] =
      p.kind === 'text'
        ? { kind: p.kind, text: p.text }
        : ({ kind: p.kind, path: p.path.slice(), filters: p.filters.map((f) => ({ name: f.name, args: f.args.slice() })) } as Template['parts'][number]);
  }
  return { parts };
}

const defaultTemplates = new Map<string, Template>();

function constantTemplate(text: string): Template {
  let template = defaultTemplates.get(text);
  if (!template) {
    template = parseTemplate(text).template;
    if (!template) throw new Error(`default message does not parse: ${text}`);
    defaultTemplates.set(text, template);
  }
  return template;
}

/** The route of a step, without spans. */
function route(step: CheckedStep): IrRoute {
  const r = step.route;
  if (r.kind === 'goto') return { kind: 'goto', target: r.target };
  if (r.kind === 'end') return { kind: 'end' };
  const branches = r.branches.flatMap((b) => (b.when && b.target ? [{ when: stripExprSpans(b.when.expr), target: b.target.target }] : []));
  return r.else ? { kind: 'branch', branches, else: r.else.target } : { kind: 'branch', branches };
}

/** The IR of a step: what `stripSpans` would make of it, with expressions stripped by the quicker `stripExprSpans`. */
function irStep(step: CheckedStep): IrStep {
  const input = step.input;
  const out: Record<string, unknown> = {
    id: step.id,
    set: step.set.flatMap((a) => (a.value ? [{ variable: a.variable, expr: stripExprSpans(a.value.expr) }] : [])),
  };
  if (step.message) out['message'] = stripTemplateSpans(step.message.template);
  if (step.media) out['media'] = step.media.flatMap((m) => irMedia(m) ?? []);
  out['buttons'] = stripSpans(step.buttons);
  if (input) {
    // The keys `stripSpans` of this object would give, in its order, without walking the template generically.
    const ir: Record<string, unknown> = { type: input.type };
    if (input.media) ir['media'] = { ...input.media, kinds: [...input.media.kinds], ...(input.media.mime ? { mime: [...input.media.mime] } : {}) };
    ir['variable'] = input.variable;
    ir['validation'] = stripSpans(input.validation);
    const fallback = input.media ? defaultMediaError(input.media) : DEFAULT_ERROR_MESSAGES[input.type as InputType];
    ir['errorMessage'] = stripTemplateSpans(input.errorMessage?.template ?? constantTemplate(fallback));
    if (input.maxAttempts !== undefined) ir['maxAttempts'] = input.maxAttempts;
    if (input.onFail !== undefined) ir['onFail'] = input.onFail.target;
    ir['sensitive'] = input.sensitive;
    ir['buttons'] = input.type === 'button' ? stripSpans(step.buttons) : [];
    out['input'] = ir;
  }
  out['route'] = route(step);
  // Keys only for steps with timers: the IR (and machine config) of every other step stays as it was.
  const timers = step.timers;
  if (timers?.timeout?.afterMs !== undefined && timers.timeout.target) out['timeout'] = { afterMs: timers.timeout.afterMs, target: timers.timeout.target.target };
  if (timers && timers.reminders.length > 0) {
    out['reminders'] = timers.reminders.flatMap((r) => (r.afterMs !== undefined && r.message ? [{ afterMs: r.afterMs, message: stripTemplateSpans(r.message.template) }] : []));
  }
  if (timers?.waitMs !== undefined) out['waitMs'] = timers.waitMs;
  if (step.call?.url) out['call'] = irCall(step.call, step.call.url.template);
  return out as unknown as IrStep;
}

function irCall(call: CheckedCall, url: Template): IrCall {
  const out: { -readonly [K in keyof IrCall]: IrCall[K] } = {
    method: call.method,
    url: stripTemplateSpans(url),
    headers: call.headers.map((h) => ({ name: h.name, value: stripTemplateSpans(h.value.template) })),
    timeoutMs: call.timeoutMs,
    retries: call.retries,
    save: call.save.map((s) => ({ variable: s.variable, path: [...s.path] })),
  };
  if (call.body) out.body = irBody(call.body);
  if (call.onError) out.onError = call.onError.target;
  return out;
}

function irBody(body: CheckedCallBody): IrCallBody {
  switch (body.kind) {
    case 'text':
      return { kind: 'text', template: stripTemplateSpans(body.text.template) };
    case 'value':
      return { kind: 'value', value: body.value };
    case 'list':
      return { kind: 'list', items: body.items.map(irBody) };
    case 'object':
      return { kind: 'object', fields: body.fields.map((f) => ({ key: f.key, value: irBody(f.value) })) };
  }
}

/** Changes when the meaning of compiled output changes, so old hashes do not match new machines. */
const IR_FORMAT = 'scenarist-ir-1';

/** The content hash of a scenario version: its source text and the IR format. */
export function contentHash(source: string): string {
  return createHash('sha256').update(IR_FORMAT).update('\0').update(source).digest('hex');
}

/** Builds the IR of a scenario that passed the checks without errors. */
export function buildIr(s: CheckedScenario, vars: ReadonlyMap<string, VarInfo>, source: string): IrScenario {
  const steps: Record<string, IrStep> = {};
  for (const step of s.steps) steps[step.id] = irStep(step);
  const inputsOf = new Map<string, CheckedStep[]>();
  const setAnywhere = new Set<string>();
  for (const step of s.steps) {
    if (step.input) {
      const list = inputsOf.get(step.input.variable);
      if (list) list.push(step);
      else inputsOf.set(step.input.variable, [step]);
    }
    for (const a of step.set) setAnywhere.add(a.variable);
  }
  const variables: Record<string, IrVariable> = {};
  for (const [name, info] of [...vars].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const inputs = inputsOf.get(name) ?? [];
    const buttonOnly = inputs.length > 0 && inputs.every((st) => st.input?.type === 'button') && !setAnywhere.has(name);
    const values = buttonOnly ? [...new Set(inputs.flatMap((st) => st.buttons.map((b) => b.value)))] : undefined;
    const sensitive = inputs.some((st) => st.input?.sensitive === true);
    variables[name] = values ? { name, type: info.type, values, sensitive } : { name, type: info.type, sensitive };
  }
  const ir: IrScenario = {
    name: s.name,
    version: s.version,
    hash: contentHash(source),
    startStep: s.startStep?.id ?? '',
    steps,
    commands: s.commands.map((c) => ({ command: c.command, target: c.target })),
    variables,
  };
  const expire = s.expire;
  if (expire?.afterMs === undefined) return ir;
  return { ...ir, expire: expire.onExpire ? { afterMs: expire.afterMs, onExpire: expire.onExpire.target } : { afterMs: expire.afterMs } };
}
