import { parseScn, type ScnParseResult, type ScnStatement, type ScnStatementOf } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { CommandAst, Located, ScenarioAst, SourceString, StepAst } from '../scenario/ast.js';
import { loc, ScnSource } from './scn-source.js';
import { StepBuilder } from './scn-step-builder.js';

const HEADER_ONLY = new Set(['scenario', 'start', 'command', 'expire']);

/**
 * Reads a .scn file into the same source-level AST as a JSON scenario. Syntax errors are reported line by line, and
 * every line that parsed still counts, so the checks run on the rest of the file.
 */
export function readScnScenario(text: string, reporter: Reporter, parsed: ScnParseResult = parseScn(text)): ScenarioAst {
  for (const issue of parsed.issues) reporter.report(issue.code, loc(issue), { detail: issue.message });
  const src = new ScnSource(text);
  const header = new Map<string, number>();
  const commands: CommandAst[] = [];
  const steps: StepAst[] = [];
  const stepLines = new Map<string, number>();
  let scenario: ScnStatementOf<'scenario'> | undefined;
  let description: SourceString | undefined;
  let startStep: Located<string> | undefined;
  let expire: ScnStatementOf<'expire'> | undefined;
  /** The step being read; `null` after a step line too broken to name, whose statements are skipped. */
  let current: StepBuilder | null | undefined;

  const finish = (): void => {
    if (current) steps.push(current.build());
  };
  const once = (s: ScnStatement): boolean => {
    const first = header.get(s.kind);
    if (first === undefined) {
      header.set(s.kind, s.line);
      return true;
    }
    reporter.report('SCN_DUPLICATE', loc(s.keyword), { statement: s.keyword.value, where: 'the header', line: first });
    return false;
  };

  for (const s of parsed.statements) {
    if ((s.kind === 'unknown' || s.broken) && s.indent > 0) current?.markIncomplete();
    if (s.kind === 'unknown' || (s.broken && !hasContent(s) && s.kind !== 'step' && s.kind !== 'scenario')) {
      // An unreadable line at the left margin is most likely a broken step line: don't pin what follows on the step above.
      if (s.indent === 0 && current !== undefined) {
        finish();
        current = null;
      }
      continue;
    }
    if (s.kind === 'step') {
      finish();
      current = null;
      if (!s.id) continue;
      const first = stepLines.get(s.id.value);
      if (first !== undefined) reporter.report('SCN_DUPLICATE_STEP', loc(s.id), { step: s.id.value, line: first });
      else {
        stepLines.set(s.id.value, s.line);
        current = new StepBuilder(s, src, reporter);
      }
      continue;
    }
    if (HEADER_ONLY.has(s.kind) && current !== undefined) {
      reporter.report('SCN_MISPLACED', loc(s.keyword), { statement: s.keyword.value, fix: 'it belongs to the header, above the first "step"' });
      continue;
    }
    if (current === undefined) {
      if (s.kind === 'scenario') {
        if (once(s)) scenario = s;
      } else if (s.kind === 'description') {
        if (once(s) && s.text) description = src.str(s.text);
      } else if (s.kind === 'start') {
        if (once(s) && s.step) startStep = src.located(s.step);
      } else if (s.kind === 'expire') {
        // A broken line's parts may be recovery's guesses: only its error counts.
        if (once(s) && !s.broken) expire = s as ScnStatementOf<'expire'>;
      } else if (s.kind === 'command') {
        if (s.command && s.target) commands.push({ command: src.located(s.command), target: src.located(s.target) });
      } else {
        reporter.report('SCN_MISPLACED', loc(s.keyword), { statement: s.keyword.value, fix: 'it belongs to a step: write "step NAME" above it' });
      }
      continue;
    }
    current?.add(s);
  }
  finish();

  if (!scenario) reporter.report('SCN_MISSING_HEADER', { offset: 0, length: 0 }, { missing: 'scenario' });
  else if (!scenario.version && !scenario.broken) reporter.report('SCN_MISSING_HEADER', loc(scenario), { missing: 'version' });
  reportDuplicateCommands(commands, parsed, reporter);
  return {
    loc: { offset: 0, length: text.length },
    name: scenario?.name && src.str(scenario.name),
    version: scenario?.version && src.str(scenario.version),
    description,
    startStep,
    commands,
    steps,
    ...(expire?.duration ? { expireAfter: src.str(expire.duration) } : {}),
    ...(expire?.target ? { onExpire: src.located(expire.target) } : {}),
    ...(parsed.issues.length > 0 ? { incomplete: true } : {}),
  };
}

/** Whether a statement carries anything: a broken `go` without its step says nothing, and is skipped. */
function hasContent(s: ScnStatement): boolean {
  if (s.kind === 'sensitive' || s.kind === 'unknown') return s.kind === 'sensitive';
  return Object.entries(s).some(([k, v]) => k !== 'keyword' && typeof v === 'object' && v !== null);
}

function reportDuplicateCommands(commands: CommandAst[], parsed: ScnParseResult, reporter: Reporter): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < commands.length; i++) {
    const c = commands[i]!;
    const first = seen.get(c.command.value);
    if (first === undefined) {
      seen.set(c.command.value, c.command.loc.offset);
      continue;
    }
    const line = parsed.statements.find((s) => s.kind === 'command' && s.command?.start === first)?.line ?? 0;
    reporter.report('SCN_DUPLICATE', c.command.loc, { statement: `command ${c.command.value}`, where: 'the header', line });
    commands.splice(i--, 1);
  }
}
