import { formatDuration, printExpression } from '../../grammar/index.js';
import type { IrScenario, IrStep } from '../ir/types.js';

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly dashed?: boolean;
}

/** `name: text`, or for a media input the kinds it takes: `receipt: photo|document`. */
export const inputLabel = (input: NonNullable<IrStep['input']>): string =>
  `${input.variable}: ${input.media ? input.media.kinds.join('|') : input.type}`;

/** The edges of the scenario graph, labelled as an author reads them. */
export function graphEdges(ir: IrScenario): GraphEdge[] {
  const out: GraphEdge[] = [{ from: '$start', to: ir.startStep }];
  for (const c of ir.commands) out.push({ from: `$cmd${c.command}`, to: c.target, dashed: true });
  for (const step of Object.values(ir.steps)) {
    const r = step.route;
    const after = step.input
      ? inputLabel(step.input)
      : step.waitMs !== undefined
        ? `after ${formatDuration(step.waitMs)}`
        : step.call
          ? `${step.call.method} 2xx`
          : undefined;
    if (r.kind === 'goto') out.push({ from: step.id, to: r.target, label: after });
    if (r.kind === 'branch') {
      for (const b of r.branches) out.push({ from: step.id, to: b.target, label: printExpression(b.when) });
      if (r.else) out.push({ from: step.id, to: r.else, label: 'else' });
    }
    if (step.input?.onFail && step.input.maxAttempts) {
      out.push({ from: step.id, to: step.input.onFail, label: `${step.input.maxAttempts} failed attempts`, dashed: true });
    }
    if (step.call?.onError) out.push({ from: step.id, to: step.call.onError, label: 'call failed', dashed: true });
    if (step.timeout) out.push({ from: step.id, to: step.timeout.target, label: `no answer in ${formatDuration(step.timeout.afterMs)}`, dashed: true });
  }
  return out;
}

/** A step without a route ends the dialog: drawn with a double border. */
export const isFinal = (s: IrStep): boolean => s.route.kind === 'end';

/** The step's message as one line of at most 40 characters, placeholders kept as `{{path}}`. */
export function summary(step: IrStep): string {
  const text = step.message?.parts.map((p) => (p.kind === 'text' ? p.text : `{{${p.path.join('.')}}}`)).join('') ?? '';
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;')).replace(/\n/g, ' ');
}

export function toMermaid(ir: IrScenario): string {
  const ids = new Map<string, string>();
  const id = (name: string): string => {
    let v = ids.get(name);
    if (!v) ids.set(name, (v = `n${ids.size}`));
    return v;
  };
  const lines = ['flowchart TD', `  ${id('$start')}(( start ))`];
  for (const c of ir.commands) lines.push(`  ${id(`$cmd${c.command}`)}{{"${mermaidText(c.command)}"}}`);
  for (const step of Object.values(ir.steps)) {
    const label = mermaidText(summary(step) ? `${step.id}: ${summary(step)}` : step.id);
    lines.push(isFinal(step) ? `  ${id(step.id)}(["${label}"])` : `  ${id(step.id)}["${label}"]`);
  }
  for (const e of graphEdges(ir)) {
    const arrow = e.dashed ? '-.->' : '-->';
    lines.push(e.label ? `  ${id(e.from)} ${arrow}|"${mermaidText(e.label)}"| ${id(e.to)}` : `  ${id(e.from)} ${arrow} ${id(e.to)}`);
  }
  return `${lines.join('\n')}\n`;
}

const dotString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

export function toDot(ir: IrScenario): string {
  const lines = [`digraph ${dotString(ir.name || 'scenario')} {`, '  rankdir=TB;', '  node [shape=box, style=rounded, fontname="Helvetica"];'];
  lines.push('  "$start" [shape=circle, label="start"];');
  for (const c of ir.commands) lines.push(`  ${dotString(`$cmd${c.command}`)} [shape=hexagon, label=${dotString(c.command)}];`);
  for (const step of Object.values(ir.steps)) {
    const label = summary(step) ? `${step.id}\n${summary(step)}` : step.id;
    lines.push(`  ${dotString(step.id)} [label=${dotString(label)}${isFinal(step) ? ', peripheries=2' : ''}];`);
  }
  for (const e of graphEdges(ir)) {
    const attrs = [e.label ? `label=${dotString(e.label)}` : '', e.dashed ? 'style=dashed' : ''].filter(Boolean);
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
