/**
 * A layered layout of the scenario graph with no dependencies: ranks and order (graph-order), x positions
 * (graph-align), paths of forward edges (graph-route), and right of the boxes (graph-sides) of back edges
 * (graph-back) and of long forward edges merged into buses (graph-bus). Deterministic: no randomness
 * and no font measuring, so the same model always gives the same numbers.
 */
import type { GraphEdge } from './graph.js';
import { alignX, type Extent } from './graph-align.js';
import { planBackEdges } from './graph-back.js';
import { planBuses } from './graph-bus.js';
import { GRAPH_TEXT, LAYOUT_SPACING as S, textWidth, truncate, wrap } from './graph-metrics.js';
import type { GraphModel, GraphNode } from './graph-model.js';
import { rankGraph, type RankedGraph } from './graph-order.js';
import { forwardPoints, loopRoute, ports, selfLoops } from './graph-route.js';
import { planSides } from './graph-sides.js';

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** x, y: the top left corner. */
export interface Box extends Point {
  readonly width: number;
  readonly height: number;
}

export interface LaidOutNode extends GraphNode, Box {
  readonly layer: number;
  /** The summary, wrapped as drawn. */
  readonly lines: readonly string[];
}

export interface LaidOutEdge extends GraphEdge {
  /** From the source's border to the target's border; empty for an edge whose ends are not both nodes. */
  readonly points: readonly Point[];
  /** Goes to the same or an earlier layer: drawn up the right side (or as a loop beside its node). */
  readonly back: boolean;
  /** The label as drawn (a long condition is cut with "…"), and where. */
  readonly labelText?: string;
  readonly labelBox?: Box;
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  /** In the model's order. */
  readonly nodes: readonly LaidOutNode[];
  /** In the model's order. */
  readonly edges: readonly LaidOutEdge[];
}

/** A rank's vertical extent. */
export interface Band {
  readonly top: number;
  readonly height: number;
}

interface Size {
  readonly width: number;
  readonly height: number;
  readonly lines: string[];
}

function nodeSize(node: GraphNode): Size {
  if (node.kind === 'start') return { width: 46, height: 46, lines: [] };
  if (node.kind === 'command') return { width: Math.ceil(textWidth(node.label, GRAPH_TEXT.labelSize) + 34), height: 30, lines: [] };
  const lines = wrap(node.summary, GRAPH_TEXT.summaryChars, GRAPH_TEXT.summaryLines);
  const text = Math.max(textWidth(node.label, GRAPH_TEXT.idSize), ...lines.map((l) => textWidth(l, GRAPH_TEXT.summarySize)));
  return { width: Math.max(S.minStepWidth, Math.ceil(text + 2 * S.padding)), height: 38 + 16 * lines.length, lines };
}

const labelWidth = (text: string): number => Math.ceil(textWidth(text, GRAPH_TEXT.labelSize) + 12);

