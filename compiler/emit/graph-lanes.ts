/**
 * Lanes and runs shared by back edges (graph-back) and buses (graph-bus). A lane is a vertical line right of every
 * item in the ranks it passes and clear of the lanes (and labels) beside it; a run is a horizontal line in the gap
 * above a rank, between a lane and a node's port, at a height of its own in that gap.
 */
import type { Extent } from './graph-align.js';
import { LAYOUT_SPACING } from './graph-metrics.js';
import type { RankedGraph } from './graph-order.js';

export interface LaneSpec {
  /** The ranks it passes, top and bottom, inclusive. */
  readonly lo: number;
  readonly hi: number;
  /** Half the width of the label centred on it; 0 for none. */
  readonly half: number;
  /** Breaks ties between lanes of one length: the lower goes inside. */
  readonly tie: number;
}

/** Between two lanes, beyond their labels. */
const LANE_GAP = 12;

/**
 * x per lane: shorter lanes first, so that they get the inner places, each as far left as the boxes of its ranks
 * and the lanes already placed beside it allow. The right end of a span of ranks is a range-maximum query on a
 * sparse table, so a lane costs O(lanes), not O(ranks × items).
 */
export function placeLanes(g: RankedGraph, cx: readonly number[], extent: readonly Extent[], specs: readonly LaneSpec[]): number[] {
  const rightOf = rangeMax(g.ranks.map((rank) => rank.reduce((m, i) => Math.max(m, cx[i]! + extent[i]!.right), -Infinity)));
  const x = specs.map(() => 0);
  // Placed lanes by x, so that one pass pushes a new lane right past every lane in its way.
  const placed: number[] = [];
  const order = specs.map((_, k) => k).sort((a, b) => specs[a]!.hi - specs[a]!.lo - (specs[b]!.hi - specs[b]!.lo) || specs[a]!.tie - specs[b]!.tie);
  for (const k of order) {
    const { lo, hi, half } = specs[k]!;
    let at = rightOf(lo, hi) + LAYOUT_SPACING.edgeGap + half;
    for (const l of placed) {
      const other = specs[l]!;
      if (other.lo <= hi && lo <= other.hi && Math.abs(at - x[l]!) < other.half + half + LANE_GAP) at = x[l]! + other.half + half + LANE_GAP;
    }
    x[k] = at;
    placed.splice(upperBound(placed, (l) => x[l]! <= at), 0, k);
  }
  return x;
}

/** The first index whose element fails `before` (which holds for a prefix). */
function upperBound(list: readonly number[], before: (item: number) => boolean): number {
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(list[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Maximum of values[lo..hi] in O(1) after O(n log n) set-up. */
function rangeMax(values: readonly number[]): (lo: number, hi: number) => number {
  const table = [values];
  for (let w = 1; 2 * w <= values.length; w *= 2) {
    const prev = table[table.length - 1]!;
    table.push(prev.slice(0, values.length - 2 * w + 1).map((v, i) => Math.max(v, prev[i + w]!)));
  }
  return (lo, hi) => {
    const level = 31 - Math.clz32(hi - lo + 1);
    const row = table[level]!;
    return Math.max(row[lo]!, row[hi - (1 << level) + 1]!);
  };
}

export interface Run {
  /** The gap above this rank. */
  readonly gap: number;
  /** Runs of one key in one gap share their height: a bus's edges merge there. */
  readonly key: string;
  /** Its lane goes on upward (else downward) from it. */
  readonly up: boolean;
}

/**
 * Heights for the runs, given in the order of their lanes from the inside out. Runs whose lane goes on upward fill
 * a gap from the top, the others from the bottom, so a lane further out never crosses the runs of the lanes inside
 * it there.
 */
export function planRuns(runs: readonly Run[], rankCount: number): { loads: number[]; y: (run: Run, mid: number) => number } {
  const slot = new Map<string, { k: number; up: boolean }>();
  const counts = Array.from({ length: rankCount }, () => ({ up: 0, down: 0 }));
  const id = (run: Run): string => `${run.gap}:${run.key}`;
  for (const run of runs) {
    if (slot.has(id(run))) continue;
    const count = counts[run.gap]!;
    slot.set(id(run), { k: run.up ? count.up++ : count.down++, up: run.up });
  }
  const loads = counts.map((c) => c.up + c.down);
  return {
    loads,
    y: (run, mid) => {
      const { k, up } = slot.get(id(run))!;
      const count = loads[run.gap]!;
      return mid + ((up ? k : count - 1 - k) - (count - 1) / 2) * LAYOUT_SPACING.runGap;
    },
  };
}
