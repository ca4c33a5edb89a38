import type { Loc } from '../diagnostics/types.js';
import type { CallAst, CallBodyAst, InputAst, MediaAst, NextAst, ScenarioAst, StepAst } from '../scenario/ast.js';
import type { ScnComments } from './comments.js';

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const PLAIN_COMMAND = /^\/[^\s#"]*$/;

const quote = (s: string): string => JSON.stringify(s);
export const scnName = (s: string): string => (PLAIN_NAME.test(s) ? s : quote(s));
const scnCommand = (s: string): string => (PLAIN_COMMAND.test(s) ? s : quote(s));
const PLAIN_DURATION = /^[0-9]+[A-Za-z]+$/;
const scnDuration = (s: string): string => (PLAIN_DURATION.test(s) ? s : quote(s));
const PLAIN_SIZE = /^[0-9]+(?:\.[0-9]+)?[A-Za-z]+$/;
const scnSize = (v: number | string): string => (typeof v === 'number' ? scnNumber(v) : PLAIN_SIZE.test(v) ? v : quote(v));
export const scnNumber = (n: number): string => (Object.is(n, -0) ? '-0' : String(n));

/**
 * An expression on one line, as written. A line break outside quotes becomes a space, and one inside a quoted
 * literal becomes the `\n` escape: both mean the same to the expression parser.
 */
export function scnExpression(expr: string): string {
  let out = '';
  let quoteChar = '';
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i]!;
    const lineBreak = ch === '\n' || ch === '\r';
    if (quoteChar) {
      if (ch === '\\' && i + 1 < expr.length) {
        const next = expr[++i]!;
        // A backslash before a line break stands for itself (no such escape), so it becomes `\\` before the break's escape.
        out += next === '\n' ? '\\\\\\n' : next === '\r' ? '\\\\\\r' : ch + next;
        continue;
      }
      if (ch === quoteChar) quoteChar = '';
      out += lineBreak ? (ch === '\n' ? '\\n' : '\\r') : ch;
    } else {
      if (ch === '"' || ch === "'") quoteChar = ch;
      out += lineBreak ? ' ' : ch;
    }
  }
  return out.trim();
}

