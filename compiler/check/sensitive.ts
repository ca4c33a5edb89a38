import { collectRefs, type Template } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { SourceString } from '../scenario/ast.js';
import type { CheckedScenario } from './model.js';
import { spanLoc } from './parse-strings.js';

/**
 * The variables that hold sensitive values: answers to `sensitive` inputs, and every variable a `set` computes
 * from one of them, to a fixed point (the runtime masks the same ones).
 */
export function sensitiveVariables(s: CheckedScenario): Set<string> {
  const out = new Set<string>();
  for (const step of s.steps) if (step.input?.sensitive) out.add(step.input.variable);
  for (let grew = out.size > 0; grew; ) {
    grew = false;
    for (const step of s.steps) {
      for (const a of step.set) {
        if (out.has(a.variable) || !a.value) continue;
        if (collectRefs(a.value.expr).some((r) => r.path.length === 1 && out.has(r.path[0]!))) {
          out.add(a.variable);
          grew = true;
        }
      }
    }
  }
  return out;
}

/** Messages that show a sensitive value: the user sees it, but every other reader of the transcript gets it masked. */
export function checkSensitiveShown(reporter: Reporter, s: CheckedScenario): void {
  const sensitive = sensitiveVariables(s);
  if (sensitive.size === 0) return;
  const check = (t: { template: Template; src: SourceString }): void => {
    for (const part of t.template.parts) {
      if (part.kind !== 'value' || part.path.length !== 1 || !sensitive.has(part.path[0]!)) continue;
      reporter.report('SENSITIVE_SHOWN', spanLoc(t.src, part.span), { variable: part.path[0]! });
    }
  };
  for (const step of s.steps) {
    if (step.message) check(step.message);
    for (const m of step.media ?? []) if (m.caption) check(m.caption);
    if (step.input?.errorMessage) check(step.input.errorMessage);
    for (const r of step.timers?.reminders ?? []) if (r.message) check(r.message);
  }
}
