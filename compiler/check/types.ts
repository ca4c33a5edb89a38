import type { Expr } from '../../grammar/index.js';
import { childrenOf, looseEquals, printExpression } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { IrValueType } from '../ir/types.js';
import type { InputType } from '../scenario/ast.js';
import { BUILTIN_USER_FIELDS, type CheckedInput, type CheckedScenario, type ParsedExpr } from './model.js';
import { mediaValueType } from './media.js';
import type { MediaFieldType } from '../semantics/media.js';
import { spanLoc } from './parse-strings.js';

export interface VarInfo {
  type: IrValueType;
  /** How the first assignment reads, for messages: `a text input of step "ask"`. */
  origin: string;
  /** Whether some assignment may store text that reads as a number ("10"), which `==` equates with 10. */
  numericText: boolean;
  /** The fields of its value when every assignment is a media input (`receipt.size`). */
  fields?: Readonly<Record<string, MediaFieldType>>;
}

/** The type an input stores: a media input's by its kinds and count. */
const inputValueType = (input: CheckedInput): IrValueType => (input.media ? mediaValueType(input.media).type : INPUT_VALUE_TYPE[input.type as InputType]);

const MEDIA_NOUN: Readonly<Record<string, string>> = { file: 'a file', files: 'a list of files', location: 'a location', contact: 'a contact' };

/** Types whose values are media: they compare with nothing but `is set` / `is empty`, and are read by their fields. */
export const MEDIA_VALUE_TYPES: ReadonlySet<IrValueType> = new Set(['file', 'files', 'location', 'contact']);

const INPUT_VALUE_TYPE: Record<InputType, IrValueType> = {
  text: 'string',
  number: 'number',
  integer: 'number',
  email: 'string',
  phone: 'string',
  date: 'string',
  button: 'string',
};

/** Input types whose answers are never numeric text: an address has "@", a date is "2024-05-01". */
const NEVER_NUMERIC: ReadonlySet<InputType> = new Set(['email', 'date']);

const isNumericText = (text: string): boolean => looseEquals(text, Number(text));

/** Whether a stored value may be numeric text; anything but a literal is assumed to be. */
const mayBeNumericText = (e: Expr | undefined): boolean => !(e?.kind === 'literal') || (typeof e.value === 'string' && isNumericText(e.value));

/** "Not known yet" while inference runs; never left in the result. */
const BOTTOM = 'bottom' as IrValueType;

const join = (a: IrValueType | undefined, b: IrValueType): IrValueType => {
  if (a === undefined || a === BOTTOM || a === b) return b;
  return b === BOTTOM ? a : 'unknown';
};

export function exprType(e: Expr, vars: ReadonlyMap<string, VarInfo>): IrValueType {
  switch (e.kind) {
    case 'literal':
      return e.value === null ? 'null' : (typeof e.value as IrValueType);
    case 'ref': {
      const [head, field] = e.path;
      if (head === 'user') return e.path.length === 2 && field && Object.hasOwn(BUILTIN_USER_FIELDS, field) ? BUILTIN_USER_FIELDS[field]! : 'unknown';
      if (e.path.length === 2 && head && field !== undefined) {
        const fields = vars.get(head)?.fields;
        return fields && Object.hasOwn(fields, field) ? fields[field]! : 'unknown';
      }
      return e.path.length === 1 && head ? (vars.get(head)?.type ?? 'unknown') : 'unknown';
    }
    case 'arith': {
      if (e.op !== '+') return 'number';
      const l = exprType(e.left, vars);
      const r = exprType(e.right, vars);
      if (l === 'string' || r === 'string') return 'string';
      // A variable whose type is still being inferred does not spoil `count + 1`.
      const known = [l, r].filter((t) => t !== BOTTOM);
      if (known.length === 0) return BOTTOM;
      return known.every((t) => t === 'number') ? 'number' : 'unknown';
    }
    case 'neg':
      return 'number';
    default:
      return 'boolean';
  }
}

