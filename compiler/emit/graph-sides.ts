/**
 * Everything drawn right of the boxes: back edges (graph-back) and buses (graph-bus). They share one set of lanes,
 * placed together so that none overlaps another, and the runs in the gaps, which decide how tall each gap is.
 */
import type { Extent } from './graph-align.js';
import { backLane, backRoutes, backRuns, sideSlots, type BackPlan } from './graph-back.js';
import { busLane, busRoutes, busRuns, type Bus } from './graph-bus.js';
import type { Band, Box, LaidOutNode, Point } from './graph-layout.js';
import { placeLanes, planRuns, type Run } from './graph-lanes.js';
import type { RankedGraph } from './graph-order.js';

export interface SideRoutes {
  readonly back: Map<number, { points: Point[]; labelBox?: Box }>;
  readonly bus: Map<number, Point[]>;
}

export interface SidePlan {
  /** Per rank r, how many runs lie in the gap above it; a busy gap is made taller. */
  readonly loads: readonly number[];
  readonly route: (layout: { cx: readonly number[]; bands: readonly Band[]; nodes: readonly LaidOutNode[]; port: ReadonlyMap<string, number> }) => SideRoutes;
}

/** Lanes and runs from the x positions; the routes once the bands and nodes are known. */
export function planSides(
  g: RankedGraph,
  placement: { cx: readonly number[]; extent: readonly Extent[] },
  plans: readonly BackPlan[],
  buses: readonly Bus[],
  labelWidths: readonly (number | undefined)[],
): SidePlan {
  const specs = [...plans.map((p) => backLane(g, p, labelWidths)), ...buses.map((b) => busLane(g, b))];
  const x = placeLanes(g, placement.cx, placement.extent, specs);
  // From the inside out.
  const order = specs.map((_, k) => k).sort((a, b) => x[a]! - x[b]! || specs[a]!.tie - specs[b]!.tie);
  const isBack = (k: number): boolean => k < plans.length;
  const runs = planRuns(
    order.flatMap((k) => (isBack(k) ? backRuns(g, plans[k]!) : busRuns(g, buses[k - plans.length]!))),
    g.ranks.length,
  );
  return {
    loads: runs.loads,
    route: (layout) => {
      const { bands } = layout;
      const gapMid = (r: number): number => (bands[r - 1]!.top + bands[r - 1]!.height + bands[r]!.top) / 2;
      const runY = (run: Run): number => runs.y(run, gapMid(run.gap));
      const onSide = sideSlots(plans);
      const routes: SideRoutes = { back: new Map(), bus: new Map() };
      for (const k of order) {
        if (isBack(k)) for (const [e, route] of backRoutes(g, plans[k]!, { x: x[k]!, half: specs[k]!.half }, { ...layout, runY, onSide })) routes.back.set(e, route);
        else for (const [e, points] of busRoutes(g, buses[k - plans.length]!, x[k]!, { ...layout, runY })) routes.bus.set(e, points);
      }
      return routes;
    },
  };
}
