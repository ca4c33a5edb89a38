import type { ScnStatement, ScnStatementOf, ScnWord } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { AssignmentAst, ButtonAst, CallAst, CallBodyAst, ConditionAst, InputAst, Located, MediaAst, NextAst, SourceString, StepAst, ValidationAst } from '../scenario/ast.js';
import type { JsonNode } from './json-node.js';
import { scanJsonTree } from './json-scan.js';
import { MAX_JSON_DEPTH } from './json-tree.js';
import { loc, type ScnSource } from './scn-source.js';

const OPTIONS = new Set([
  'min', 'max', 'min_length', 'max_length', 'pattern', 'error', 'attempts', 'on_fail', 'sensitive', 'timeout', 'remind',
  'max_bytes', 'mime', 'min_count', 'max_count',
]);
/** A step's media lines: any number, in order. */
const MEDIA = new Set(['image', 'video', 'audio', 'document', 'location', 'contact']);
/** Reminders are the one input option a step may have several of. */
/** The lines under a `call`; `header` and `save` may repeat. */
const CALL_OPTIONS = new Set(['header', 'body', 'call_timeout', 'retries', 'save', 'on_error']);
const ONCE_PER_STEP = new Set([
  'description', 'type', 'say', 'ask', 'go', 'else', 'wait', 'call', 'body', 'call_timeout', 'retries', 'on_error',
  ...[...OPTIONS].filter((o) => o !== 'remind'),
]);
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const WHOLE = new Set(['min_length', 'max_length', 'attempts', 'min_count', 'max_count']);

/** Collects the statements of one `step` block and builds its StepAst. */
export class StepBuilder {
  private readonly first = new Map<string, ScnStatement>();
  private readonly options: ScnStatement[] = [];
  private readonly callOptions: ScnStatement[] = [];
  private readonly set: AssignmentAst[] = [];
  private readonly setLines = new Map<string, number>();
  private readonly buttons: { loc: ButtonAst['loc']; text?: SourceString; value?: SourceString }[] = [];
  private readonly whens: ScnStatementOf<'when'>[] = [];
  private readonly media: MediaAst[] = [];
  private end: number;
  private incomplete = false;

  constructor(
    private readonly header: ScnStatementOf<'step'>,
    private readonly src: ScnSource,
    private readonly reporter: Reporter,
  ) {
    this.end = header.end;
  }

  add(s: ScnStatement): void {
    this.end = Math.max(this.end, s.end);
    if (ONCE_PER_STEP.has(s.kind)) {
      const first = this.first.get(s.kind);
      if (first) {
        const where = `step "${this.header.id!.value}"`;
        this.reporter.report('SCN_DUPLICATE', loc(s.keyword), { statement: keywordsOf(s), where, line: first.line });
        return;
      }
      this.first.set(s.kind, s);
    }
    if (OPTIONS.has(s.kind)) this.options.push(s);
    else if (CALL_OPTIONS.has(s.kind)) this.callOptions.push(s);
    else if (s.kind === 'set' && s.variable && s.expr) this.assign(s, s.variable, s.expr);
    else if (s.kind === 'button') this.buttons.push({ loc: loc(s), text: this.opt(s.text), value: this.opt(s.value) });
    else if (s.kind === 'when') this.whens.push(s);
    else if (MEDIA.has(s.kind) && !s.broken) this.addMedia(s);
  }