/** The type of each variable: the join of the types of everything assigned to it. */
export function inferVariables(s: CheckedScenario): Map<string, VarInfo> {
  const vars = new Map<string, VarInfo>();
  const numeric = new Set<string>();
  for (const step of s.steps) {
    const input = step.input;
    if (input && !vars.has(input.variable)) {
      const kind = input.media ? input.media.kinds.join(', ') : input.type;
      vars.set(input.variable, { type: inputValueType(input), origin: `the ${kind} input of step "${step.id}"`, numericText: false });
    }
    if (input && !input.media && (input.type === 'button' ? step.buttons.some((b) => isNumericText(b.value)) : !NEVER_NUMERIC.has(input.type as InputType))) numeric.add(input.variable);
    for (const save of step.call?.save ?? []) {
      if (!vars.has(save.variable)) vars.set(save.variable, { type: BOTTOM, origin: `the call of step "${step.id}"`, numericText: false });
      if (save.path[0] !== 'status') numeric.add(save.variable);
    }
    for (const a of step.set) {
      if (!vars.has(a.variable)) vars.set(a.variable, { type: BOTTOM, origin: `"set" in step "${step.id}"`, numericText: false });
      if (mayBeNumericText(a.value?.expr)) numeric.add(a.variable);
    }
  }
  for (const name of numeric) vars.get(name)!.numericText = true;
  // Assignments may read each other: iterate to a fixed point.
  for (let round = 0; round < 8; round++) {
    const next = new Map<string, IrValueType>();
    for (const step of s.steps) {
      if (step.input) next.set(step.input.variable, join(next.get(step.input.variable), inputValueType(step.input)));
      for (const a of step.set) next.set(a.variable, join(next.get(a.variable), a.value ? exprType(a.value.expr, vars) : 'unknown'));
      for (const save of step.call?.save ?? []) next.set(save.variable, join(next.get(save.variable), save.path[0] === 'status' ? 'number' : 'unknown'));
    }
    let changed = false;
    for (const [name, type] of next) {
      const info = vars.get(name);
      if (info && info.type !== type) {
        info.type = type;
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (const info of vars.values()) if (info.type === BOTTOM) info.type = 'unknown';
  addMediaFields(s, vars);
  return vars;
}

/** Fields for variables that only media inputs assign; one assigned anything else too has none. */
function addMediaFields(s: CheckedScenario, vars: Map<string, VarInfo>): void {
  const fields = new Map<string, Record<string, MediaFieldType> | null>();
  const add = (name: string, f: Readonly<Record<string, MediaFieldType>> | null | undefined): void => {
    const had = fields.get(name);
    fields.set(name, f === null || f === undefined || had === null ? null : { ...had, ...f });
  };
  const copies: [string, string][] = [];
  for (const step of s.steps) {
    const input = step.input;
    if (input) add(input.variable, input.media ? mediaValueType(input.media).fields : null);
    for (const a of step.set) {
      // `set copy = receipt` keeps the fields of what it copies.
      const e = a.value?.expr;
      if (e?.kind === 'ref' && e.path.length === 1 && e.path[0] !== 'user') copies.push([a.variable, e.path[0]!]);
      else add(a.variable, null);
    }
    for (const save of step.call?.save ?? []) add(save.variable, null);
  }
  // Copies of copies: a few rounds, then a copy of something without fields has none.
  for (let round = 0; round < 4 && copies.length > 0; round++) for (const [to, from] of copies) if (fields.has(from)) add(to, fields.get(from)!);
  for (const [to, from] of copies) if (!fields.has(from)) add(to, null);
  for (const [name, f] of fields) {
    const info = vars.get(name);
    if (info && f) info.fields = f;
  }
}

/** Reports operations whose operand types cannot work. */
export function checkTypes(reporter: Reporter, parsed: ParsedExpr, vars: ReadonlyMap<string, VarInfo>): void {
  const describe = (e: Expr): string => {
    if (e.kind === 'ref' && e.path.length === 1) {
      const info = vars.get(e.path[0]!);
      const noun = info && MEDIA_VALUE_TYPES.has(info.type) ? MEDIA_NOUN[info.type] : info?.type === 'number' ? 'a number' : 'text';
      return `${e.path[0]} (${noun} from ${info?.origin ?? 'the scenario'})`;
    }
    return printExpression(e);
  };
  const mayBeNumber = (text: Expr): boolean => {
    if (text.kind === 'literal') return typeof text.value === 'string' && isNumericText(text.value);
    if (text.kind === 'ref' && text.path.length === 1) return vars.get(text.path[0]!)?.numericText ?? true;
    return true;
  };
  const mediaMisuse = (side: Expr, what: string): boolean => {
    const type = exprType(side, vars);
    if (!MEDIA_VALUE_TYPES.has(type)) return false;
    const fields = Object.keys(side.kind === 'ref' ? (vars.get(side.path[0]!)?.fields ?? {}) : {});
    const hint = fields.length > 0 ? `compare one of its fields (${fields.map((f) => `${printExpression(side)}.${f}`).join(', ')})` : 'test it with "is set" or "is empty"';
    reporter.report('TYPE_MISMATCH', spanLoc(parsed.src, side.span), { detail: `${describe(side)} cannot be ${what}; ${hint}` });
    return true;
  };
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'compare': {
        const l = exprType(e.left, vars);
        const r = exprType(e.right, vars);
        // A media value compares with null (unset) only: `place > 3` or `receipt == "x"` means a field was meant.
        const other = (side: Expr): boolean => !(side.kind === 'literal' && side.value === null);
        if ((other(e.right) && mediaMisuse(e.left, `compared with "${e.op}"`)) || (other(e.left) && mediaMisuse(e.right, `compared with "${e.op}"`))) break;
        const numStr = (l === 'number' && r === 'string') || (l === 'string' && r === 'number');
        if (numStr && (e.op === '==' || e.op === '!=')) {
          // A number equals numeric text ("10" == 10): only text that is never numeric makes this constant.
          if (!mayBeNumber(l === 'string' ? e.left : e.right)) {
            reporter.report('TYPE_MISMATCH_EQUALITY', spanLoc(parsed.src, e.span), {
              detail: `${describe(e.left)} ${e.op} ${describe(e.right)} compares a number with text that is never a number, so it is ${e.op === '==' ? 'never' : 'always'} true`,
            });
          }
        } else if (numStr) {
          const text = l === 'string' ? e.left : e.right;
          reporter.report('TYPE_MISMATCH', spanLoc(parsed.src, e.span), {
            detail: `${describe(text)} is text, so "${e.op}" with a number is always false; ask with expected_input type "number" or "integer"`,
          });
        }
        break;
      }
      case 'arith': {
        if (mediaMisuse(e.left, `used in "${e.op}"`) || mediaMisuse(e.right, `used in "${e.op}"`)) break;
        if (e.op === '+') break;
        for (const side of [e.left, e.right]) {
          if (exprType(side, vars) === 'string') {
            reporter.report('TYPE_MISMATCH', spanLoc(parsed.src, side.span), {
              detail: `${describe(side)} is text, so "${e.op}" gives null; use a number`,
            });
          }
        }
        break;
      }
      case 'contains':
      case 'matches':
        if (mediaMisuse(e.subject, `tested with "${e.kind}"`)) break;
        if (exprType(e.subject, vars) === 'number') {
          reporter.report('TYPE_MISMATCH', spanLoc(parsed.src, e.subject.span), {
            detail: `${describe(e.subject)} is a number, so "${e.kind}" is always false; it tests text`,
          });
        }
        break;
      default:
        break;
    }
    for (const child of childrenOf(e)) visit(child);
  };
  visit(parsed.expr);
}
