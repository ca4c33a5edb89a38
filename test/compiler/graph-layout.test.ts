import { describe, expect, it } from 'vitest';
import { graphEdges, graphModel, layoutGraph, type GraphLayout, type IrScenario } from '../../compiler/index.js';
import { examples, menuScenario, onFailToDone, tangled } from './graph-fixtures.js';

type Point = GraphLayout['edges'][number]['points'][number];
type Box = Pick<GraphLayout['nodes'][number], 'x' | 'y' | 'width' | 'height'>;

const menu170 = menuScenario(170);
const all: readonly (readonly [string, IrScenario])[] = [...examples, ['tangled', tangled], ['on fail to done', onFailToDone], ['menu 170', menu170]];
const layouts = all.map(([name, ir]) => [name, ir, layoutGraph(graphModel(ir))] as const);

const overlap = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Whether segment a-b enters the inside of the box (its border shrunk by half a unit, so touching is allowed). */
function crosses(a: Point, b: Point, box: Box): boolean {
  const [x0, x1, y0, y1] = [box.x + 0.5, box.x + box.width - 0.5, box.y + 0.5, box.y + box.height - 0.5];
  let [t0, t1] = [0, 1];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  // Liang-Barsky: clip the segment's parameter range against each side.
  for (const [p, q] of [[-dx, a.x - x0], [dx, x1 - a.x], [-dy, a.y - y0], [dy, y1 - a.y]] as const) {
    if (p === 0) {
      if (q <= 0) return false;
    } else if (p < 0) t0 = Math.max(t0, q / p);
    else t1 = Math.min(t1, q / p);
  }
  return t0 < t1;
}

const segments = (points: readonly Point[]): [Point, Point][] => points.slice(1).map((p, i) => [points[i]!, p]);

describe('layoutGraph', () => {
  it('is deterministic', () => {
    for (const [, ir, layout] of layouts) expect(layoutGraph(graphModel(ir))).toEqual(layout);
  });

  it('places every node and routes every edge of graphEdges, in order', () => {
    for (const [, ir, layout] of layouts) {
      expect(layout.nodes.map((n) => n.id)).toEqual(['$start', ...ir.commands.map((c) => `$cmd${c.command}`), ...Object.keys(ir.steps)]);
      expect(layout.edges.map(({ from, to, label, dashed }) => ({ from, to, label, dashed }))).toEqual(
        graphEdges(ir).map(({ from, to, label, dashed }) => ({ from, to, label, dashed })),
      );
      for (const e of layout.edges) expect(e.points.length, `${e.from} -> ${e.to}`).toBeGreaterThanOrEqual(2);
      for (const n of layout.nodes) {
        expect(n.x).toBeGreaterThanOrEqual(0);
        expect(n.y).toBeGreaterThanOrEqual(0);
        expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
        expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
      }
    }
  });

  it('puts start and the commands on the top layer', () => {
    for (const [, , layout] of layouts) {
      for (const n of layout.nodes) expect(n.layer === 0, n.id).toBe(n.kind !== 'step');
    }
  });

  it('overlaps no two nodes, no two labels, and no label with a node', () => {
    for (const [name, , layout] of layouts) {
      const boxes = [
        ...layout.nodes.map((n) => [n.id, n] as const),
        ...layout.edges.flatMap((e) => (e.labelBox ? [[`label ${e.from}->${e.to}: ${e.label}`, e.labelBox] as const] : [])),
      ];
      const overlapping: string[] = [];
      for (const [i, [a, boxA]] of boxes.entries()) {
        for (const [b, boxB] of boxes.slice(i + 1)) if (overlap(boxA, boxB)) overlapping.push(`${a} and ${b}`);
      }
      expect(overlapping, name).toEqual([]);
    }
  });

  it('draws forward edges downwards', () => {
    for (const [name, , layout] of layouts) {
      const upward = layout.edges.filter((e) => !e.back && segments(e.points).some(([a, b]) => b.y < a.y)).map((e) => `${e.from} -> ${e.to}`);
      expect(upward, name).toEqual([]);
    }
  });

  it('routes back edges of the menu loop, and every edge, clear of every node box', () => {
    const menu = layouts.find(([name]) => name === 'menu-loop.json')![2];
    expect(menu.edges.filter((e) => e.back).map((e) => `${e.from}->${e.to}`)).toEqual(['drinks->menu', 'food->menu']);
    for (const [name, , layout] of layouts) {
      const crossing: string[] = [];
      for (const e of layout.edges) {
        for (const [a, b] of segments(e.points)) {
          for (const n of layout.nodes) if (crosses(a, b, n)) crossing.push(`${e.from} -> ${e.to} crosses ${n.id}`);
        }
      }
      expect(crossing, name).toEqual([]);
    }
  });

  it('runs back edges up the right side and self-loops beside their node', () => {
    const layout = layouts.find(([name]) => name === 'tangled')![2];
    const node = new Map(layout.nodes.map((n) => [n.id, n]));
    const back = layout.edges.filter((e) => e.back);
    expect(back.map((e) => `${e.from}->${e.to}`)).toEqual(['a->a', 'b->b', 'b->a', 'e->a', 'e->b']);
    for (const e of back) {
      const [from, to] = [node.get(e.from)!, node.get(e.to)!];
      // The highest x of the path lies right of both ends.
      expect(Math.max(...e.points.map((p) => p.x))).toBeGreaterThan(Math.max(from.x + from.width, to.x + to.width));
      // It ends on the target's border, at its right side or its bottom.
      const end = e.points[e.points.length - 1]!;
      expect(end.x === to.x + to.width || end.y === to.y + to.height, `${e.from} -> ${e.to}`).toBe(true);
    }
  });

  it('merges the long edges into one node into a bus: a few points per edge, one way into the target', () => {
    const layout = layouts.find(([name]) => name === 'on fail to done')![2];
    const layer = new Map(layout.nodes.map((n) => [n.id, n.layer]));
    // Those over four layers or more; the last one or two are too short for the bus.
    const bus = layout.edges.filter((e) => e.dashed && e.to === 'done' && layer.get('done')! - layer.get(e.from)! >= 4);
    expect(bus.length).toBeGreaterThan(100);
    const end = (e: (typeof bus)[number]): string => JSON.stringify(e.points.slice(-3));
    expect(new Set(bus.map(end)).size).toBe(1);
    // Each keeps its own label, in the row below its source.
    for (const e of bus) {
      const source = layout.nodes.find((n) => n.id === e.from)!;
      expect(e.labelBox!.y).toBeGreaterThan(source.y + source.height);
      expect(e.labelBox!.y + e.labelBox!.height).toBeLessThan(source.y + source.height + 80);
    }
    for (const [name, , l] of layouts) {
      expect(l.edges.reduce((n, e) => n + e.points.length, 0), name).toBeLessThanOrEqual(12 * l.edges.length);
    }
  });

  it('merges three or more back edges with one label into one node, and keeps fewer apart', () => {
    const layout = layouts.find(([name]) => name === 'menu 170')![2];
    const back = layout.edges.filter((e) => e.back && e.from !== e.to);
    expect(back.length).toBe(170);
    expect(new Set(back.map((e) => JSON.stringify(e.points.slice(-3)))).size).toBe(1);
    const menu = layouts.find(([name]) => name === 'menu-loop.json')![2];
    const two = menu.edges.filter((e) => e.back);
    expect(two.map((e) => e.labelText)).toEqual(['else', 'else']);
    expect(two[0]!.points.at(-1)).not.toEqual(two[1]!.points.at(-1));
  });
});
