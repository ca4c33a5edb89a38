import type { Reporter } from '../diagnostics/reporter.js';
import type {
  AssignmentAst,
  ButtonAst,
  CallAst,
  CallBodyAst,
  CommandAst,
  ConditionAst,
  InputAst,
  NextAst,
  ScenarioAst,
  ReminderAst,
  StepAst,
  TimeoutAst,
  ValidationAst,
} from '../scenario/ast.js';
import { jsonTypeName, locOf, parseJsonTree, type JsonNode, type JsonType } from './json-tree.js';
import { ObjectReader } from './object-reader.js';
import { sourceString } from './source-string.js';
import { readInputType, readJsonMedia, readMediaValidation } from './read-json-media.js';

const ROOT_FIELDS = ['$schema', 'name', 'version', 'description', 'start_step', 'commands', 'expire_after', 'on_expire', 'steps'];
const STEP_FIELDS = ['type', 'description', 'set', 'message', 'media', 'buttons', 'expected_input', 'wait', 'timeout', 'reminders', 'call', 'next_step'];
const CALL_FIELDS = ['method', 'url', 'headers', 'body', 'timeout', 'retries', 'save', 'on_error'];
const INPUT_FIELDS = ['type', 'variable', 'validation', 'error_message', 'max_attempts', 'on_fail', 'sensitive'];
const VALIDATION_FIELDS = ['min', 'max', 'min_length', 'max_length', 'pattern', 'max_bytes', 'mime', 'min_count', 'max_count'];

/** Reads a JSON scenario into the source-level AST, reporting every structural mistake. */
export function readJsonScenario(text: string, reporter: Reporter): ScenarioAst | undefined {
  const root = parseJsonTree(text, reporter);
  if (!root) return undefined;
  if (root.type !== 'object') {
    reporter.report('WRONG_TYPE', locOf(root), { field: 'scenario', expected: 'an object', actual: jsonTypeName(root) });
    return undefined;
  }
  const ctx = new Ctx(reporter, text);
  const obj = ctx.obj(root, 'the scenario');
  const name = obj.string('name');
  const version = obj.string('version');
  const startStep = obj.string('start_step');
  const description = obj.string('description');
  const commands = ctx.commands(obj.object('commands'));
  const expireAfter = obj.string('expire_after');
  const onExpire = obj.string('on_expire');
  const stepsNode = obj.object('steps');
  const steps = stepsNode ? ctx.obj(stepsNode, '"steps"').entries().flatMap((e) => ctx.step(e.key, e.value)) : [];
  for (const field of ['name', 'version', 'steps'] as const) {
    if (!obj.has(field)) reporter.report('MISSING_FIELD', { offset: root.offset, length: 1 }, { field, where: 'the scenario' });
  }
  obj.finish(ROOT_FIELDS);
  const ast: ScenarioAst = { loc: locOf(root), name, version, description, startStep, commands, steps, stepsLoc: stepsNode && locOf(stepsNode) };
  // Absent fields stay absent, so scenarios without timers read as they always did.
  return expireAfter || onExpire ? { ...ast, expireAfter, onExpire } : ast;
}

class Ctx {
  constructor(
    private readonly reporter: Reporter,
    private readonly text: string,
  ) {}

  obj(node: JsonNode, where: string): ObjectReader {
    return new ObjectReader(node, where, this.reporter, this.text);
  }

  private expectType(node: JsonNode, type: JsonType, field: string, expected: string): boolean {
    if (node.type === type) return true;
    this.reporter.report('WRONG_TYPE', locOf(node), { field, expected, actual: jsonTypeName(node) });
    return false;
  }

  commands(node: JsonNode | undefined): CommandAst[] {
    if (!node) return [];
    const out: CommandAst[] = [];
    for (const { key, value } of this.obj(node, '"commands"').entries()) {
      if (!this.expectType(value, 'string', key.value, 'a step id')) continue;
      out.push({ command: key, target: { value: String(value.value), loc: locOf(value) } });
    }
    return out;
  }