  /** One media line; a card written as one string is its "{{variable}}" form. */
  private addMedia(s: ScnStatement): void {
    const type = this.src.located(s.keyword);
    const base = { loc: loc(s), type };
    if (s.kind === 'location') {
      if (s.source) this.media.push({ ...base, source: this.src.str(s.source) });
      else {
        const card = { loc: loc(s), latitude: s.latitude && this.coordinate(s.latitude), longitude: s.longitude && this.coordinate(s.longitude), title: this.opt(s.title), address: this.opt(s.address) };
        this.media.push({ ...base, location: withoutUndefined(card) as NonNullable<MediaAst['location']> });
      }
    } else if (s.kind === 'contact') {
      if (s.phone && !s.firstName) this.media.push({ ...base, source: this.src.str(s.phone) });
      else this.media.push({ ...base, contact: withoutUndefined({ loc: loc(s), phone: this.opt(s.phone), firstName: this.opt(s.firstName), lastName: this.opt(s.lastName) }) as NonNullable<MediaAst['contact']> });
    } else if (s.kind === 'image' || s.kind === 'video' || s.kind === 'audio' || s.kind === 'document') {
      const item: MediaAst = s.source ? { ...base, source: this.src.str(s.source) } : base;
      this.media.push(s.caption ? { ...item, caption: this.src.str(s.caption) } : item);
    }
  }

  private coordinate(w: ScnWord): Located<number> {
    return { value: Number(w.value), loc: loc(w) };
  }

  /** One assignment per variable and step, as in JSON's "set" object, so both forms say the same things. */
  private assign(s: ScnStatement, variable: ScnWord, expr: ScnWord): void {
    const first = this.setLines.get(variable.value);
    if (first !== undefined) {
      const where = `step "${this.header.id!.value}"`;
      this.reporter.report('SCN_DUPLICATE', loc(s.keyword), { statement: `set ${variable.value}`, where, line: first });
      return;
    }
    this.setLines.set(variable.value, s.line);
    this.set.push({ variable: this.src.located(variable), expr: this.src.str(expr) });
  }

  /** A line of this step did not parse: it may have been the `ask`, a `button` or a `set` the step lacks. */
  markIncomplete(): void {
    this.incomplete = true;
  }

  private opt(w: ScnWord | undefined): SourceString | undefined {
    return w && this.src.str(w);
  }

  private get<K extends ScnStatement['kind']>(kind: K): ScnStatementOf<K> | undefined {
    return this.first.get(kind) as ScnStatementOf<K> | undefined;
  }

  build(): StepAst {
    const h = this.header;
    const description = this.get('description')?.text;
    const type = this.get('type')?.type;
    const say = this.get('say')?.text;
    return {
      id: this.src.located(h.id!),
      loc: { offset: h.start, length: this.end - h.start },
      type: type && this.src.located(type),
      description: description && this.src.str(description),
      set: this.set,
      message: say && this.src.str(say),
      ...(this.media.length > 0 ? { media: { loc: span(this.media.map((m) => m.loc)), items: this.media } } : {}),
      buttons: this.buttons.length > 0 ? { loc: span(this.buttons.map((b) => b.loc)), items: this.buttons } : undefined,
      input: this.input(),
      next: this.next(),
      ...this.timers(),
      ...this.call(),
      ...(this.incomplete ? { incomplete: true } : {}),
    };
  }

  /** The step's call, only when it has one, so a step without reads as it always did. */
  private call(): { call?: CallAst } {
    const call = whole(this.get('call'));
    if (!this.get('call')) {
      for (const o of this.incomplete ? [] : this.callOptions) {
        this.reporter.report('SCN_MISPLACED', loc(o.keyword), { statement: keywordsOf(o), fix: 'call options go under the "call" line of their step' });
      }
      return {};
    }
    const of = <K extends ScnStatement['kind']>(kind: K) => this.callOptions.filter((o): o is ScnStatementOf<K> => o.kind === kind && !o.broken);
    const headers = of('header').flatMap((h) => (h.name && h.value ? [{ loc: loc(h), name: this.src.located(h.name), value: this.src.str(h.value) }] : []));
    const saves = of('save').flatMap((s) => (s.path && s.variable ? [{ loc: loc(s), variable: this.src.located(s.variable), path: this.src.located(s.path) }] : []));
    const body = of('body')[0]?.text;
    const timeout = of('call_timeout')[0]?.duration;
    const retries = of('retries')[0]?.value;
    const onError = of('on_error')[0]?.target;
    const out: { -readonly [K in keyof CallAst]: CallAst[K] } = { loc: loc(this.get('call')!) };
    if (call?.method) out.method = this.src.located(call.method);
    if (call?.url) out.url = this.src.str(call.url);
    if (headers.length > 0) out.headers = { loc: span(headers.map((h) => h.loc)), items: headers };
    if (body) {
      const parsed = this.body(this.src.str(body));
      if (parsed) out.body = parsed;
    }
    if (timeout) out.timeout = this.src.located(timeout);
    if (retries) {
      const value = Number(retries.value);
      if (Number.isInteger(value)) out.retries = { value, loc: loc(retries) };
      else this.reporter.report('WRONG_TYPE', loc(retries), { field: 'retries', expected: 'a whole number', actual: retries.value });
    }
    if (saves.length > 0) out.save = { loc: span(saves.map((s) => s.loc)), items: saves };
    if (onError) out.onError = this.src.located(onError);
    return { call: out };
  }

