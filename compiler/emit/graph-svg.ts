/**
 * The scenario graph as a standalone SVG for a web page: no scripts, fonts or URLs; CSS classes only, so a page can
 * restyle it; every text and attribute escaped. Each step is focusable and carries `data-step` and an empty badge
 * (`data-count-for`) that a page can fill with a number and show by removing the class `empty`.
 */
import type { IrScenario } from '../ir/types.js';
import { layoutGraph, type GraphLayout, type LaidOutNode } from './graph-layout.js';
import { graphModel } from './graph-model.js';
import { edgeLabelSvg, edgeSvg } from './graph-svg-edges.js';
import { element, escapeXml } from './xml.js';

export interface SvgOptions {
  /** Put before every id in the SVG, so that several graphs can share a page. Default: "" (none). */
  readonly idPrefix?: string;
  /** The accessible title. Default: "NAME: scenario graph". */
  readonly title?: string;
}

/** The defaults of `SvgOptions` that do not depend on the scenario. */
export const DEFAULT_SVG_OPTIONS = Object.freeze({ idPrefix: '' });

const SANS = 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';

// Font sizes match GRAPH_TEXT, from which the layout sizes the boxes.
const STYLE = `
.scenarist-graph { font-family: ${SANS}; }
.edge { fill: none; stroke: #64748b; stroke-width: 1.5; }
.edge.dashed { stroke-dasharray: 5 4; }
.arrow-head { fill: #64748b; }
.edge-label rect { fill: #ffffff; stroke: #e2e8f0; }
.edge-label text { font-family: ${MONO}; font-size: 11px; fill: #334155; text-anchor: middle; }
.node text { text-anchor: middle; }
.node .box { fill: #ffffff; stroke: #475569; stroke-width: 1.5; }
.node .inner { fill: none; stroke: #475569; stroke-width: 1; }
.node.final .box { fill: #f8fafc; }
.node .id { font-family: ${MONO}; font-size: 13px; font-weight: 700; fill: #0f172a; }
.node .summary { font-size: 12px; fill: #475569; }
.node.start circle { fill: #1e293b; }
.node.start text { font-size: 11px; font-weight: 600; fill: #ffffff; }
.node.command polygon { fill: #eef2ff; stroke: #6366f1; stroke-width: 1.5; }
.node.command text { font-family: ${MONO}; font-size: 11px; fill: #3730a3; }
.node.step { outline: none; }
.node.step:focus-visible .box { stroke: #2563eb; stroke-width: 3; }
.badge circle { fill: #2563eb; stroke: #ffffff; stroke-width: 2; }
.badge .count { font-size: 11px; font-weight: 700; fill: #ffffff; }
.badge.empty { display: none; }
`;

const BADGE_RADIUS = 11;

/** The scenario graph, laid out by `layoutGraph`, as a standalone SVG document. */
export function toSvg(ir: IrScenario, options: SvgOptions = {}): string {
  const { idPrefix } = { ...DEFAULT_SVG_OPTIONS, ...options };
  const title = options.title ?? `${ir.name || 'Scenario'}: scenario graph`;
  return svgDocument(layoutGraph(graphModel(ir)), { idPrefix, title });
}

function svgDocument(layout: GraphLayout, { idPrefix, title }: { idPrefix: string; title: string }): string {
  const steps = layout.nodes.filter((n) => n.kind === 'step').length;
  const ids = elementIds(layout.nodes, idPrefix);
  const arrow = `${idPrefix}arrow`;
  const desc = `${steps} steps, ${layout.edges.length} transitions. Steps are drawn top to bottom; edges back to an earlier step run up the right side.`;
  const marker = element(
    'marker',
    { id: arrow, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', markerUnits: 'strokeWidth' },
    element('path', { class: 'arrow-head', d: 'M0,1 L10,5 L0,9 z' }),
  );
  const body = [
    element('title', { id: `${idPrefix}graph-title` }, escapeXml(title)),
    element('desc', { id: `${idPrefix}graph-desc` }, escapeXml(desc)),
    element('style', {}, STYLE),
    element('defs', {}, marker),
    element('g', { class: 'edges' }, lines(layout.edges.map((e) => edgeSvg(e, arrow)))),
    element('g', { class: 'edge-labels' }, lines(layout.edges.map(edgeLabelSvg))),
    element('g', { class: 'nodes' }, lines(layout.nodes.map((n, i) => nodeSvg(n, ids[i]!)))),
  ];
  const root = {
    xmlns: 'http://www.w3.org/2000/svg',
    class: 'scenarist-graph',
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
    // Not 'img': that role hides the focusable steps inside from assistive technology.
    role: 'graphics-document',
    'aria-labelledby': `${idPrefix}graph-title ${idPrefix}graph-desc`,
  };
  return `${element('svg', root, lines(body))}\n`;
}

const lines = (parts: readonly string[]): string => `\n${parts.filter(Boolean).join('\n')}\n`;

/** `step-ID` with anything but letters, digits, "_" and "-" replaced, made unique by a counter. */
function elementIds(nodes: readonly LaidOutNode[], prefix: string): string[] {
  const used = new Set<string>();
  return nodes.map((n) => {
    const base = `${prefix}${n.kind === 'step' ? 'step' : n.kind}-${n.label.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
    used.add(id);
    return id;
  });
}

function nodeSvg(n: LaidOutNode, id: string): string {
  const cx = n.x + n.width / 2;
  const cy = n.y + n.height / 2;
  if (n.kind === 'start') {
    const circle = element('circle', { cx, cy, r: n.width / 2 });
    return element('g', { class: 'node start', id, role: 'group', 'aria-label': 'start' }, `${circle}${element('text', { x: cx, y: cy + 4 }, 'start')}`);
  }
  if (n.kind === 'command') {
    const inset = n.height / 2;
    const { x, y, width: w, height: h } = n;
    const points = [[x + inset, y], [x + w - inset, y], [x + w, cy], [x + w - inset, y + h], [x + inset, y + h], [x, cy]].map((p) => p.join(',')).join(' ');
    const label = escapeXml(n.label);
    return element('g', { class: 'node command', 'data-command': n.label, id, role: 'group', 'aria-label': `command ${n.label}` }, `${element('polygon', { points })}${element('text', { x: cx, y: cy + 4 }, label)}`);
  }
  const parts = [element('rect', { class: 'box', x: n.x, y: n.y, width: n.width, height: n.height, rx: 8 })];
  if (n.final) parts.push(element('rect', { class: 'inner', x: n.x + 3.5, y: n.y + 3.5, width: n.width - 7, height: n.height - 7, rx: 5 }));
  parts.push(element('text', { class: 'id', x: cx, y: n.y + (n.lines.length ? 23 : 24) }, escapeXml(n.label)));
  n.lines.forEach((line, k) => parts.push(element('text', { class: 'summary', x: cx, y: n.y + 40 + 16 * k }, escapeXml(line))));
  const badge = `${element('circle', { cx: n.x + n.width, cy: n.y, r: BADGE_RADIUS })}${element('text', { class: 'count', x: n.x + n.width, y: n.y + 4 }, '')}`;
  parts.push(element('g', { class: 'badge empty', 'data-count-for': n.id }, badge));
  const label = n.summary ? `step ${n.id}: ${n.summary}` : `step ${n.id}`;
  return element('g', { class: `node step${n.final ? ' final' : ''}`, 'data-step': n.id, id, tabindex: 0, role: 'group', 'aria-label': label }, parts.join(''));
}
