import type { InputAst, NextAst, ScenarioAst, StepAst } from '../scenario/ast.js';

type Json = string | number | boolean | Json[] | { [key: string]: Json | undefined };

/** Prints a scenario as JSON in the field order of the format reference. Fields the AST lacks are left out. */
export function printJson(ast: ScenarioAst): string {
  const doc = {
    name: ast.name?.value,
    version: ast.version?.value,
    description: ast.description?.value,
    start_step: ast.startStep?.value,
    commands: ast.commands.length > 0 ? Object.fromEntries(ast.commands.map((c) => [c.command.value, c.target.value])) : undefined,
    steps: Object.fromEntries(ast.steps.map((s) => [s.id.value, step(s)])),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function step(s: StepAst): Json {
  return {
    type: s.type?.value,
    description: s.description?.value,
    set: s.set.length > 0 ? Object.fromEntries(s.set.map((a) => [a.variable.value, a.expr.value])) : undefined,
    message: s.message && { text: s.message.value },
    buttons: s.buttons?.items.map((b) => ({ text: b.text?.value, value: b.value?.value })),
    expected_input: s.input && input(s.input),
    next_step: s.next && next(s.next),
  };
}

function input(i: InputAst): Json {
  const v = i.validation;
  const validation = v && {
    min: v.min?.value,
    max: v.max?.value,
    min_length: v.minLength?.value,
    max_length: v.maxLength?.value,
    pattern: v.pattern?.value,
  };
  return {
    type: i.type?.value,
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
