/** Horizontal placement: every item as close as the spacing allows to the mean of its neighbours. */
import { LAYOUT_SPACING } from './graph-metrics.js';
import { neighbours, type RankedGraph } from './graph-order.js';

export interface Extent {
  readonly left: number;
  readonly right: number;
}

const SWEEPS = 8;

/** Centre x per item: sweeps down (centring on the rank above), then up (on the rank below). */
export function alignX(g: RankedGraph, extent: readonly Extent[]): number[] {
  const { up, down } = neighbours(g.items.length, g.chains);
  const isNode = (i: number): boolean => g.items[i]!.node !== undefined;
  const gaps = (rank: readonly number[]): number[] =>
    rank.slice(1).map((b, k) => {
      const a = rank[k]!;
      return extent[a]!.right + extent[b]!.left + (isNode(a) && isNode(b) ? LAYOUT_SPACING.nodeGap : LAYOUT_SPACING.edgeGap);
    });
  const x = new Array<number>(g.items.length).fill(0);
  const place = (rank: readonly number[], adjacent: readonly number[][]): void => {
    const desired = rank.map((i) => {
      const ns = adjacent[i]!;
      return ns.length ? ns.reduce((sum, n) => sum + x[n]!, 0) / ns.length : x[i]!;
    });
    // Dummies weigh more, so long edges stay straight and the nodes move instead.
    const weights = rank.map((i) => (isNode(i) ? 1 : 4));
    placeRank(desired, weights, gaps(rank)).forEach((v, k) => (x[rank[k]!] = v));
  };
  for (const rank of g.ranks) place(rank, down);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let r = 1; r < g.ranks.length; r++) place(g.ranks[r]!, up);
    for (let r = g.ranks.length - 2; r >= 0; r--) place(g.ranks[r]!, down);
  }
  return x;
}

/**
 * The positions nearest (weighted least squares) to `desired` that keep item k+1 at least `gaps[k]` right of
 * item k. With y = x - (sum of the gaps before it) the constraint is y non-decreasing: an isotonic regression,
 * solved exactly by pooling adjacent violators.
 */
export function placeRank(desired: readonly number[], weights: readonly number[], gaps: readonly number[]): number[] {
  const offset = [0];
  for (const gap of gaps) offset.push(offset[offset.length - 1]! + gap);
  const blocks: { value: number; weight: number; count: number }[] = [];
  desired.forEach((d, i) => {
    let block = { value: d - offset[i]!, weight: weights[i]!, count: 1 };
    while (blocks.length > 0 && blocks[blocks.length - 1]!.value >= block.value) {
      const prev = blocks.pop()!;
      const weight = prev.weight + block.weight;
      block = { value: (prev.value * prev.weight + block.value * block.weight) / weight, weight, count: prev.count + block.count };
    }
    blocks.push(block);
  });
  return blocks.flatMap((b) => new Array<number>(b.count).fill(b.value)).map((y, i) => y + offset[i]!);
}