  step(id: { value: string; loc: { offset: number; length: number } }, node: JsonNode): StepAst[] {
    if (!this.expectType(node, 'object', `step ${id.value}`, 'an object')) return [];
    const where = `step "${id.value}"`;
    const o = this.obj(node, where);
    const message = o.object('message');
    let text;
    if (message) {
      const m = this.obj(message, `the message of ${where}`);
      text = m.string('text');
      if (!m.has('text')) this.reporter.report('MISSING_FIELD', locOf(message), { field: 'text', where: `the message of ${where}` });
      m.finish(['text']);
    }
    const media = readJsonMedia(o.raw('media'), where, this.reporter, this.text);
    const step: StepAst = {
      id,
      loc: locOf(node),
      type: o.string('type'),
      description: o.string('description'),
      set: this.assignments(o.object('set')),
      message: text,
      ...(media ? { media } : {}),
      buttons: this.buttons(o.array('buttons')),
      input: this.input(o.object('expected_input'), where),
      next: this.next(o.raw('next_step'), where),
    };
    const timers = { wait: o.string('wait'), timeout: this.timeout(o.object('timeout'), where), reminders: this.reminders(o.array('reminders'), where) };
    const call = this.call(o.object('call'), where);
    o.finish(STEP_FIELDS);
    const withTimers = timers.wait || timers.timeout || timers.reminders ? { ...step, ...withoutUndefined(timers) } : step;
    return [call ? { ...withTimers, call } : withTimers];
  }

  private call(node: JsonNode | undefined, where: string): CallAst | undefined {
    if (!node) return undefined;
    const within = `the call of ${where}`;
    const o = this.obj(node, within);
    const headersNode = o.object('headers');
    const saveNode = o.object('save');
    const bodyNode = o.raw('body');
    const call: CallAst = {
      loc: locOf(node),
      method: o.string('method'),
      url: o.string('url'),
      headers: headersNode && {
        loc: locOf(headersNode),
        items: this.obj(headersNode, `the headers of ${within}`)
          .entries()
          .flatMap(({ key, value }) => (this.expectType(value, 'string', key.value, 'a string') ? [{ name: key, value: sourceString(value, this.text) }] : [])),
      },
      body: bodyNode && this.body(bodyNode),
      timeout: o.string('timeout'),
      retries: o.number('retries', true),
      save: saveNode && {
        loc: locOf(saveNode),
        items: this.obj(saveNode, `the save of ${within}`)
          .entries()
          .flatMap(({ key, value }) =>
            this.expectType(value, 'string', key.value, '"status" or a path like "body.order.status"') ? [{ variable: key, path: { value: String(value.value), loc: locOf(value) } }] : [],
          ),
      },
      onError: o.string('on_error'),
    };
    if (!o.has('url')) this.reporter.report('MISSING_FIELD', locOf(node), { field: 'url', where: within });
    o.finish(CALL_FIELDS);
    return call;
  }

  private body(node: JsonNode): CallBodyAst {
    switch (node.type) {
      case 'string':
        return { kind: 'text', value: sourceString(node, this.text) };
      case 'array':
        return { kind: 'list', loc: locOf(node), items: (node.children ?? []).map((c) => this.body(c)) };
      case 'object':
        return {
          kind: 'object',
          loc: locOf(node),
          fields: this.obj(node, 'the body of a call')
            .entries()
            .map(({ key, value }) => ({ key, value: this.body(value) })),
        };
      default:
        return { kind: 'value', loc: locOf(node), value: node.value as number | boolean | null };
    }
  }

  private timeout(node: JsonNode | undefined, where: string): TimeoutAst | undefined {
    if (!node) return undefined;
    const o = this.obj(node, `the timeout of ${where}`);
    const timeout = { loc: locOf(node), after: o.string('after'), next: o.string('next') };
    for (const field of ['after', 'next']) {
      if (!o.has(field)) this.reporter.report('MISSING_FIELD', locOf(node), { field, where: `the timeout of ${where}` });
    }
    o.finish(['after', 'next']);
    return timeout;
  }

  private reminders(node: JsonNode | undefined, where: string): StepAst['reminders'] {
    if (!node) return undefined;
    const items: ReminderAst[] = [];
    for (const child of node.children ?? []) {
      if (!this.expectType(child, 'object', 'reminder', 'an object with "after" and "message"')) continue;
      const r = this.obj(child, `a reminder of ${where}`);
      items.push({ loc: locOf(child), after: r.string('after'), message: r.string('message') });
      for (const field of ['after', 'message']) {
        if (!r.has(field)) this.reporter.report('MISSING_FIELD', locOf(child), { field, where: `a reminder of ${where}` });
      }
      r.finish(['after', 'message']);
    }
    return { loc: locOf(node), items };
  }

