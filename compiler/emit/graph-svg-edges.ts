/** The edges of the SVG: paths with arrow heads, and their labels on a background. */
import { GRAPH_TEXT } from './graph-metrics.js';
import type { LaidOutEdge, Point } from './graph-layout.js';
import { element, escapeXml } from './xml.js';

/** Corner radius where a path turns at a right angle (self-loops). */
const CORNER = 5;

const num = (v: number): string => String(Math.round(v * 10) / 10);
const xy = (p: Point): string => `${num(p.x)},${num(p.y)}`;

/** Toward `to` from `from`, `r` along the way. */
function toward(from: Point, to: Point, r: number): Point {
  const len = Math.hypot(to.x - from.x, to.y - from.y);
  return { x: from.x + ((to.x - from.x) * r) / len, y: from.y + ((to.y - from.y) * r) / len };
}

const straight = (a: Point, b: Point): boolean => a.x === b.x || a.y === b.y;

/**
 * Straight runs stay straight; a slanted run between ranks becomes a curve that leaves and arrives vertically,
 * inside the same bounding box, so it still clears every node; right-angle turns get rounded corners.
 */
export function pathData(points: readonly Point[]): string {
  const parts = [`M${xy(points[0]!)}`];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const c = points[i + 1];
    if (!straight(a, b)) {
      const my = (a.y + b.y) / 2;
      parts.push(`C${num(a.x)},${num(my)} ${num(b.x)},${num(my)} ${xy(b)}`);
    } else if (c && straight(b, c) && (a.x === b.x) !== (b.x === c.x)) {
      const r = Math.min(CORNER, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
      parts.push(`L${xy(toward(b, a, r))}`, `Q${xy(b)} ${xy(toward(b, c, r))}`);
    } else parts.push(`L${xy(b)}`);
  }
  return parts.join(' ');
}

const describe = (e: LaidOutEdge): string => `${e.from} → ${e.to}${e.label ? `: ${e.label}` : ''}`;
const classes = (base: string, e: LaidOutEdge): string => [base, e.dashed ? 'dashed' : '', e.back ? 'back' : ''].filter(Boolean).join(' ');

export function edgeSvg(e: LaidOutEdge, arrowId: string): string {
  if (e.points.length < 2) return '';
  const attrs = { class: classes('edge', e), 'data-from': e.from, 'data-to': e.to, d: pathData(e.points), 'marker-end': `url(#${arrowId})` };
  return element('path', attrs, element('title', {}, escapeXml(describe(e))));
}

export function edgeLabelSvg(e: LaidOutEdge): string {
  const box = e.labelBox;
  if (!box || !e.labelText) return '';
  const rect = element('rect', { x: num(box.x), y: num(box.y), width: num(box.width), height: num(box.height), rx: 4 });
  // The baseline sits about a third of the font size below the middle of the box.
  const text = element('text', { x: num(box.x + box.width / 2), y: num(box.y + box.height / 2 + GRAPH_TEXT.labelSize * 0.35) }, escapeXml(e.labelText));
  return element('g', { class: classes('edge-label', e), 'data-from': e.from, 'data-to': e.to }, `${element('title', {}, escapeXml(describe(e)))}${rect}${text}`);
}
