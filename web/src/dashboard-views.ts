import { byId, el } from './dom.js';

export interface Dashboard {
  readonly bot: { id: string; name: string; scenario: { version: number; hash: string; name: string | null } | null };
  readonly at: number;
  readonly live: { minutes: number; total: number; byStep: Record<string, number> };
  readonly funnel: {
    hours: number;
    at: number;
    refreshAt: number;
    /** Conversations: a dialog started over counts again. */
    dialogs: number;
    ended: number;
    steps: { step: string; inScenario: boolean; reached: number; stopped: number }[];
  };
  readonly rate: { bucketSeconds: number; since: number; buckets: { at: number; in: number; out: number }[]; lastMinute: number };
  readonly recent: { platform: string; chatId: string; step: string | null; status: string; rev: number; updatedAt: number }[];
}

const percent = (part: number, whole: number): string => (whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`);

function bar(fraction: number, kind: string): HTMLSpanElement {
  return el('span', { class: `bar ${kind}`, style: `width:${Math.round(Math.max(0, Math.min(1, fraction)) * 8 * 10) / 10}rem`, 'aria-hidden': 'true' });
}

/** One row per step in the order a dialog meets them: reached, stopped there (not ended), drop-off. */
export function renderFunnel(data: Dashboard): void {
  const { funnel } = data;
  byId('funnel-summary').textContent =
    `${funnel.dialogs} conversation${funnel.dialogs === 1 ? '' : 's'} in the last ${funnel.hours === 1 ? 'hour' : `${funnel.hours} hours`}; ` +
    `${funnel.ended} finished (${percent(funnel.ended, funnel.dialogs)}).`;
  const rows = funnel.steps
    .filter((s) => s.inScenario || s.reached > 0)
    .map((s) =>
      el(
        'tr',
        { class: s.inScenario ? '' : 'other-step', 'data-step': s.step },
        el('td', {}, s.inScenario ? s.step : `${s.step} (not in this version)`),
        el('td', { class: 'num' }, bar(funnel.dialogs ? s.reached / funnel.dialogs : 0, 'reach'), String(s.reached)),
        el('td', { class: 'num' }, String(s.stopped)),
        el('td', { class: 'num' }, bar(s.reached ? s.stopped / s.reached : 0, 'stop'), percent(s.stopped, s.reached)),
      ),
    );
  byId<HTMLTableElement>('funnel').tBodies[0]!.replaceChildren(...rows);
}

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** A bar per minute over the last hour, received and sent stacked; the summary carries the numbers for screen readers. */
export function renderRate(data: Dashboard): void {
  const { rate } = data;
  const minutes = 60;
  const perMinute = new Map(rate.buckets.map((b) => [b.at, b]));
  const start = Math.floor(rate.since / 60_000) * 60_000;
  const columns = Array.from({ length: minutes }, (_, i) => perMinute.get(start + (i + 1) * 60_000) ?? { at: start + (i + 1) * 60_000, in: 0, out: 0 });
  const max = Math.max(1, ...columns.map((c) => c.in + c.out));
  const total = rate.buckets.reduce((a, b) => a + b.in + b.out, 0);
  byId('rate-summary').textContent = `${rate.lastMinute} in the last full minute; ${total} in the last hour (received and sent).`;
  const width = 600;
  const height = 140;
  const w = width / minutes;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `Messages per minute over the last hour, at most ${max} in a minute` });
  columns.forEach((c, i) => {
    const hIn = (c.in / max) * (height - 10);
    const hOut = (c.out / max) * (height - 10);
    chart.append(svg('rect', { class: 'in', x: i * w + 1, y: height - hIn, width: w - 2, height: hIn }));
    chart.append(svg('rect', { class: 'out', x: i * w + 1, y: height - hIn - hOut, width: w - 2, height: hOut }));
  });
  chart.append(svg('line', { x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5, stroke: '#d5d9e0' }));
  byId('rate').replaceChildren(chart);
}
