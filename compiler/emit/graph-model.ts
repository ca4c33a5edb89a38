import type { IrScenario } from '../ir/types.js';
import { graphEdges, inputLabel, isFinal, summary, type GraphEdge } from './graph.js';

export type GraphNodeKind = 'start' | 'command' | 'step';

export interface GraphNode {
  /** '$start', '$cmd/help' for a command, else the step id. */
  readonly id: string;
  readonly kind: GraphNodeKind;
  /** What the node is called on screen: "start", "/help" or the step id. */
  readonly label: string;
  /** The step's message on one line (at most 40 characters); empty for other nodes. */
  readonly summary: string;
  /** True for a step that ends the dialog. */
  readonly final: boolean;
  /** The answer the step waits for, as "variable: type". */
  readonly input?: string;
}

/** The scenario graph as data: what the JSON output holds and what the SVG layout starts from. */
export interface GraphModel {
  readonly nodes: readonly GraphNode[];
  /** The edges of `graphEdges`, in its order. */
  readonly edges: readonly GraphEdge[];
}

/** Nodes in reading order: start, the commands, then the steps in source order. */
export function graphModel(ir: IrScenario): GraphModel {
  const nodes: GraphNode[] = [{ id: '$start', kind: 'start', label: 'start', summary: '', final: false }];
  for (const c of ir.commands) nodes.push({ id: `$cmd${c.command}`, kind: 'command', label: c.command, summary: '', final: false });
  for (const step of Object.values(ir.steps)) {
    const node: GraphNode = { id: step.id, kind: 'step', label: step.id, summary: summary(step), final: isFinal(step) };
    nodes.push(step.input ? { ...node, input: inputLabel(step.input) } : node);
  }
  return { nodes, edges: graphEdges(ir) };
}
