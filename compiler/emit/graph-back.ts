/**
 * Back edges (to an earlier layer) run around the right side: out of the source (its right side when no node
 * stands right of it, else up from its top into the gap above), up a lane right of everything in the ranks they
 * span, and into the target (its right side when no node stands right of it, else from the gap below up into its
 * bottom). Horizontal runs lie in the gaps between ranks or beside a rightmost node, and lanes right of every
 * box, so a back edge never crosses a node or a label.
 */
import type { Box, LaidOutNode, Point } from './graph-layout.js';
import type { LaneSpec, Run } from './graph-lanes.js';
import { LAYOUT_SPACING } from './graph-metrics.js';
import type { RankedGraph } from './graph-order.js';

export interface BackExit {
  readonly edge: number;
  readonly source: number;
  /** Leaves the source's right side; else its top. */
  readonly exitSide: boolean;
}

/**
 * One lane into one target: for one back edge, or for `MERGE` or more with one label (or none) into one target,
 * which then share the lane, the way in and the label, as buses do (a menu that twenty steps go back to).
 */
export interface BackPlan {
  readonly target: number;
  /** Enters the target's right side; else its bottom. */
  readonly enterSide: boolean;
  /** In model order; the first one's label is drawn. */
  readonly exits: readonly BackExit[];
}

/** Between two back-edge ends on one side of a node: room for their arrow heads. */
const SIDE_GAP = 10;
/** This many back edges with one label into one node, or more, share a lane. */
const MERGE = 3;

/** `hasLoop`: nodes whose right side a self-loop already takes. */
export function planBackEdges(g: RankedGraph, hasLoop: (node: number) => boolean, labels: readonly (string | undefined)[]): BackPlan[] {
  const rightmost = new Set(g.ranks.map((rank) => rank.filter((i) => g.items[i]!.node !== undefined).at(-1)));
  const side = (node: number): boolean => rightmost.has(node) && !hasLoop(node);
  const groups = new Map<string, BackExit[]>();
  g.ends.forEach((end, edge) => {
    if (!end || !g.back[edge] || end[0] === end[1]) return;
    const key = `${end[1]}\u0000${labels[edge] ?? ''}`;
    const exit = { edge, source: end[0], exitSide: side(end[0]) };
    const group = groups.get(key);
    if (group) group.push(exit);
    else groups.set(key, [exit]);
  });
  const plans = [...groups.values()].flatMap((exits) => (exits.length >= MERGE ? [exits] : exits.map((x) => [x])));
  return plans
    .map((exits) => {
      const target = g.ends[exits[0]!.edge]![1];
      return { target, enterSide: side(target), exits };
    })
    .sort((a, b) => a.exits[0]!.edge - b.exits[0]!.edge);
}

const lead = (p: BackPlan): number => p.exits[0]!.edge;

/** Right of every box in the ranks from its target down to its lowest source. */
export function backLane(g: RankedGraph, plan: BackPlan, labelWidths: readonly (number | undefined)[]): LaneSpec {
  const hi = plan.exits.reduce((m, x) => Math.max(m, g.items[x.source]!.rank), -Infinity);
  return { lo: g.items[plan.target]!.rank, hi, half: (labelWidths[lead(plan)] ?? 0) / 2, tie: lead(plan) };
}

const exitRun = (g: RankedGraph, p: BackPlan, x: BackExit): Run => ({ gap: g.items[x.source]!.rank, key: `back${lead(p)}`, up: true });
const entryRun = (g: RankedGraph, p: BackPlan): Run => ({ gap: g.items[p.target]!.rank + 1, key: `back${lead(p)}`, up: false });

/** Out of the gap above each source, unless it leaves from the side; into the gap below its target, likewise. */
export const backRuns = (g: RankedGraph, p: BackPlan): Run[] => [
  ...p.exits.flatMap((x) => (x.exitSide ? [] : [exitRun(g, p, x)])),
  ...(p.enterSide ? [] : [entryRun(g, p)]),
];

/**
 * Heights on the right sides of nodes for the back edges that leave or enter there, evenly spaced around the
 * middle. Called in the order of the lanes from the inside out: exits fill from the top and entries from the
 * bottom, so a lane further out runs its exit below and its entry above the lanes inside it, and no two cross.
 */
export function sideSlots(plans: readonly BackPlan[]): (node: number, mid: number, entry: boolean) => number {
  const count = new Map<number, number>();
  const add = (node: number): void => void count.set(node, (count.get(node) ?? 0) + 1);
  for (const p of plans) {
    for (const x of p.exits) if (x.exitSide) add(x.source);
    if (p.enterSide) add(p.target);
  }
  const taken = new Map<string, number>();
  return (node, mid, entry) => {
    const key = `${node}${entry ? '^' : 'v'}`;
    const k = taken.get(key) ?? 0;
    taken.set(key, k + 1);
    const n = count.get(node)!;
    return mid + ((entry ? n - 1 - k : k) - (n - 1) / 2) * SIDE_GAP;
  };
}

/** The route of each edge of the plan; the label, if any, goes with the first. */
export function backRoutes(
  g: RankedGraph,
  p: BackPlan,
  lane: { x: number; half: number },
  layout: { nodes: readonly LaidOutNode[]; port: ReadonlyMap<string, number>; runY: (run: Run) => number; onSide: (node: number, mid: number, entry: boolean) => number },
): Map<number, { points: Point[]; labelBox?: Box }> {
  const { nodes, port, runY, onSide } = layout;
  const { x, half } = lane;
  const exits = p.exits.map((exit): Point[] => {
    const s = nodes[exit.source]!;
    if (exit.exitSide) {
      const y = onSide(exit.source, s.y + s.height / 2, false);
      return [{ x: s.x + s.width, y }, { x, y }];
    }
    const px = port.get(`${exit.edge}<`)!;
    const y = runY(exitRun(g, p, exit));
    return [{ x: px, y: s.y }, { x: px, y }, { x, y }];
  });
  const t = nodes[p.target]!;
  const entry: Point[] = [];
  if (p.enterSide) {
    const y = onSide(p.target, t.y + t.height / 2, true);
    entry.push({ x, y }, { x: t.x + t.width, y });
  } else {
    const px = port.get(`${lead(p)}>`)!;
    const y = runY(entryRun(g, p));
    entry.push({ x, y }, { x: px, y }, { x: px, y: t.y + t.height });
  }
  const label = half ? { labelBox: laneLabel(x, half, [...exits.flat(), ...entry]) } : {};
  return new Map(p.exits.map((exit, k) => [exit.edge, { points: [...exits[k]!, ...entry], ...(k === 0 ? label : {}) }]));
}

/** Centred on the lane, halfway up it. */
function laneLabel(x: number, half: number, points: readonly Point[]): Box {
  const onLane = points.filter((p) => p.x === x).map((p) => p.y);
  const h = LAYOUT_SPACING.labelHeight;
  const [top, bottom] = [onLane.reduce((a, b) => Math.min(a, b)), onLane.reduce((a, b) => Math.max(a, b))];
  return { x: x - half, y: (top + bottom) / 2 - h / 2, width: 2 * half, height: h };
}
