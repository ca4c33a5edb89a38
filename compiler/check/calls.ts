import { parseDuration, templateRefs, type Template } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { Loc } from '../diagnostics/types.js';
import type { CallBodyAst, Located, SourceString, StepAst } from '../scenario/ast.js';
import {
  CALL_DEFAULT_TIMEOUT_MS,
  CALL_MAX_RETRIES,
  CALL_MAX_TIMEOUT_MS,
  CALL_METHODS,
  IDEMPOTENT_METHODS,
  IDENTIFIER,
  type CallMethod,
  type CheckedCall,
  type CheckedCallBody,
  type CheckedSave,
  type CheckedTemplate,
} from './model.js';
import { spanLoc } from './parse-strings.js';
import { durationMs } from './timers.js';

type Ref = (target: Located<string>) => { target: string; loc: Loc } | undefined;
type ParseTemplate = (src: SourceString) => CheckedTemplate | undefined;

/** `status`, `body`, or a dotted path into the body: `body.items.0.name`. */
const SAVE_PATH = /^(?:status|body(?:\.[^.\s]+)*)$/;

/** Whether a template reads a secret (`{{secret.NAME}}`): only header values may. */
export const isSecretRef = (path: readonly string[]): boolean => path[0] === 'secret';

/**
 * The call of a step: method, URL, headers, body, timeout, retries, save and on_error read and checked. A call step
 * waits for its answer, so it cannot also ask for input or wait for a time.
 */
export function checkStepCall(
  reporter: Reporter,
  step: StepAst,
  ref: Ref,
  template: ParseTemplate,
  checkVariable: (name: Located<string>) => void,
): CheckedCall | undefined {
  const call = step.call;
  if (!call) return undefined;
  if (step.input) reporter.report('CALL_WITH_INPUT', call.loc, { field: 'expected_input' });
  if (step.wait) reporter.report('CALL_WITH_INPUT', step.wait.loc, { field: 'wait' });
  let method: CallMethod = 'GET';
  if (call.method) {
    const m = call.method.value;
    if ((CALL_METHODS as readonly string[]).includes(m)) method = m as CallMethod;
    else reporter.report('INVALID_VALUE', call.method.loc, { field: 'call method', value: JSON.stringify(m), allowed: CALL_METHODS.map((x) => `"${x}"`).join(', ') });
  }
  const url = call.url && template(call.url);
  if (url && call.url) {
    checkNoSecret(reporter, url);
    if (!isHttpUrl(url.template)) reporter.report('CALL_URL_NOT_HTTP', call.url.loc, { url: call.url.value });
  }
  const headers = (call.headers?.items ?? []).flatMap((h) => {
    const value = template(h.value);
    if (!value) return [];
    for (const r of templateRefs(value.template)) {
      const [, name, ...rest] = r.path;
      if (isSecretRef(r.path) && (name === undefined || rest.length > 0 || !IDENTIFIER.test(name))) {
        reporter.report('SECRET_NAME', spanLoc(value.src, r.span), { name: r.path.slice(1).join('.') });
      }
    }
    return [{ name: h.name.value, value }];
  });
  const body = call.body && checkBody(reporter, call.body, template);
  let timeoutMs = CALL_DEFAULT_TIMEOUT_MS;
  if (call.timeout) {
    const parsed = parseDuration(call.timeout.value);
    if (parsed.ok && parsed.ms > CALL_MAX_TIMEOUT_MS) reporter.report('CALL_TIMEOUT_TOO_LONG', call.timeout.loc, { value: call.timeout.value, limit: '60s' });
    else timeoutMs = durationMs(reporter, 'call.timeout', call.timeout) ?? CALL_DEFAULT_TIMEOUT_MS;
  }
  let retries = 0;
  if (call.retries) {
    const n = call.retries.value;
    if (n < 0 || n > CALL_MAX_RETRIES) reporter.report('CALL_RETRIES_OUT_OF_RANGE', call.retries.loc, { value: n, limit: CALL_MAX_RETRIES });
    else if (n > 0 && !IDEMPOTENT_METHODS.has(method)) reporter.report('CALL_RETRIES_NOT_IDEMPOTENT', call.retries.loc, { method });
    else retries = n;
  }
  const save: CheckedSave[] = [];
  for (const item of call.save?.items ?? []) {
    checkVariable(item.variable);
    if (!SAVE_PATH.test(item.path.value)) {
      reporter.report('CALL_SAVE_PATH', item.path.loc, { path: item.path.value });
      continue;
    }
    save.push({ variable: item.variable.value, varLoc: item.variable.loc, path: item.path.value.split('.') });
  }
  const onError = call.onError && ref(call.onError);
  const out: { -readonly [K in keyof CheckedCall]: CheckedCall[K] } = { loc: call.loc, method, headers, timeoutMs, retries, save };
  if (url) out.url = url;
  if (body) out.body = body;
  if (onError) out.onError = onError;
  return out;
}

/** Secrets stay in call headers: anywhere else they would be sent, logged or shown. */
export function checkNoSecret(reporter: Reporter, t: CheckedTemplate): void {
  for (const r of templateRefs(t.template)) if (isSecretRef(r.path)) reporter.report('SECRET_OUTSIDE_HEADER', spanLoc(t.src, r.span), { name: r.path.join('.') });
}

function checkBody(reporter: Reporter, body: CallBodyAst, template: ParseTemplate): CheckedCallBody | undefined {
  switch (body.kind) {
    case 'text': {
      const text = template(body.value);
      if (!text) return undefined;
      checkNoSecret(reporter, text);
      return { kind: 'text', text };
    }
    case 'value':
      return { kind: 'value', value: body.value };
    case 'list':
      return { kind: 'list', items: body.items.flatMap((i) => checkBody(reporter, i, template) ?? []) };
    case 'object':
      return { kind: 'object', fields: body.fields.flatMap((f) => { const value = checkBody(reporter, f.value, template); return value ? [{ key: f.key.value, value }] : []; }) };
  }
}

/** With each `{{...}}` put aside (read as a plain word), the URL is http or https with a host written out. */
function isHttpUrl(t: Template): boolean {
  const text = t.parts.map((p) => (p.kind === 'text' ? p.text : 'x')).join('');
  const lead = t.parts[0]?.kind === 'text' ? t.parts[0].text : '';
  if (!/^https?:\/\//i.test(lead)) return false;
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
