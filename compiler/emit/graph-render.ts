import type { IrScenario } from '../ir/types.js';
import { toDot, toMermaid } from './graph.js';
import { graphModel } from './graph-model.js';
import { toSvg } from './graph-svg.js';

/** The formats `renderGraph` and `scenarist graph --format` accept. */
export const GRAPH_FORMATS = Object.freeze(['mermaid', 'dot', 'json', 'svg'] as const);
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** The scenario graph as text in `format`: what `scenarist graph` prints. */
export function renderGraph(ir: IrScenario, format: GraphFormat): string {
  switch (format) {
    case 'dot':
      return toDot(ir);
    case 'json':
      return `${JSON.stringify(graphModel(ir), null, 2)}\n`;
    case 'svg':
      return toSvg(ir);
    case 'mermaid':
      return toMermaid(ir);
  }
}
