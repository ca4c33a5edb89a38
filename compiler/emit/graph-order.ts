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
  /** Per forward edge: item indices from its source down to its target; empty for other edges. */
  readonly chains: readonly (readonly number[])[];
  /** Per edge: true when it goes to the same or an earlier layer (a self-loop too). */
  readonly back: readonly boolean[];
  /** Per edge: its source and target node, unless one of them is not a node. */
  readonly ends: readonly (readonly [number, number] | undefined)[];
}

const SWEEPS = 4;

export function rankGraph(model: GraphModel): RankedGraph {
  const index = new Map(model.nodes.map((n, i) => [n.id, i]));
  const ends = model.edges.map((e) => {
    const [from, to] = [index.get(e.from), index.get(e.to)];
    return from === undefined || to === undefined ? undefined : ([from, to] as const);
  });
  const back = backEdges(model.nodes.length, ends);
  const layer = longestPath(model, ends, back);
  const items: RankItem[] = layer.map((l, node) => ({ node, rank: 2 * l, label: false }));
  const chains = ends.map((end, edge) => {
    if (!end || back[edge]) return [];
    const [from, to] = end;
    const chain = [from];
    // The label sits in the row just below the source.
    for (let rank = 2 * layer[from]! + 1; rank < 2 * layer[to]!; rank++) {
      chain.push(items.push({ edge, rank, label: Boolean(model.edges[edge]!.label) && rank === 2 * layer[from]! + 1 }) - 1);
    }
    chain.push(to);
    return chain;
  });
  const ranks: number[][] = [];
  items.forEach((item, i) => (ranks[item.rank] ??= []).push(i));
  for (let r = 0; r < ranks.length; r++) ranks[r] ??= [];
  return { items, ranks: orderRanks(ranks, chains), chains, back, ends };
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
function orderRanks(initial: number[][], chains: readonly (readonly number[])[]): number[][] {
  const { up, down } = neighbours(initial.flat().length, chains);
  const ranks = initial.map((r) => [...r]);
  let best = { ranks: ranks.map((r) => [...r]), crossings: countCrossings(ranks, down) };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let r = 1; r < ranks.length; r++) ranks[r] = byBarycenter(ranks[r]!, up, ranks[r - 1]!);
    for (let r = ranks.length - 2; r >= 0; r--) ranks[r] = byBarycenter(ranks[r]!, down, ranks[r + 1]!);
    const crossings = countCrossings(ranks, down);
    if (crossings < best.crossings) best = { ranks: ranks.map((r) => [...r]), crossings };
  }
  return best.ranks;
}

function byBarycenter(rank: readonly number[], adjacent: readonly number[][], fixed: readonly number[]): number[] {
  const pos = new Map(fixed.map((item, i) => [item, i]));
  const keyed = rank.map((item, slot) => {
    const at = adjacent[item]!.map((n) => pos.get(n)!);
    // Scaled to the fixed rank's width so a node without neighbours there keeps its relative place.
    const own = rank.length > 1 ? (slot * Math.max(fixed.length - 1, 0)) / (rank.length - 1) : 0;
    return { item, slot, key: at.length ? at.reduce((a, b) => a + b, 0) / at.length : own };
  });
  keyed.sort((a, b) => a.key - b.key || a.slot - b.slot);
  return keyed.map((k) => k.item);
}

function countCrossings(ranks: readonly (readonly number[])[], down: readonly number[][]): number {
  let crossings = 0;
  for (let r = 0; r + 1 < ranks.length; r++) {
    const below = new Map(ranks[r + 1]!.map((item, i) => [item, i]));
    const pairs = ranks[r]!.flatMap((item, i) => down[item]!.map((n) => [i, below.get(n)!] as const));
    for (let a = 0; a < pairs.length; a++) {
      for (let b = a + 1; b < pairs.length; b++) {
        if ((pairs[a]![0] - pairs[b]![0]) * (pairs[a]![1] - pairs[b]![1]) < 0) crossings++;
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
