/**
 * Buses: the long forward edges into one node share a lane. Each leaves its source like any forward edge, through
 * its label slot in the rank below, then turns right in the next gap to the lane of its target, runs down it, and
 * turns left in the gap above the target into one port on its top. Where edges share the lane and that last turn
 * their lines coincide, so a hundred "on fail" edges into one final step read as one line that others join, and
 * each costs a fixed number of points whatever its length.
 */
import type { Band, LaidOutNode, Point } from './graph-layout.js';
import type { LaneSpec, Run } from './graph-lanes.js';
import type { RankedGraph } from './graph-order.js';
import { border, busPort, withoutRepeats } from './graph-route.js';

export interface Bus {
  readonly target: number;
  /** Its edges in model order. */
  readonly edges: readonly number[];
}

/** One per node that bus edges lead into, in the order of their first edges. */
export function planBuses(g: RankedGraph): Bus[] {
  const byTarget = new Map<number, number[]>();
  g.bus.forEach((isBus, e) => {
    if (!isBus) return;
    const target = g.ends[e]![1];
    const edges = byTarget.get(target);
    if (edges) edges.push(e);
    else byTarget.set(target, [e]);
  });
  return [...byTarget].map(([target, edges]) => ({ target, edges }));
}

const rankOf = (g: RankedGraph, item: number): number => g.items[item]!.rank;
/** The gap in which edge e turns from its label slot toward the lane. */
const turnGap = (g: RankedGraph, e: number): number => rankOf(g, g.chains[e]![0]!) + 2;

/** From the highest turn down to the gap above the target; no label of its own. */
export function busLane(g: RankedGraph, bus: Bus): LaneSpec {
  const lo = bus.edges.reduce((m, e) => Math.min(m, turnGap(g, e)), Infinity);
  return { lo, hi: rankOf(g, bus.target) - 1, half: 0, tie: bus.edges[0]! };
}

/** Edges of one bus turning in one gap merge there, as they share the key. */
const turnRun = (g: RankedGraph, bus: Bus, e: number): Run => ({ gap: turnGap(g, e), key: `bus${bus.target}`, up: false });
const entryRun = (g: RankedGraph, bus: Bus): Run => ({ gap: rankOf(g, bus.target), key: `bus${bus.target}`, up: true });

/** The turns of its edges, then the turn into the target. */
export const busRuns = (g: RankedGraph, bus: Bus): Run[] => [...bus.edges.map((e) => turnRun(g, bus, e)), entryRun(g, bus)];

export function busRoutes(
  g: RankedGraph,
  bus: Bus,
  x: number,
  layout: { cx: readonly number[]; bands: readonly Band[]; nodes: readonly LaidOutNode[]; port: ReadonlyMap<string, number>; runY: (run: Run) => number },
): Map<number, Point[]> {
  const { cx, bands, nodes, port, runY } = layout;
  const into = port.get(busPort(bus.target))!;
  const entryY = runY(entryRun(g, bus));
  const end: Point[] = [{ x, y: entryY }, { x: into, y: entryY }, { x: into, y: border(nodes[bus.target]!, into, -1) }];
  return new Map(
    bus.edges.map((e) => {
      const [source, slot] = g.chains[e] as [number, number];
      const out = port.get(`${e}>`)!;
      const above = bands[rankOf(g, source)]!;
      const turnY = runY(turnRun(g, bus, e));
      const points = [
        { x: out, y: border(nodes[source]!, out, 1) },
        { x: out, y: above.top + above.height },
        { x: cx[slot]!, y: bands[rankOf(g, slot)]!.top },
        { x: cx[slot]!, y: turnY },
        { x, y: turnY },
        ...end,
      ];
      return [e, withoutRepeats(points)];
    }),
  );
}
