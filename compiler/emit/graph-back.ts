/**
 * Back edges (to an earlier layer) run around the right side: out of the source (its right side when no node
 * stands right of it, else up from its top into the gap above), up a lane right of everything in the ranks they
 * span, and into the target (its right side when no node stands right of it, else from the gap below up into its
 * bottom). Horizontal runs lie in the gaps between ranks or beside a rightmost node, and lanes right of every
 * box, so a back edge never crosses a node or a label.
 */
import type { Extent } from './graph-align.js';
import type { Band, Box, LaidOutNode, Point } from './graph-layout.js';
import { LAYOUT_SPACING } from './graph-metrics.js';
import type { RankedGraph } from './graph-order.js';

export interface BackPlan {
  readonly edge: number;
  readonly source: number;
  readonly target: number;
  /** Leaves the source's right side; else its top. */
  readonly exitSide: boolean;
  /** Enters the target's right side; else its bottom. */
  readonly enterSide: boolean;
}

/** Between two lanes, beyond their labels. */
const LANE_GAP = 12;
/** Between two back-edge ends on one side of a node: room for their arrow heads. */
const SIDE_GAP = 10;

/** `hasLoop`: nodes whose right side a self-loop already takes. */
export function planBackEdges(g: RankedGraph, hasLoop: (node: number) => boolean): BackPlan[] {
  const rightmost = new Set(g.ranks.map((rank) => rank.filter((i) => g.items[i]!.node !== undefined).at(-1)));
  const side = (node: number): boolean => rightmost.has(node) && !hasLoop(node);
  return g.ends.flatMap((end, edge) => {
    if (!end || !g.back[edge] || end[0] === end[1]) return [];
    const [source, target] = end;
    return [{ edge, source, target, exitSide: side(source), enterSide: side(target) }];
  });
}

/** Per rank r, how many back-edge runs cross the gap above it; a busy gap is made taller. */
export function gapLoads(g: RankedGraph, plans: readonly BackPlan[]): number[] {
  const loads = g.ranks.map(() => 0);
  for (const p of plans) {
    if (!p.exitSide) loads[g.items[p.source]!.rank]!++;
    if (!p.enterSide) loads[g.items[p.target]!.rank + 1]!++;
  }
  return loads;
}

/**
 * Hands out `count` evenly spaced slots around a middle, per key. A lane further out should run its exit below and
 * its entry above the lanes inside it, or the runs would cross; slots are taken from the inner lane out, so exits
 * fill from the top and entries from the bottom (and the two never meet, as `count` counts both).
 */
function slots(spacing: number): (key: string, mid: number, count: number, fromBottom: boolean) => number {
  const taken = new Map<string, number>();
  return (key, mid, count, fromBottom) => {
    const k = taken.get(`${key}${fromBottom ? '^' : 'v'}`) ?? 0;
    taken.set(`${key}${fromBottom ? '^' : 'v'}`, k + 1);
    return mid + ((fromBottom ? count - 1 - k : k) - (count - 1) / 2) * spacing;
  };
}

interface Lane {
  readonly plan: BackPlan;
  readonly lo: number;
  readonly hi: number;
  readonly x: number;
  readonly half: number;
}

/** One lane per back edge, right of every box in the ranks it spans and clear of the lanes (and labels) it overlaps. */
function placeLanes(g: RankedGraph, plans: readonly BackPlan[], cx: readonly number[], extent: readonly Extent[], labelWidths: readonly (number | undefined)[]): Lane[] {
  const rank = (node: number): number => g.items[node]!.rank;
  const lanes: Lane[] = [];
  // Shorter spans first, so that they get the inner lanes.
  const order = [...plans].sort((a, b) => rank(a.source) - rank(a.target) - (rank(b.source) - rank(b.target)) || a.edge - b.edge);
  for (const plan of order) {
    const [lo, hi] = [rank(plan.target), rank(plan.source)];
    const half = (labelWidths[plan.edge] ?? 0) / 2;
    const right = g.ranks.slice(lo, hi + 1).reduce((m, r) => r.reduce((m2, i) => Math.max(m2, cx[i]! + extent[i]!.right), m), -Infinity);
    let x = right + LAYOUT_SPACING.edgeGap + half;
    for (const l of [...lanes].sort((a, b) => a.x - b.x)) {
      if (l.lo <= hi && lo <= l.hi && Math.abs(x - l.x) < l.half + half + LANE_GAP) x = l.x + l.half + half + LANE_GAP;
    }
    lanes.push({ plan, lo, hi, x, half });
  }
  return lanes.sort((a, b) => a.x - b.x || a.plan.edge - b.plan.edge);
}

export function backRoutes(
  g: RankedGraph,
  plans: readonly BackPlan[],
  layout: { cx: readonly number[]; extent: readonly Extent[]; bands: readonly Band[]; nodes: readonly LaidOutNode[]; port: ReadonlyMap<string, number> },
  labelWidths: readonly (number | undefined)[],
): Map<number, { points: Point[]; labelBox?: Box }> {
  const { cx, extent, bands, nodes, port } = layout;
  const gapMid = (r: number): number => (bands[r - 1]!.top + bands[r - 1]!.height + bands[r]!.top) / 2;
  const sideCount = new Map<number, number>();
  for (const p of plans) {
    if (p.exitSide) sideCount.set(p.source, (sideCount.get(p.source) ?? 0) + 1);
    if (p.enterSide) sideCount.set(p.target, (sideCount.get(p.target) ?? 0) + 1);
  }
  const loads = gapLoads(g, plans);
  const inGap = slots(LAYOUT_SPACING.runGap);
  const onSide = slots(SIDE_GAP);
  const routes = new Map<number, { points: Point[]; labelBox?: Box }>();
  for (const { plan: p, lo, hi, x, half } of placeLanes(g, plans, cx, extent, labelWidths)) {
    const s = nodes[p.source]!;
    const t = nodes[p.target]!;
    const points: Point[] = [];
    if (p.exitSide) {
      const y = onSide(`${p.source}`, s.y + s.height / 2, sideCount.get(p.source)!, false);
      points.push({ x: s.x + s.width, y }, { x, y });
    } else {
      const px = port.get(`${p.edge}<`)!;
      const y = inGap(`${hi}`, gapMid(hi), loads[hi]!, false);
      points.push({ x: px, y: s.y }, { x: px, y }, { x, y });
    }
    if (p.enterSide) {
      const y = onSide(`${p.target}`, t.y + t.height / 2, sideCount.get(p.target)!, true);
      points.push({ x, y }, { x: t.x + t.width, y });
    } else {
      const px = port.get(`${p.edge}>`)!;
      const y = inGap(`${lo + 1}`, gapMid(lo + 1), loads[lo + 1]!, true);
      points.push({ x, y }, { x: px, y }, { x: px, y: t.y + t.height });
    }
    routes.set(p.edge, { points, ...(half ? { labelBox: laneLabel(x, half, points) } : {}) });
  }
  return routes;
}

/** Centred on the lane, halfway up it. */
function laneLabel(x: number, half: number, points: readonly Point[]): Box {
  const onLane = points.filter((p) => p.x === x).map((p) => p.y);
  const h = LAYOUT_SPACING.labelHeight;
  return { x: x - half, y: (Math.min(...onLane) + Math.max(...onLane)) / 2 - h / 2, width: 2 * half, height: h };
}