  private assignments(node: JsonNode | undefined): AssignmentAst[] {
    if (!node) return [];
    const out: AssignmentAst[] = [];
    for (const { key, value } of this.obj(node, '"set"').entries()) {
      if (value.type === 'number' || value.type === 'boolean') {
        // A JSON literal is accepted as the expression it spells.
        out.push({ variable: key, expr: { value: JSON.stringify(value.value), loc: locOf(value), at: (i) => value.offset + i } });
        continue;
      }
      if (!this.expectType(value, 'string', key.value, 'an expression string')) continue;
      out.push({ variable: key, expr: sourceString(value, this.text) });
    }
    return out;
  }

  private buttons(node: JsonNode | undefined): StepAst['buttons'] {
    if (!node) return undefined;
    const items: ButtonAst[] = [];
    for (const child of node.children ?? []) {
      if (!this.expectType(child, 'object', 'button', 'an object with "text" and "value"')) continue;
      const b = this.obj(child, 'a button');
      const item = { loc: locOf(child), text: b.string('text'), value: b.string('value') };
      for (const field of ['text', 'value']) {
        if (!b.has(field)) this.reporter.report('MISSING_FIELD', locOf(child), { field, where: 'a button' });
      }
      b.finish(['text', 'value']);
      items.push(item);
    }
    return { loc: locOf(node), items };
  }

  private input(node: JsonNode | undefined, where: string): InputAst | undefined {
    if (!node) return undefined;
    const o = this.obj(node, `expected_input of ${where}`);
    const v = o.object('validation');
    let validation: ValidationAst | undefined;
    if (v) {
      const vo = this.obj(v, 'validation');
      validation = {
        min: vo.number('min'),
        max: vo.number('max'),
        minLength: vo.number('min_length', true),
        maxLength: vo.number('max_length', true),
        pattern: vo.string('pattern'),
        ...readMediaValidation(vo, this.reporter, this.text),
      };
      vo.finish(VALIDATION_FIELDS);
    }
    const { type, kinds } = readInputType(o.raw('type'), this.reporter);
    const input: InputAst = {
      loc: locOf(node),
      type,
      ...(kinds ? { kinds } : {}),
      variable: o.string('variable'),
      validation,
      errorMessage: o.string('error_message'),
      maxAttempts: o.number('max_attempts', true),
      onFail: o.string('on_fail'),
      sensitive: o.boolean('sensitive'),
    };
    for (const field of ['type', 'variable']) {
      if (!o.has(field)) this.reporter.report('MISSING_FIELD', locOf(node), { field, where: `expected_input of ${where}` });
    }
    o.finish(INPUT_FIELDS);
    return input;
  }

  private next(node: JsonNode | undefined, where: string): NextAst | undefined {
    if (!node) return undefined;
    if (node.type === 'string') return { kind: 'goto', target: { value: String(node.value), loc: locOf(node) } };
    if (!this.expectType(node, 'object', 'next_step', 'a step id or {"type": "conditional", ...}')) return undefined;
    const o = this.obj(node, `next_step of ${where}`);
    const type = o.string('type');
    if (!type) this.reporter.report('MISSING_FIELD', locOf(node), { field: 'type', where: `next_step of ${where}` });
    else if (type.value !== 'conditional') {
      this.reporter.report('INVALID_VALUE', type.loc, { field: 'next_step type', value: JSON.stringify(type.value), allowed: '"conditional"' });
    }
    const list = o.array('conditions');
    if (!o.has('conditions')) this.reporter.report('MISSING_FIELD', locOf(node), { field: 'conditions', where: `next_step of ${where}` });
    const conditions: ConditionAst[] = [];
    for (const child of list?.children ?? []) {
      if (!this.expectType(child, 'object', 'condition', 'an object with "if" and "then"')) continue;
      const c = this.obj(child, 'a condition');
      conditions.push({ loc: locOf(child), if: c.string('if'), then: c.string('then') });
      for (const field of ['if', 'then']) {
        if (!c.has(field)) this.reporter.report('MISSING_FIELD', locOf(child), { field, where: 'a condition' });
      }
      c.finish(['if', 'then']);
    }
    if (list && conditions.length === 0 && (list.children ?? []).length === 0) {
      this.reporter.report('MISSING_FIELD', locOf(list), { field: 'if', where: 'conditions (the list is empty)' });
    }
    const elseStep = o.string('else');
    o.finish(['type', 'conditions', 'else']);
    return { kind: 'conditional', loc: locOf(node), conditions, else: elseStep };
  }
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
