import type { Expr } from '../../grammar/index.js';
import { childrenOf, printExpression } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { IrValueType } from '../ir/types.js';
import type { InputType } from '../scenario/ast.js';
import { BUILTIN_USER_FIELDS, type CheckedScenario, type ParsedExpr } from './model.js';
import { spanLoc } from './parse-strings.js';

export interface VarInfo {
  type: IrValueType;
  /** How the first assignment reads, for messages: `a text input of step "ask"`. */
  origin: string;
}

const INPUT_VALUE_TYPE: Record<InputType, IrValueType> = {
  text: 'string',
  number: 'number',
  integer: 'number',
  email: 'string',
  phone: 'string',
  date: 'string',
  button: 'string',
};

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
  for (const step of s.steps) {
    if (step.input && !vars.has(step.input.variable)) {
      vars.set(step.input.variable, { type: INPUT_VALUE_TYPE[step.input.type], origin: `the ${step.input.type} input of step "${step.id}"` });
    }
    for (const a of step.set) if (!vars.has(a.variable)) vars.set(a.variable, { type: BOTTOM, origin: `"set" in step "${step.id}"` });
  }
  // Assignments may read each other: iterate to a fixed point.
  for (let round = 0; round < 8; round++) {
    const next = new Map<string, IrValueType>();
    for (const step of s.steps) {
      if (step.input) next.set(step.input.variable, join(next.get(step.input.variable), INPUT_VALUE_TYPE[step.input.type]));
      for (const a of step.set) next.set(a.variable, join(next.get(a.variable), a.value ? exprType(a.value.expr, vars) : 'unknown'));
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
  return vars;
}

/** Reports operations whose operand types cannot work. */
export function checkTypes(reporter: Reporter, parsed: ParsedExpr, vars: ReadonlyMap<string, VarInfo>): void {
  const describe = (e: Expr): string => {
    if (e.kind === 'ref' && e.path.length === 1) {
      const info = vars.get(e.path[0]!);
      return `${e.path[0]} (${info?.type === 'number' ? 'a number' : 'text'} from ${info?.origin ?? 'the scenario'})`;
    }
    return printExpression(e);
  };
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'compare': {
        const l = exprType(e.left, vars);
        const r = exprType(e.right, vars);
        const numStr = (l === 'number' && r === 'string') || (l === 'string' && r === 'number');
        if (numStr && (e.op === '==' || e.op === '!=')) {
          const str = l === 'string' ? e.left : e.right;
          if (!(str.kind === 'literal' && typeof str.value === 'string' && str.value.trim() !== '' && Number.isFinite(Number(str.value)))) {
            reporter.report('TYPE_MISMATCH_EQUALITY', spanLoc(parsed.src, e.span), {
              detail: `${describe(e.left)} ${e.op} ${describe(e.right)} compares a number with text, so it is ${e.op === '==' ? 'never' : 'always'} true`,
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