  /** A `body` line holds JSON text; its string leaves are placed inside the line's string (escapes aside). */
  private body(src: SourceString): CallBodyAst | undefined {
    const root = scanJsonTree(src.value, MAX_JSON_DEPTH);
    if (!root) {
      this.reporter.report('JSON_SYNTAX', src.loc, { detail: 'the body of a call is JSON text, e.g. "{\\"id\\": \\"{{order_id}}\\"}"' });
      return undefined;
    }
    const place = (n: JsonNode) => ({ offset: src.at(n.offset), length: Math.max(src.at(n.offset + n.length) - src.at(n.offset), 1) });
    const convert = (n: JsonNode): CallBodyAst => {
      switch (n.type) {
        case 'string': {
          const inner = n.offset + 1;
          return { kind: 'text', value: { value: String(n.value), loc: place(n), at: (i) => src.at(Math.min(inner + i, src.value.length)) } };
        }
        case 'array':
          return { kind: 'list', loc: place(n), items: (n.children ?? []).map(convert) };
        case 'object':
          return {
            kind: 'object',
            loc: place(n),
            fields: (n.children ?? []).flatMap((p) => (p.valueNode ? [{ key: { value: String(p.value), loc: place(p) }, value: convert(p.valueNode) }] : [])),
          };
        default:
          return { kind: 'value', loc: place(n), value: n.value as number | boolean | null };
      }
    };
    return convert(root);
  }

  /** Only the fields the step has, so a step without timers reads as it always did. */
  private timers(): Pick<StepAst, 'wait' | 'timeout' | 'reminders'> {
    const out: { -readonly [K in 'wait' | 'timeout' | 'reminders']?: StepAst[K] } = {};
    // A broken line's parts may be recovery's guesses (`timeout 1h` reads as `1` and a step `h`): only its error counts.
    const wait = whole(this.get('wait'))?.duration;
    if (wait) out.wait = this.src.located(wait);
    // Input options without their `ask` line are reported as misplaced (see input()).
    if (!this.get('ask')) return out;
    const timeout = this.get('timeout');
    if (timeout) {
      const t = whole(timeout);
      out.timeout = { loc: loc(timeout), after: this.opt(t?.duration), next: t?.target && this.src.located(t.target) };
    }
    const reminders = this.options.filter((o): o is ScnStatementOf<'remind'> => o.kind === 'remind');
    if (reminders.length > 0) {
      const items = reminders.map((r) => ({ loc: loc(r), after: this.opt(whole(r)?.duration), message: this.opt(whole(r)?.text) }));
      out.reminders = { loc: span(items.map((r) => r.loc)), items };
    }
    return out;
  }

  private number(kind: string): Located<number> | undefined {
    const s = this.get(kind as 'min');
    const w = s?.value;
    if (!w) return undefined;
    const value = Number(w.value);
    if (WHOLE.has(kind) && !Number.isInteger(value)) {
      const field = kind === 'attempts' ? 'attempts' : kind;
      this.reporter.report('WRONG_TYPE', loc(w), { field, expected: 'a whole number', actual: w.value });
      return undefined;
    }
    return { value, loc: loc(w) };
  }

