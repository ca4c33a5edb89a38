import { FILTERS, toText, type Template, type Value } from '../../grammar/index.js';
import type { IrCallBody, IrCallMethod, IrCallSave } from '../../compiler/index.js';
import { mediaText } from './media.js';
import { withVar } from './vars.js';
import type { CallRequest, InboundEvent, VarValue, Vars } from './types.js';

type Lookup = (path: readonly string[]) => unknown;

/** The params of a `call` action: the step's call with its templates not yet rendered. */
export interface CallParams {
  readonly step: string;
  readonly method: IrCallMethod;
  readonly url: Template;
  readonly headers: readonly { readonly name: string; readonly value: Template }[];
  readonly body?: IrCallBody;
  readonly timeoutMs: number;
  readonly retries: number;
}

/** A value part's value, its filters applied. */
function partValue(part: Extract<Template['parts'][number], { kind: 'value' }>, lookup: Lookup): unknown {
  let value = lookup(part.path);
  for (const filter of part.filters) {
    const def = FILTERS.get(filter.name);
    if (def) value = def.apply(value, filter.args);
  }
  return value;
}

/**
 * Renders a template, each value's text passed through `encode`. A `{{secret.NAME}}` is kept as written when
 * `keepSecrets` (header values): the runtime fills it in as it sends, so the value is never in a stored effect.
 */
function render(t: Template, lookup: Lookup, encode: (text: string) => string, keepSecrets = false): string {
  let out = '';
  for (const part of t.parts) {
    if (part.kind === 'text') out += part.text;
    else if (keepSecrets && part.path[0] === 'secret') out += `{{${part.path.join('.')}}}`;
    else out += encode(toText(mediaText(partValue(part, lookup))));
  }
  return out;
}

const same = (text: string): string => text;

/** A body leaf that is one `{{value}}` alone keeps the value's JSON type; other text leaves are rendered text. */
function renderBody(body: IrCallBody, lookup: Lookup): unknown {
  switch (body.kind) {
    case 'text': {
      const [only] = body.template.parts;
      if (body.template.parts.length === 1 && only?.kind === 'value') return partValue(only, lookup) ?? null;
      return render(body.template, lookup, same);
    }
    case 'value':
      return body.value;
    case 'list':
      return body.items.map((item) => renderBody(item, lookup));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const f of body.fields) Object.defineProperty(out, f.key, { value: renderBody(f.value, lookup), enumerable: true, writable: true, configurable: true });
      return out;
    }
  }
}

/** A URL template rendered, its values percent-encoded. */
export const renderUrl = (url: Template, lookup: Lookup): string => render(url, lookup, encodeURIComponent);

/** The request a call step asks for: variables percent-encoded in the URL, secrets left as placeholders. */
export function renderRequest(p: CallParams, lookup: Lookup): CallRequest {
  const headers: Record<string, string> = {};
  for (const h of p.headers) headers[h.name] = render(h.value, lookup, same, true);
  const request = { method: p.method, url: render(p.url, lookup, encodeURIComponent), headers, timeoutMs: p.timeoutMs, retries: p.retries };
  return p.body === undefined ? request : { ...request, body: renderBody(p.body, lookup) };
}

/** The value at a dotted path of a JSON body (list items by index); null where the path leads nowhere. */
function at(body: unknown, keys: readonly string[]): Value {
  let cur = body;
  for (const key of keys) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return null;
    cur = (cur as Record<string, unknown>)[key];
  }
  if (cur === undefined || cur === null) return null;
  // Variables hold plain values: an object or a list is kept as its JSON text.
  return typeof cur === 'object' ? JSON.stringify(cur) : (cur as Value);
}

/**
 * The variables with what a `call.result` saves: every field after a 2xx; after a failure only those read from
 * the status, when there is one.
 */
export function savedVars(vars: Vars, save: readonly IrCallSave[], event: InboundEvent): Vars {
  if (event.type !== 'call.result') return vars;
  let out = vars;
  for (const s of save) {
    const [source, ...keys] = s.path;
    if (source === 'status') {
      if (event.status !== undefined) out = withVar<VarValue>(out, s.variable, event.status);
    } else if (event.ok) out = withVar<VarValue>(out, s.variable, at(event.body, keys));
  }
  return out;
}

/** Why a call failed, for the CALL_FAILED error. */
export function callFailure(event: InboundEvent): string {
  if (event.type !== 'call.result' || event.ok) return 'The call gave no result.';
  return event.status === undefined ? `The call failed (${event.error}).` : `The call failed (${event.error}, status ${event.status}).`;
}
