import type { Span } from '../expression/ast.js';
import { printLiteral } from '../expression/print.js';
import type { Template, TemplateFilter } from './ast.js';
import { FILTERS, toText } from './filters.js';

/** Renders values as text: undefined/null -> "", numbers via String(), booleans "true"/"false". Unknown filters are skipped. */
export function renderTemplate(template: Template, lookup: (path: readonly string[]) => unknown): string {
  let out = '';
  for (const part of template.parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    let value = lookup(part.path);
    for (const filter of part.filters) {
      const def = FILTERS.get(filter.name);
      if (def) value = def.apply(value, filter.args);
    }
    out += toText(value);
  }
  return out;
}

export interface TemplateRef {
  path: readonly string[];
  /** The dotted path inside `{{ }}`. */
  span: Span;
  /** A `default` filter covers the variable being unset, so reading it unassigned is fine. */
  hasDefault: boolean;
}

export function templateRefs(template: Template): TemplateRef[] {
  return template.parts.flatMap((part) =>
    part.kind === 'value' ? [{ path: part.path, span: part.pathSpan, hasDefault: part.filters.some((f) => f.name === 'default') }] : [],
  );
}

function printFilter(filter: TemplateFilter): string {
  return filter.args.length === 0 ? filter.name : `${filter.name}: ${filter.args.map(printLiteral).join(', ')}`;
}

/** Canonical text: `{{path}}` or `{{path | filter: "arg"}}`; literal text is kept as is. */
export function printTemplate(template: Template): string {
  return template.parts
    .map((part) =>
      part.kind === 'text' ? part.text : `{{${[part.path.join('.'), ...part.filters.map(printFilter)].join(' | ')}}}`,
    )
    .join('');
}
