import type { Span } from '../../grammar/index.js';
import { templateRefs } from '../../grammar/index.js';
import type { Template } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { SourceString } from '../scenario/ast.js';
import { closest } from '../../grammar/suggest.js';
import type { Dataflow, Facts } from './dataflow.js';
import { branchGuards } from './edges.js';
import { guardedRefs } from './guards.js';
import { routesAfterAnswer, type CheckedCallBody, type CheckedScenario, type CheckedStep, type CheckedTemplate, type ParsedExpr } from './model.js';
import { isSecretRef } from './calls.js';
import { spanLoc } from './parse-strings.js';
import type { VarInfo } from './types.js';

interface Read {
  readonly path: readonly string[];
  readonly span: Span;
  readonly src: SourceString;
  /** A read that cannot see an unset variable (`| default`, `is set`): only a variable never assigned is a mistake. */
  readonly guarded: boolean;
}

const exprReads = (p: ParsedExpr, known?: ReadonlySet<string>): Read[] =>
  guardedRefs(p.expr, known).map((r) => ({ path: r.path, span: r.span, src: p.src, guarded: r.guarded }));
const templateReads = (t: { template: Template; src: SourceString }): Read[] =>
  templateRefs(t.template).map((r) => ({ path: r.path, span: r.span, src: t.src, guarded: r.hasDefault }));

function showPath(path: readonly string[]): string {
  const shown = path.length > 8 ? [...path.slice(0, 3), '…', ...path.slice(-4)] : path;
  return shown.map((p) => (p === '…' ? p : `"${p}"`)).join(' → ');
}

/** Reads of variables that some path from the start reaches before any assignment. */
export function checkReads(reporter: Reporter, s: CheckedScenario, flow: Dataflow, variables: ReadonlyMap<string, VarInfo> = new Map()): void {
  const known = new Set(flow.index.keys());
  // A line that did not parse may be the one that assigns a variable: then a name no step assigns is not reported.
  const partial = s.incomplete;
  const reported = new Set<string>();
  const check = (step: CheckedStep, facts: Facts, reads: readonly Read[], assignedHere: ReadonlySet<string> = new Set()): void => {
    for (const read of reads) {
      const [head] = read.path;
      if (head === undefined || head === 'user') continue;
      const fields = variables.get(head)?.fields;
      if (known.has(head) && fields && read.path.length > 1) {
        const field = read.path[1]!;
        if (read.path.length > 2 || !Object.hasOwn(fields, field)) {
          const info = variables.get(head)!;
          const allowed = Object.keys(fields);
          reporter.report('UNKNOWN_MEDIA_FIELD', spanLoc(read.src, read.span), {
            path: read.path.join('.'),
            type: info.type === 'unknown' ? 'media value' : info.type === 'files' ? 'list of files' : info.type,
            allowed: allowed.length > 0 ? allowed.join(', ') : `none (show the list as {{${head}}})`,
            suggestion: read.path.length === 2 ? closest(field, allowed) : undefined,
          });
          continue;
        }
      } else if (!known.has(head) || read.path.length > 1) {
        if (!partial) reporter.report('UNDEFINED_VARIABLE', spanLoc(read.src, read.span), { variable: read.path.join('.'), suggestion: closest(head, known) });
        continue;
      }
      if (read.guarded || facts.assigned(head) || assignedHere.has(head)) continue;
      const loc = spanLoc(read.src, read.span);
      const key = `${head}@${loc.offset}`;
      if (reported.has(key)) continue;
      reported.add(key);
      reporter.report('VAR_UNASSIGNED', loc, { variable: head, path: showPath(flow.witness(head, step.id)) });
    }
  };
  for (const step of s.steps) {
    const f = flow.facts.get(step.id);
    if (!f) continue;
    const entry = flow.view(step.id, 'entry');
    const afterSet = flow.view(step.id, 'afterSet');
    const assignedSoFar = new Set<string>();
    for (const a of step.set) {
      if (a.value) check(step, entry, exprReads(a.value), assignedSoFar);
      assignedSoFar.add(a.variable);
    }
    if (step.message) check(step, afterSet, templateReads(step.message));
    for (const m of step.media ?? []) {
      for (const t of [m.url, m.caption]) if (t) check(step, afterSet, templateReads(t).filter((r) => !isSecretRef(r.path)));
      if (m.variable) check(step, afterSet, [{ path: [m.variable.name], span: m.variable.span, src: m.variable.src, guarded: false }]);
    }
    if (step.input?.errorMessage) check(step, afterSet, templateReads(step.input.errorMessage));
    for (const r of step.timers?.reminders ?? []) if (r.message) check(step, afterSet, templateReads(r.message));
    for (const t of callTemplates(step)) check(step, afterSet, templateReads(t).filter((r) => !isSecretRef(r.path)));
    if (step.route.kind === 'branch') {
      const routeFacts = routesAfterAnswer(step) ? flow.view(step.id, 'afterInput') : afterSet;
      const { before } = branchGuards(step);
      step.route.branches.forEach((b, i) => b.when && check(step, routeFacts, exprReads(b.when, before[i])));
    }
  }
}

/** The templates of a step's call: its URL, header values and the text leaves of its body. */
export function callTemplates(step: CheckedStep): CheckedTemplate[] {
  const call = step.call;
  if (!call) return [];
  const out: CheckedTemplate[] = call.url ? [call.url] : [];
  for (const h of call.headers) out.push(h.value);
  const walk = (b: CheckedCallBody): void => {
    if (b.kind === 'text') out.push(b.text);
    else if (b.kind === 'list') b.items.forEach(walk);
    else if (b.kind === 'object') for (const f of b.fields) walk(f.value);
  };
  if (call.body) walk(call.body);
  return out;
}
