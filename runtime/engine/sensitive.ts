// Which variables hold sensitive values, and how a message that shows one reads with the value masked.
import { collectRefs, renderTemplate, type Expr, type Template } from '../../grammar/index.js';
import type { MachineConfig } from '../../compiler/index.js';

/** What replaces a sensitive value in every text that is not the user's own chat (the logs' mask too). */
export const SENSITIVE_MASK = '***';

const cache = new WeakMap<MachineConfig, ReadonlySet<string>>();

/**
 * The variables of a scenario that hold sensitive values: the answers to inputs marked `sensitive`, and every
 * variable a `set` computes from one of those (a copy, `len(pw)`, …), to a fixed point. A variable assigned
 * from a sensitive value on any path counts as sensitive on all of them.
 */
export function sensitiveVariablesOf(config: MachineConfig): ReadonlySet<string> {
  let out = cache.get(config);
  if (out) return out;
  const sensitive = new Set<string>();
  const assignments: { variable: string; reads: string[] }[] = [];
  for (const state of Object.values(config.states)) {
    const input = state.meta?.input;
    if (input?.sensitive) sensitive.add(input.variable);
    for (const a of state.entry ?? []) {
      if (typeof a !== 'object' || a.type !== 'assign') continue;
      const p = a.params as { variable?: unknown; expr?: Expr } | undefined;
      if (typeof p?.variable !== 'string' || p.expr === undefined) continue;
      assignments.push({ variable: p.variable, reads: collectRefs(p.expr).flatMap((r) => (r.path.length === 1 ? [r.path[0]!] : [])) });
    }
  }
  for (let grew = sensitive.size > 0; grew; ) {
    grew = false;
    for (const a of assignments) {
      if (!sensitive.has(a.variable) && a.reads.some((v) => sensitive.has(v))) {
        sensitive.add(a.variable);
        grew = true;
      }
    }
  }
  out = sensitive;
  cache.set(config, out);
  return out;
}

/** Whether a template shows a sensitive variable (with or without filters). */
export function showsSensitive(template: Template, sensitive: ReadonlySet<string>): boolean {
  return sensitive.size > 0 && template.parts.some((p) => p.kind === 'value' && p.path.length === 1 && sensitive.has(p.path[0]!));
}

/** The template rendered with every `{{…}}` that shows a sensitive variable replaced by the mask. */
export function renderMasked(template: Template, lookup: (path: readonly string[]) => unknown, sensitive: ReadonlySet<string>): string {
  const masked: Template = {
    parts: template.parts.map((p) => (p.kind === 'value' && p.path.length === 1 && sensitive.has(p.path[0]!) ? { kind: 'text', text: SENSITIVE_MASK } : p)),
  };
  return renderTemplate(masked, lookup);
}