  private input(): InputAst | undefined {
    const ask = this.get('ask');
    if (!ask) {
      // Options under an `ask` line that did not parse are not misplaced.
      for (const o of this.incomplete ? [] : this.options) {
        this.reporter.report('SCN_MISPLACED', loc(o.keyword), { statement: keywordsOf(o), fix: 'input options go under the "ask" line of their step' });
      }
      return undefined;
    }
    const pattern = this.get('pattern')?.text;
    const validation = {
      min: this.number('min'),
      max: this.number('max'),
      minLength: this.number('min_length'),
      maxLength: this.number('max_length'),
      pattern: pattern && this.src.str(pattern),
    };
    const bytes = this.get('max_bytes')?.value;
    const mime = whole(this.get('mime'));
    const media: Partial<ValidationAst> = withoutUndefined({
      // A size word (`5MB`) stays text, a number of bytes a number, as in JSON.
      maxBytes: bytes && { value: bytes.quoted || !JSON_NUMBER.test(bytes.value) ? bytes.value : Number(bytes.value), loc: loc(bytes) },
      mime: mime && mime.types.length > 0 ? { loc: span(mime.types.map(loc)), items: mime.types.map((t) => this.src.str(t)) } : undefined,
      minCount: this.number('min_count'),
      maxCount: this.number('max_count'),
    });
    Object.assign(validation, media);
    const hasValidation = Object.values(validation).some((v) => v !== undefined);
    const error = this.get('error')?.text;
    const onFail = this.get('on_fail')?.target;
    const sensitive = this.get('sensitive');
    const types = ask.types;
    return {
      loc: loc(ask),
      type: ask.type && this.src.located(ask.type),
      ...(types ? { kinds: { loc: span(types.map(loc)), items: types.map((t) => this.src.located(t)) } } : {}),
      variable: ask.variable && this.src.located(ask.variable),
      validation: hasValidation ? validation : undefined,
      errorMessage: error && this.src.str(error),
      maxAttempts: this.number('attempts'),
      onFail: onFail && this.src.located(onFail),
      sensitive: sensitive && { value: true, loc: loc(sensitive.keyword) },
    };
  }

  private next(): NextAst | undefined {
    const go = this.get('go');
    const otherwise = this.get('else');
    if (go && (this.whens.length > 0 || otherwise)) {
      this.reporter.report('SCN_ROUTE_CONFLICT', loc(go.keyword));
    }
    if (go) return go.target && { kind: 'goto', target: this.src.located(go.target) };
    if (this.whens.length === 0 && !otherwise) return undefined;
    if (this.whens.length === 0) this.reporter.report('SCN_ELSE_WITHOUT_WHEN', loc(otherwise!.keyword));
    const conditions: ConditionAst[] = this.whens.map((w) => ({
      loc: loc(w),
      if: w.condition && this.src.str(w.condition),
      then: w.target && this.src.located(w.target),
    }));
    const all = [...this.whens, ...(otherwise ? [otherwise] : [])];
    return {
      kind: 'conditional',
      loc: span(all.map(loc)),
      conditions,
      else: otherwise?.target && this.src.located(otherwise.target),
    };
  }
}

const whole = <S extends ScnStatement>(s: S | undefined): S | undefined => (s?.broken ? undefined : s);

const keywordsOf = (s: ScnStatement): string => (s.kind === 'on_fail' ? 'on fail' : s.kind === 'on_error' ? 'on error' : s.keyword.value);

function span(locs: readonly { offset: number; length: number }[]): { offset: number; length: number } {
  const start = Math.min(...locs.map((l) => l.offset));
  const end = Math.max(...locs.map((l) => l.offset + l.length));
  return { offset: start, length: end - start };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
