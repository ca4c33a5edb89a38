import { collectRefs, mapChildren, printExpression, type Expr } from '../../grammar/index.js';
import type { MachineConfig, TransitionConfig } from '../../compiler/index.js';
import { sensitiveVariablesOf } from './sensitive.js';

type Ref = NonNullable<TransitionConfig['guard']>;

/** What tracing needs to know of a machine config besides the guard and action params; built on first use. */
export interface TraceInfo {
  /** The step a `when` guard's or an `assign` action's params belong to (by identity of the params object). */
  stepOf(params: object): string | undefined;
  /** A condition as written, with its literals masked when it reads a sensitive variable. */
  printCondition(expr: Expr): string;
  /** Whether an assignment stores a sensitive value: its variable is sensitive (see sensitiveVariablesOf), or it reads one. */
  assignSensitive(params: { readonly variable: string; readonly expr: Expr }): boolean;
}

const MASKED_LITERAL = '***';

/** The same expression with every literal and pattern replaced: `password == "x"` prints as `password == "***"`. */
function maskLiterals(expr: Expr): Expr {
  if (expr.kind === 'literal') return { ...expr, value: MASKED_LITERAL };
  if (expr.kind === 'matches') return { ...expr, subject: maskLiterals(expr.subject), pattern: MASKED_LITERAL };
  return mapChildren(expr, maskLiterals);
}

const paramsOf = (ref: Ref | undefined): Record<string, unknown> | undefined => (ref !== undefined && typeof ref === 'object' ? ref.params : undefined);

/** `config` must be the very object the machine was created from: params are found by identity. */
export function buildTraceInfo(config: MachineConfig): TraceInfo {
  const steps = new WeakMap<object, string>();
  const sensitive = sensitiveVariablesOf(config);
  for (const [id, state] of Object.entries(config.states)) {
    // A wait step routes on its timer event rather than at once; a call step on its result.
    for (const t of [...(state.always ?? []), ...(state.on?.['timer.wait'] ?? []), ...(state.on?.['call.result'] ?? [])]) {
      const p = typeof t.guard === 'object' && (t.guard.type === 'when' || t.guard.type === 'callMatches') ? t.guard.params : undefined;
      if (p) steps.set(p, id);
    }
    for (const a of state.entry ?? []) {
      const p = typeof a === 'object' && a.type === 'assign' ? paramsOf(a) : undefined;
      if (p) steps.set(p, id);
    }
  }
  const readsSensitive = (expr: Expr): boolean => sensitive.size > 0 && collectRefs(expr).some((r) => r.path.length === 1 && sensitive.has(r.path[0]!));
  const printed = new WeakMap<Expr, string>();
  return {
    stepOf: (params) => steps.get(params),
    printCondition(expr) {
      let text = printed.get(expr);
      if (text === undefined) printed.set(expr, (text = printExpression(readsSensitive(expr) ? maskLiterals(expr) : expr)));
      return text;
    },
    assignSensitive: (p) => sensitive.has(p.variable) || readsSensitive(p.expr),
  };
}
