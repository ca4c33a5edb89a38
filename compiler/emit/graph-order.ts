/**
 * The first half of the layered (Sugiyama-style) layout: which edges point back, the layer of every node, the
 * dummy points where a long forward edge crosses a layer, and the left-to-right order within each layer. Back edges
 * take no part: they are routed around the right side afterwards (graph-back).
 *
 * Layers are doubled into ranks: a node of layer L sits on rank 2L and every forward edge crosses at least one odd
 * rank, where its label gets a slot of its own, so labels never overlap nodes or each other.
 */
import type { GraphModel } from './graph-model.js';

/** One slot of a rank: a node, or a dummy where an edge crosses the rank (possibly carrying the edge's label). */
export interface RankItem {
  /** Index into `model.nodes`, for a node. */
  readonly node?: number;
  /** Index into `model.edges`, for a dummy. */
  readonly edge?: number;
  readonly rank: number;
  /** The dummy that carries its edge's label. */
  readonly label: boolean;
}

export interface RankedGraph {
  /** Nodes first (item i is node i), then the dummies. */
  readonly items: readonly RankItem[];
  /** Item indices per rank, left to right. */
  readonly ranks: readonly (readonly number[])[];
  /**
   * Per forward edge: item indices from its source down to its target; empty for other edges. A bus edge's chain
   * stops at its label slot, the rank just below its source.
   */
  readonly chains: readonly (readonly number[])[];
  /**
   * Per edge: a forward edge over `BUS_SPAN` layers or more. It leaves its label slot for the bus of its target, a
   * lane right of the ranks it spans that all such edges into that target share (graph-bus), instead of taking a
   * slot in every rank on the way: many long edges into one node (every step's "on fail" into a shared final step)
   * would otherwise cost slots, width and path points in proportion to edges times layers.
   */
  readonly bus: readonly boolean[];
  /** Per edge: true when it goes to the same or an earlier layer (a self-loop too). */
  readonly back: readonly boolean[];
  /** Per edge: its source and target node, unless one of them is not a node. */
  readonly ends: readonly (readonly [number, number] | undefined)[];
}

const SWEEPS = 4;
/** A forward edge over this many layers or more joins its target's bus. */
export const BUS_SPAN = 4;

export function rankGraph(model: GraphModel): RankedGraph {
  const index = new Map(model.nodes.map((n, i) => [n.id, i]));
  const ends = model.edges.map((e) => {
    const [from, to] = [index.get(e.from), index.get(e.to)];
    return from === undefined || to === undefined ? undefined : ([from, to] as const);
  });
  const back = backEdges(model.nodes.length, ends);
  const layer = longestPath(model, ends, back);
  const items: RankItem[] = layer.map((l, node) => ({ node, rank: 2 * l, label: false }));
  const bus = ends.map((end, edge) => end !== undefined && !back[edge] && layer[end[1]]! - layer[end[0]]! >= BUS_SPAN);
  const chains = ends.map((end, edge) => {
    if (!end || back[edge]) return [];
    const [from, to] = end;
    const chain = [from];
    // The label sits in the row just below the source.
    const last = bus[edge] ? 2 * layer[from]! + 2 : 2 * layer[to]!;
    for (let rank = 2 * layer[from]! + 1; rank < last; rank++) {
      chain.push(items.push({ edge, rank, label: Boolean(model.edges[edge]!.label) && rank === 2 * layer[from]! + 1 }) - 1);
    }
    if (!bus[edge]) chain.push(to);
    return chain;
  });
  const ranks: number[][] = [];
  items.forEach((item, i) => (ranks[item.rank] ??= []).push(i));
  for (let r = 0; r < ranks.length; r++) ranks[r] ??= [];
  return { items, ranks: orderRanks(ranks, chains, bus), chains, back, bus, ends };
}

type Ends = readonly (readonly [number, number] | undefined)[];

/** Depth-first from start, then the commands, then any node not reached: an edge to a node on the stack is back. */
function backEdges(count: number, ends: Ends): boolean[] {
  const out: number[][] = Array.from({ length: count }, () => []);
  ends.forEach((end, e) => end && out[end[0]]!.push(e));
  const back = ends.map((end) => end !== undefined && end[0] === end[1]);
  const state = new Array<number>(count).fill(0); // 0 unseen, 1 on the stack, 2 done
  for (let root = 0; root < count; root++) {
    if (state[root]) continue;
    state[root] = 1;
    const stack: [number, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const e = out[top[0]]![top[1]++];
      if (e === undefined) {
        state[top[0]] = 2;
        stack.pop();
        continue;
      }
      const to = ends[e]![1];
      if (state[to] === 1) back[e] = true;
      else if (state[to] === 0) {
        state[to] = 1;
        stack.push([to, 0]);
      }
    }
  }
  return back;
}