export function layoutGraph(model: GraphModel): GraphLayout {
  const g = rankGraph(model);
  const sizes = model.nodes.map(nodeSize);
  const labels = model.edges.map((e) => (e.label ? truncate(e.label, GRAPH_TEXT.labelChars) : undefined));
  const widths = labels.map((l) => (l ? labelWidth(l) : undefined));
  const loops = selfLoops(g, widths);
  const extent = g.items.map((item): Extent => {
    if (item.node !== undefined) return { left: sizes[item.node]!.width / 2, right: sizes[item.node]!.width / 2 + loops.extent[item.node]! };
    const half = item.label ? widths[item.edge!]! / 2 : 0;
    return { left: half, right: half };
  });
  const plans = planBackEdges(g, (node) => loops.extent[node]! > 0, labels);
  const buses = planBuses(g);
  const x = alignX(g, extent);
  const shift = S.margin + maxOf(g.items.map((_, i) => extent[i]!.left - x[i]!));
  const cx = x.map((v) => round(v + shift));
  const sides = planSides(g, { cx, extent }, plans, buses, widths);
  const bands = bandsOf(g, sizes, sides.loads, spreads(g, cx));

  const nodes = model.nodes.map((node, i): LaidOutNode => {
    const { width, height, lines } = sizes[i]!;
    const band = bands[g.items[i]!.rank]!;
    return { ...node, layer: g.items[i]!.rank / 2, lines, x: round(cx[i]! - width / 2), y: round(band.top + (band.height - height) / 2), width, height };
  });
  const port = ports(g, cx, nodes, plans, buses);
  const paths = forwardPoints(g, cx, bands, nodes, port);
  const side = sides.route({ cx, bands, nodes, port });
  const edges = model.edges.map((edge, e): LaidOutEdge => {
    const loop = loops.loops.get(e);
    const route = loop
      ? loopRoute(nodes[loop.node]!, loop, widths[e])
      : (side.back.get(e) ?? { points: side.bus.get(e) ?? paths[e]!, labelBox: labelBox(g, e, cx, bands, widths[e]) });
    const points = route.points.map((p) => ({ x: round(p.x), y: round(p.y) }));
    const text = labels[e];
    return { ...edge, back: g.back[e]!, points, ...(text && route.labelBox ? { labelText: text, labelBox: roundBox(route.labelBox) } : {}) };
  });
  const right = maxOf([...g.items.map((_, i) => cx[i]! + extent[i]!.right), ...edges.flatMap((e) => [...e.points.map((p) => p.x), e.labelBox ? e.labelBox.x + e.labelBox.width : 0])]);
  const last = bands[bands.length - 1];
  return { width: Math.ceil(right + S.margin), height: Math.ceil((last ? last.top + last.height : 0) + S.margin), nodes, edges };
}

// Not Math.max(...values): a big scenario has more items than a call takes arguments.
const maxOf = (values: readonly number[]): number => values.reduce((a, b) => Math.max(a, b), -Infinity);

// Coordinates to a tenth: short SVG, and no float noise between runs or platforms.
const round = (v: number): number => Math.round(v * 10) / 10;
const roundBox = (b: Box): Box => ({ x: round(b.x), y: round(b.y), width: round(b.width), height: round(b.height) });

/** Per rank r, the widest sideways step an edge takes in the gap above it. */
function spreads(g: RankedGraph, cx: readonly number[]): number[] {
  const spread = g.ranks.map(() => 0);
  for (const chain of g.chains) {
    for (let k = 1; k < chain.length; k++) {
      const r = g.items[chain[k]!]!.rank;
      spread[r] = Math.max(spread[r]!, Math.abs(cx[chain[k]!]! - cx[chain[k - 1]!]!));
    }
  }
  return spread;
}

/**
 * The gap above rank r grows with `loads[r]` (back-edge runs in it, each wanting a line of its own) and with
 * `spreads[r]`, so that an edge stepping far sideways still slopes visibly instead of running flat.
 */
function bandsOf(g: RankedGraph, sizes: readonly Size[], loads: readonly number[], spread: readonly number[]): Band[] {
  let bottom = S.margin;
  return g.ranks.map((rank, r) => {
    const heights = rank.map((i) => {
      const item = g.items[i]!;
      return item.node !== undefined ? sizes[item.node]!.height : item.label ? S.labelHeight : 0;
    });
    const gap = r === 0 ? 0 : Math.max(S.rankGap, S.runGap * (loads[r]! + 1), Math.min(S.maxRankGap, spread[r]! * 0.12));
    const band = { top: bottom + gap, height: Math.max(0, ...heights) };
    bottom = band.top + band.height;
    return band;
  });
}

function labelBox(g: RankedGraph, edge: number, cx: readonly number[], bands: readonly Band[], width: number | undefined): Box | undefined {
  const item = g.chains[edge]!.find((i) => g.items[i]!.label);
  if (item === undefined || width === undefined) return undefined;
  const band = bands[g.items[item]!.rank]!;
  return { x: cx[item]! - width / 2, y: band.top + (band.height - S.labelHeight) / 2, width, height: S.labelHeight };
}