/** Prints a scenario in the canonical .scn layout; with `comments`, every comment of the source is kept. */
export function printScn(ast: ScenarioAst, comments?: ScnComments): string {
  const out: string[] = [];
  const line = (indent: string, text: string, at: Loc | undefined): void => {
    const c = comments?.take(at);
    for (const l of c?.leading ?? []) out.push(indent + l);
    out.push(c?.trailing ? `${indent}${text} ${c.trailing}` : indent + text);
  };

  if (ast.name || ast.version) {
    const version = ast.version ? ` version ${quote(ast.version.value)}` : '';
    line('', `scenario ${quote(ast.name?.value ?? '')}${version}`, ast.name?.loc ?? ast.version?.loc);
  }
  if (ast.description) line('', `description ${quote(ast.description.value)}`, ast.description.loc);
  if (ast.startStep) line('', `start ${scnName(ast.startStep.value)}`, ast.startStep.loc);
  for (const c of ast.commands) line('', `command ${scnCommand(c.command.value)} go ${scnName(c.target.value)}`, c.command.loc);
  // `on_expire` alone (a warning in JSON) has no .scn form: convert then says the result would not read back.
  if (ast.expireAfter) {
    const go = ast.onExpire ? ` go ${scnName(ast.onExpire.value)}` : '';
    line('', `expire after ${scnDuration(ast.expireAfter.value)}${go}`, ast.expireAfter.loc);
  }
  for (const step of ast.steps) {
    if (out.length > 0) out.push('');
    printStep(step, line);
  }
  const rest = comments?.rest() ?? [];
  if (rest.length > 0 && out.length > 0) out.push('');
  out.push(...rest);
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

type Line = (indent: string, text: string, at: Loc | undefined) => void;

function printStep(step: StepAst, line: Line): void {
  const i = '  ';
  line('', `step ${scnName(step.id.value)}`, step.id.loc);
  if (step.description) line(i, `description ${quote(step.description.value)}`, step.description.loc);
  if (step.type) line(i, `type ${scnName(step.type.value)}`, step.type.loc);
  for (const a of step.set) line(i, `set ${scnName(a.variable.value)} = ${scnExpression(a.expr.value)}`, a.variable.loc);
  if (step.message) line(i, `say ${quote(step.message.value)}`, step.message.loc);
  for (const m of step.media?.items ?? []) line(i, mediaLine(m), m.loc);
  for (const b of step.buttons?.items ?? []) {
    line(i, `button ${quote(b.text?.value ?? '')} = ${scnName(b.value?.value ?? '')}`, b.loc);
  }
  if (step.wait) line(i, `wait ${scnDuration(step.wait.value)}`, step.wait.loc);
  if (step.input) printInput(step.input, line);
  if (step.input) printTimers(step, line);
  if (step.call) printCall(step.call, line);
  if (step.next) printNext(step.next, line);
}

/** A media line: `image "menu.jpg" caption "…"`, `location 52.5 13.4 title "…"`, `contact "+1…" "Ann"`. */
function mediaLine(m: MediaAst): string {
  const kind = m.type.value;
  if (m.source) return `${kind} ${quote(m.source.value)}${m.caption ? ` caption ${quote(m.caption.value)}` : ''}`;
  if (m.location) {
    const l = m.location;
    const title = l.title ? ` title ${quote(l.title.value)}` : '';
    const address = l.address ? ` address ${quote(l.address.value)}` : '';
    return `location ${scnNumber(l.latitude?.value ?? 0)} ${scnNumber(l.longitude?.value ?? 0)}${title}${address}`;
  }
  if (m.contact) {
    const c = m.contact;
    return `contact ${quote(c.phone?.value ?? '')} ${quote(c.firstName?.value ?? '')}${c.lastName ? ` ${quote(c.lastName.value)}` : ''}`;
  }
  return `${kind} ""`;
}

function printCall(call: CallAst, line: Line): void {
  const method = call.method ? `${scnName(call.method.value)} ` : '';
  line('  ', `call ${method}${quote(call.url?.value ?? '')}`, call.loc);
  const i = '    ';
  for (const h of call.headers?.items ?? []) line(i, `header ${scnName(h.name.value)} ${quote(h.value.value)}`, h.name.loc);
  if (call.body) line(i, `body ${quote(bodyText(call.body))}`, call.body.kind === 'text' ? call.body.value.loc : call.body.loc);
  if (call.timeout) line(i, `timeout after ${scnDuration(call.timeout.value)}`, call.timeout.loc);
  if (call.retries) line(i, `retries ${scnNumber(call.retries.value)}`, call.retries.loc);
  for (const s of call.save?.items ?? []) line(i, `save ${scnName(s.path.value)} -> ${scnName(s.variable.value)}`, s.variable.loc);
  if (call.onError) line(i, `on error go ${scnName(call.onError.value)}`, call.onError.loc);
}

/** A call's body as compact JSON text, keys in their order. */
function bodyText(b: CallBodyAst): string {
  switch (b.kind) {
    case 'text':
      return JSON.stringify(b.value.value);
    case 'value':
      return JSON.stringify(b.value);
    case 'list':
      return `[${b.items.map(bodyText).join(', ')}]`;
    case 'object':
      return `{${b.fields.map((f) => `${JSON.stringify(f.key.value)}: ${bodyText(f.value)}`).join(', ')}}`;
  }
}

/** An input step's reminders, then its timeout: in the order they fire. */
function printTimers(step: StepAst, line: Line): void {
  const i = '    ';
  for (const r of step.reminders?.items ?? []) line(i, `remind after ${scnDuration(r.after?.value ?? '')} ${quote(r.message?.value ?? '')}`, r.loc);
  const t = step.timeout;
  if (t) line(i, `timeout after ${scnDuration(t.after?.value ?? '')} go ${scnName(t.next?.value ?? '')}`, t.loc);
}

function printInput(input: InputAst, line: Line): void {
  const type = input.kinds ? input.kinds.items.map((k) => scnName(k.value)).join(', ') : scnName(input.type?.value ?? 'text');
  line('  ', `ask ${type} -> ${scnName(input.variable?.value ?? '')}`, input.loc);
  const i = '    ';
  const v = input.validation;
  if (v?.min) line(i, `min ${scnNumber(v.min.value)}`, v.min.loc);
  if (v?.max) line(i, `max ${scnNumber(v.max.value)}`, v.max.loc);
  if (v?.minLength) line(i, `min_length ${scnNumber(v.minLength.value)}`, v.minLength.loc);
  if (v?.maxLength) line(i, `max_length ${scnNumber(v.maxLength.value)}`, v.maxLength.loc);
  if (v?.pattern) line(i, `pattern ${quote(v.pattern.value)}`, v.pattern.loc);
  if (v?.maxBytes) line(i, `max_bytes ${scnSize(v.maxBytes.value)}`, v.maxBytes.loc);
  if (v?.mime && v.mime.items.length > 0) line(i, `mime ${v.mime.items.map((m) => quote(m.value)).join(' ')}`, v.mime.loc);
  if (v?.minCount) line(i, `min_count ${scnNumber(v.minCount.value)}`, v.minCount.loc);
  if (v?.maxCount) line(i, `max_count ${scnNumber(v.maxCount.value)}`, v.maxCount.loc);
  if (input.errorMessage) line(i, `error ${quote(input.errorMessage.value)}`, input.errorMessage.loc);
  if (input.maxAttempts) line(i, `attempts ${scnNumber(input.maxAttempts.value)}`, input.maxAttempts.loc);
  if (input.onFail) line(i, `on fail go ${scnName(input.onFail.value)}`, input.onFail.loc);
  if (input.sensitive?.value) line(i, 'sensitive', input.sensitive.loc);
}

function printNext(next: NextAst, line: Line): void {
  if (next.kind === 'goto') {
    line('  ', `go ${scnName(next.target.value)}`, next.target.loc);
    return;
  }
  for (const c of next.conditions) {
    line('  ', `when ${scnExpression(c.if?.value ?? '')} go ${scnName(c.then?.value ?? '')}`, c.loc);
  }
  if (next.else) line('  ', `else go ${scnName(next.else.value)}`, next.else.loc);
}
