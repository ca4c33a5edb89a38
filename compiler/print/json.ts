import type { CallAst, CallBodyAst, InputAst, MediaAst, NextAst, ScenarioAst, StepAst } from '../scenario/ast.js';

type Json = string | number | boolean | null | Json[] | Entries | { [key: string]: Json | undefined };

/** An object whose keys keep their order: a JS object would put keys such as "1" first, and the order of steps, commands and assignments counts. */
class Entries {
  constructor(readonly entries: readonly (readonly [string, Json])[]) {}
}

/**
 * Prints a scenario as JSON in the field order of the format reference. Fields the AST lacks are left out.
 * `schema` is the `$schema` to write first (the AST does not hold it: it means nothing to a scenario).
 */
export function printJson(ast: ScenarioAst, schema?: string): string {
  const doc = {
    $schema: schema,
    name: ast.name?.value,
    version: ast.version?.value,
    description: ast.description?.value,
    start_step: ast.startStep?.value,
    commands: ast.commands.length > 0 ? new Entries(ast.commands.map((c) => [c.command.value, c.target.value])) : undefined,
    expire_after: ast.expireAfter?.value,
    on_expire: ast.onExpire?.value,
    steps: new Entries(ast.steps.map((s) => [s.id.value, step(s)])),
  };
  return `${stringify(doc, '')}\n`;
}

/** As `JSON.stringify(value, null, 2)`, with `Entries` printed in their order. */
function stringify(value: Json, indent: string): string {
  const inner = `${indent}  `;
  const block = (open: string, items: string[], close: string): string =>
    items.length === 0 ? open + close : `${open}\n${inner}${items.join(`,\n${inner}`)}\n${indent}${close}`;
  if (Array.isArray(value)) return block('[', value.map((v) => stringify(v, inner)), ']');
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = value instanceof Entries ? value.entries : Object.entries(value);
  const fields = entries.filter((e): e is [string, Json] => e[1] !== undefined);
  return block('{', fields.map(([k, v]) => `${JSON.stringify(k)}: ${stringify(v, inner)}`), '}');
}

function step(s: StepAst): Json {
  return {
    type: s.type?.value,
    description: s.description?.value,
    set: s.set.length > 0 ? new Entries(s.set.map((a) => [a.variable.value, a.expr.value])) : undefined,
    message: s.message && { text: s.message.value },
    media: s.media && (s.media.items.length === 1 ? medium(s.media.items[0]!) : s.media.items.map(medium)),
    buttons: s.buttons?.items.map((b) => ({ text: b.text?.value, value: b.value?.value })),
    expected_input: s.input && input(s.input),
    wait: s.wait?.value,
    timeout: s.timeout && { after: s.timeout.after?.value, next: s.timeout.next?.value },
    reminders: s.reminders?.items.map((r) => ({ after: r.after?.value, message: r.message?.value })),
    call: s.call && call(s.call),
    next_step: s.next && next(s.next),
  };
}

/** One media item: its kind as the key, then its caption. */
function medium(m: MediaAst): Json {
  const kind = m.type.value;
  if (m.location) {
    const l = m.location;
    return new Entries([[kind, { latitude: l.latitude?.value, longitude: l.longitude?.value, title: l.title?.value, address: l.address?.value }]]);
  }
  if (m.contact) {
    const c = m.contact;
    return new Entries([[kind, { phone: c.phone?.value, first_name: c.firstName?.value, last_name: c.lastName?.value }]]);
  }
  return new Entries(m.caption ? [[kind, m.source?.value ?? ''], ['caption', m.caption.value]] : [[kind, m.source?.value ?? '']]);
}

function call(c: CallAst): Json {
  return {
    method: c.method?.value,
    url: c.url?.value,
    headers: c.headers && new Entries(c.headers.items.map((h) => [h.name.value, h.value.value])),
    body: c.body && body(c.body),
    timeout: c.timeout?.value,
    retries: c.retries?.value,
    save: c.save && new Entries(c.save.items.map((s) => [s.variable.value, s.path.value])),
    on_error: c.onError?.value,
  };
}

function body(b: CallBodyAst): Json {
  switch (b.kind) {
    case 'text':
      return b.value.value;
    case 'value':
      return b.value;
    case 'list':
      return b.items.map(body);
    case 'object':
      return new Entries(b.fields.map((f) => [f.key.value, body(f.value)]));
  }
}

function input(i: InputAst): Json {
  const v = i.validation;
  const validation = v && {
    min: v.min?.value,
    max: v.max?.value,
    min_length: v.minLength?.value,
    max_length: v.maxLength?.value,
    pattern: v.pattern?.value,
    max_bytes: v.maxBytes?.value,
    mime: v.mime?.items.map((m) => m.value),
    min_count: v.minCount?.value,
    max_count: v.maxCount?.value,
  };
  return {
    type: i.kinds ? i.kinds.items.map((k) => k.value) : i.type?.value,
    variable: i.variable?.value,
    validation,
    error_message: i.errorMessage?.value,
    max_attempts: i.maxAttempts?.value,
    on_fail: i.onFail?.value,
    sensitive: i.sensitive?.value,
  };
}

function next(n: NextAst): Json {
  if (n.kind === 'goto') return n.target.value;
  return {
    type: 'conditional',
    conditions: n.conditions.map((c) => ({ if: c.if?.value, then: c.then?.value })),
    else: n.else?.value,
  };
}
