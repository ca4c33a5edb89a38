/** Horizontal placement: every item as close as the spacing allows to the mean of its neighbours. */
import { LAYOUT_SPACING } from './graph-metrics.js';
import { neighbours, type RankedGraph } from './graph-order.js';

export interface Extent {
  readonly left: number;
  readonly right: number;
}

const SWEEPS = 8;
/**
 * In a graph of more than `LARGE` nodes every item also leans this much toward x = 0. Lopsided ranks (a wide label
 * on one side of a node) shift the rest of the graph sideways a little, and over thousands of ranks that adds up to
 * a drawing many times wider than its widest rank; the lean holds it, at the cost of a few pixels of slant in edges
 * that would be straight.
 */
const ANCHOR = 0.01;
const LARGE = 400;
/** A bus slot's weight: it gives way to every other item. */
const FOLLOWER_WEIGHT = 0.01;
/** No neighbours: every item wants to stay where it is. */
const STAY: readonly number[][] = [];

/** Centre x per item: sweeps down (centring on the rank above), then up (on the rank below). */
export function alignX(g: RankedGraph, extent: readonly Extent[]): number[] {
  const { up, down } = neighbours(g.items.length, g.chains);
  // A bus edge leaves its label slot for a lane on the right: the slot follows its source, but neither pulls the
  // source toward it nor holds its place against the edges that go on down.
  const follows = new Map<number, number>();
  g.chains.forEach((chain, e) => {
    if (!g.bus[e]) return;
    follows.set(chain[1]!, chain[0]!);
    down[chain[0]!] = down[chain[0]!]!.filter((i) => i !== chain[1]);
  });
  const isNode = (i: number): boolean => g.items[i]!.node !== undefined;
  // Per rank, where each item's left constraint starts: the sum of the gaps before it.
  const offsets = g.ranks.map((rank) => {
    const offset = [0];
    for (let k = 1; k < rank.length; k++) {
      const [a, b] = [rank[k - 1]!, rank[k]!];
      offset.push(offset[k - 1]! + extent[a]!.right + extent[b]!.left + (isNode(a) && isNode(b) ? LAYOUT_SPACING.nodeGap : LAYOUT_SPACING.edgeGap));
    }
    return offset;
  });
  // Dummies weigh more, so long edges stay straight and the nodes move instead.
  const weights = g.ranks.map((rank) => rank.map((i): number => (follows.has(i) ? FOLLOWER_WEIGHT : isNode(i) ? 1 : 4)));
  const x = new Array<number>(g.items.length).fill(0);
  const keep = g.items.filter((item) => item.node !== undefined).length > LARGE ? 1 - ANCHOR : 1;
  const place = (r: number, adjacent: readonly (readonly number[])[], weight = weights[r]!): void => {
    const rank = g.ranks[r]!;
    const desired = rank.map((i) => {
      const source = follows.get(i);
      if (source !== undefined) return x[source]!;
      const ns = adjacent[i] ?? [];
      let sum = 0;
      for (const n of ns) sum += x[n]!;
      return (ns.length ? sum / ns.length : x[i]!) * keep;
    });
    placeRank(desired, weight, offsets[r]!).forEach((v, k) => (x[rank[k]!] = v));
  };
  for (let r = 0; r < g.ranks.length; r++) place(r, down);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let r = 1; r < g.ranks.length; r++) place(r, up);
    for (let r = g.ranks.length - 2; r >= 0; r--) place(r, down);
  }
  // The last sweep moved sources after their bus slots: the slots catch up, and nothing else moves.
  g.ranks.forEach((rank, r) => rank.some((i) => follows.has(i)) && place(r, STAY, rank.map((i) => (follows.has(i) ? FOLLOWER_WEIGHT : 1e6))));
  return x;
}

/**
 * The positions nearest (weighted least squares) to `desired` that keep item k+1 at least `offset[k+1] - offset[k]`
 * right of item k. With y = x - offset the constraint is y non-decreasing: an isotonic regression, solved exactly
 * by pooling adjacent violators.
 */
export function placeRank(desired: readonly number[], weights: readonly number[], offset: readonly number[]): number[] {
  // The pooled blocks as a stack of parallel arrays: value, weight and item count.
  const value: number[] = [];
  const weight: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < desired.length; i++) {
    let [v, w, c] = [desired[i]! - offset[i]!, weights[i]!, 1];
    while (value.length > 0 && value[value.length - 1]! >= v) {
      const [pv, pw] = [value.pop()!, weight.pop()!];
      v = (pv * pw + v * w) / (pw + w);
      w += pw;
      c += count.pop()!;
    }
    value.push(v);
    weight.push(w);
    count.push(c);
  }
  const out = new Array<number>(desired.length);
  for (let b = 0, i = 0; b < value.length; b++) for (let k = 0; k < count[b]!; k++, i++) out[i] = value[b]! + offset[i]!;
  return out;
}