/** Layer = longest path over the forward edges; start and commands on layer 0, steps on layer 1 at least. */
function longestPath(model: GraphModel, ends: Ends, back: readonly boolean[]): number[] {
  const layer = model.nodes.map((n): number => (n.kind === 'step' ? 1 : 0));
  const indegree = layer.map(() => 0);
  const out: number[][] = layer.map(() => []);
  ends.forEach((end, e) => {
    if (!end || back[e]) return;
    out[end[0]]!.push(end[1]);
    indegree[end[1]]!++;
  });
  const queue = layer.map((_, i) => i).filter((i) => indegree[i] === 0);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const to of out[v]!) {
      layer[to] = Math.max(layer[to]!, layer[v]! + 1);
      if (--indegree[to]! === 0) queue.push(to);
    }
  }
  return layer;
}

/** Barycenter sweeps down and up, keeping the order with the fewest crossings. */
function orderRanks(initial: number[][], chains: readonly (readonly number[])[], bus: readonly boolean[]): number[][] {
  const count = initial.reduce((n, r) => n + r.length, 0);
  const { up, down } = neighbours(count, chains);
  // A bus edge heads right from its label slot, so the slot goes right of its siblings.
  const lean = new Array<number>(count).fill(0);
  chains.forEach((chain, e) => bus[e] && (lean[chain[chain.length - 1]!] = 0.5));
  // Per item, its place in its rank.
  const pos = new Array<number>(count).fill(0);
  const ranks = initial.map((r) => [...r]);
  const reorder = (r: number, adjacent: readonly number[][], fixed: number): void => {
    ranks[r] = byBarycenter(ranks[r]!, adjacent, pos, ranks[fixed]!.length, lean);
    ranks[r]!.forEach((item, i) => (pos[item] = i));
  };
  ranks.forEach((rank) => rank.forEach((item, i) => (pos[item] = i)));
  let best = { ranks: ranks.map((r) => [...r]), crossings: countCrossings(ranks, down, pos) };
  for (let sweep = 0; sweep < SWEEPS && best.crossings > 0; sweep++) {
    for (let r = 1; r < ranks.length; r++) reorder(r, up, r - 1);
    for (let r = ranks.length - 2; r >= 0; r--) reorder(r, down, r + 1);
    const crossings = countCrossings(ranks, down, pos);
    if (crossings < best.crossings) best = { ranks: ranks.map((r) => [...r]), crossings };
  }
  return best.ranks.map((rank) => busSlotsLast(rank, up, lean));
}

/** Each bus slot right after the last of the items that share its source, so that it turns right crossing none of them. */
function busSlotsLast(rank: readonly number[], up: readonly number[][], lean: readonly number[]): number[] {
  const out = rank.filter((item) => !lean[item]);
  for (const slot of rank.filter((item) => lean[item])) {
    const source = up[slot]![0];
    const sibling = out.findLastIndex((item) => up[item]!.includes(source!));
    const before = rank.slice(0, rank.indexOf(slot)).filter((item) => !lean[item]).length;
    out.splice(sibling >= 0 ? sibling + 1 : before, 0, slot);
  }
  return out;
}

/** `pos`: the place of every item of the fixed rank, which has `width` items. */
function byBarycenter(rank: readonly number[], adjacent: readonly number[][], pos: readonly number[], width: number, lean: readonly number[]): number[] {
  const keyed = rank.map((item, slot) => {
    const at = adjacent[item]!;
    let sum = 0;
    for (const n of at) sum += pos[n]!;
    // Scaled to the fixed rank's width so a node without neighbours there keeps its relative place.
    const own = rank.length > 1 ? (slot * Math.max(width - 1, 0)) / (rank.length - 1) : 0;
    return { item, slot, key: at.length ? sum / at.length + lean[item]! : own };
  });
  keyed.sort((a, b) => a.key - b.key || a.slot - b.slot);
  return keyed.map((k) => k.item);
}

/** Edge pairs that cross between neighbouring ranks: inversions, counted with a Fenwick tree in O(E log E). */
function countCrossings(ranks: readonly (readonly number[])[], down: readonly number[][], pos: readonly number[]): number {
  let crossings = 0;
  for (let r = 0; r + 1 < ranks.length; r++) {
    const size = ranks[r + 1]!.length;
    const tree = new Array<number>(size + 1).fill(0);
    let seen = 0;
    for (const item of ranks[r]!) {
      // Sorted so that an edge of the same upper end is never counted: it shares an end, it does not cross.
      const ends = down[item]!.map((n) => pos[n]!).sort((a, b) => a - b);
      for (const j of ends) {
        let atMost = 0;
        for (let k = j + 1; k > 0; k -= k & -k) atMost += tree[k]!;
        crossings += seen - atMost;
      }
      for (const j of ends) {
        for (let k = j + 1; k <= size; k += k & -k) tree[k]!++;
        seen++;
      }
    }
  }
  return crossings;
}

/** Per item: the items next to it on its edges, in the rank above and in the rank below. */
export function neighbours(count: number, chains: readonly (readonly number[])[]): { up: number[][]; down: number[][] } {
  const up: number[][] = Array.from({ length: count }, () => []);
  const down: number[][] = Array.from({ length: count }, () => []);
  for (const chain of chains) {
    for (let k = 1; k < chain.length; k++) {
      up[chain[k]!]!.push(chain[k - 1]!);
      down[chain[k - 1]!]!.push(chain[k]!);
    }
  }
  return { up, down };
}
