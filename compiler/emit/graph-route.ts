/**
 * Paths of forward edges and self-loops, and the ports where edges meet a node. A forward edge runs from a port
 * on its source's bottom, straight down through its slot in each rank it crosses, to a port on its target's top;
 * between ranks it only crosses empty space, so it never passes through a node or a label.
 */
import type { BackPlan } from './graph-back.js';
import type { Bus } from './graph-bus.js';
import type { Band, Box, LaidOutNode, Point } from './graph-layout.js';
import { LAYOUT_SPACING } from './graph-metrics.js';
import type { RankedGraph } from './graph-order.js';

/** The largest distance between two ports on one side of a node. */
const PORT_STEP = 14;
const LOOP = Object.freeze({ width: 18, step: 10, rise: 7, labelGap: 6 });

/** Per edge; empty for back edges, self-loops and bus edges. */
export function forwardPoints(g: RankedGraph, cx: readonly number[], bands: readonly Band[], nodes: readonly LaidOutNode[], port: ReadonlyMap<string, number>): Point[][] {
  const band = (item: number): Band => bands[g.items[item]!.rank]!;
  return g.chains.map((chain, e) => {
    if (chain.length === 0 || g.bus[e]) return [];
    const upper = chain[0]!;
    const lower = chain[chain.length - 1]!;
    const out = port.get(`${e}>`)!;
    const into = port.get(`${e}<`)!;
    const points: Point[] = [
      { x: out, y: border(nodes[upper]!, out, 1) },
      { x: out, y: band(upper).top + band(upper).height },
    ];
    for (const d of chain.slice(1, -1)) points.push({ x: cx[d]!, y: band(d).top }, { x: cx[d]!, y: band(d).top + band(d).height });
    points.push({ x: into, y: band(lower).top }, { x: into, y: border(nodes[lower]!, into, -1) });
    return withoutRepeats(points);
  });
}

/** The key of the port on `target`'s top that its bus ends in. */
export const busPort = (target: number): string => `bus${target}<`;

export const withoutRepeats = (points: readonly Point[]): Point[] => points.filter((p, i) => i === 0 || p.x !== points[i - 1]!.x || p.y !== points[i - 1]!.y);

/** The y where a vertical line at x leaves the node's bottom (side 1) or enters its top (side -1). */
export function border(node: LaidOutNode, x: number, side: 1 | -1): number {
  const r = node.width / 2;
  const cy = node.y + node.height / 2;
  if (node.kind === 'start') return cy + side * Math.sqrt(Math.max(r * r - (x - node.x - r) ** 2, 0));
  return cy + (side * node.height) / 2;
}

/**
 * Port x per edge end: key "E>" on a node's bottom, "E<" on its top, and one per bus on its target's top (`busPort`).
 * The ports of a side are spread in the order of where their edges lead; back edges and buses lead to the right.
 */
export function ports(g: RankedGraph, cx: readonly number[], nodes: readonly Box[], plans: readonly BackPlan[], buses: readonly Bus[]): Map<string, number> {
  const sides = new Map<string, { key: string; toward: number; edge: number }[]>();
  const add = (side: string, key: string, toward: number, edge: number): void => {
    const list = sides.get(side);
    if (list) list.push({ key, toward, edge });
    else sides.set(side, [{ key, toward, edge }]);
  };
  g.chains.forEach((chain, e) => {
    if (chain.length === 0) return;
    add(`${chain[0]}>`, `${e}>`, cx[chain[1]!]!, e);
    if (!g.bus[e]) add(`${chain[chain.length - 1]}<`, `${e}<`, cx[chain[chain.length - 2]!]!, e);
  });
  for (const p of plans) {
    for (const x of p.exits) if (!x.exitSide) add(`${x.source}<`, `${x.edge}<`, Infinity, x.edge);
    if (!p.enterSide) add(`${p.target}>`, `${p.exits[0]!.edge}>`, Infinity, p.exits[0]!.edge);
  }
  for (const bus of buses) add(`${bus.target}<`, busPort(bus.target), Infinity, bus.edges[0]!);
  const at = new Map<string, number>();
  for (const [side, list] of sides) {
    const node = Number.parseInt(side, 10);
    const step = list.length > 1 ? Math.min(PORT_STEP, (nodes[node]!.width * 0.5) / (list.length - 1)) : 0;
    list.sort((a, b) => (a.toward === b.toward ? 0 : a.toward < b.toward ? -1 : 1) || a.edge - b.edge);
    list.forEach((p, k) => at.set(p.key, cx[node]! + (k - (list.length - 1) / 2) * step));
  }
  return at;
}

export interface SelfLoop {
  readonly node: number;
  /** This loop's place among the node's loops, from the inside out. */
  readonly k: number;
  readonly of: number;
}

/** The self-loops by edge, and the room each node needs on its right for its loops and their labels. */
export function selfLoops(g: RankedGraph, labelWidths: readonly (number | undefined)[]): { loops: Map<number, SelfLoop>; extent: number[] } {
  const byNode = new Map<number, number[]>();
  g.ends.forEach((end, edge) => {
    if (!end || end[0] !== end[1]) return;
    const edges = byNode.get(end[0]);
    if (edges) edges.push(edge);
    else byNode.set(end[0], [edge]);
  });
  const loops = new Map<number, SelfLoop>();
  const extent = g.items.filter((item) => item.node !== undefined).map(() => 0);
  for (const [node, edges] of byNode) {
    edges.forEach((edge, k) => loops.set(edge, { node, k, of: edges.length }));
    const label = Math.max(0, ...edges.map((e) => labelWidths[e] ?? 0));
    extent[node] = LOOP.width + LOOP.step * (edges.length - 1) + (label ? LOOP.labelGap + label : 0);
  }
  return { loops, extent };
}

/** A loop out of the node's right side and back in, its label to the right of the outermost loop. */
export function loopRoute(node: Box, loop: SelfLoop, labelWidth: number | undefined): { points: Point[]; labelBox?: Box } {
  const right = node.x + node.width;
  const cy = node.y + node.height / 2;
  const dx = LOOP.width + LOOP.step * loop.k;
  const dy = Math.min(LOOP.rise + 4 * loop.k, node.height / 2 - 3);
  const points = [
    { x: right, y: cy - dy },
    { x: right + dx, y: cy - dy },
    { x: right + dx, y: cy + dy },
    { x: right, y: cy + dy },
  ];
  if (!labelWidth) return { points };
  const h = LAYOUT_SPACING.labelHeight;
  const x = right + LOOP.width + LOOP.step * (loop.of - 1) + LOOP.labelGap;
  return { points, labelBox: { x, y: cy - h / 2 + (loop.k - (loop.of - 1) / 2) * (h + 2), width: labelWidth, height: h } };
}
