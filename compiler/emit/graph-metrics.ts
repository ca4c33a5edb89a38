/**
 * Sizes shared by the layout and the SVG renderer: the layout sizes boxes from these text estimates, the renderer
 * draws with the same font sizes, so a label fits its box without measuring fonts.
 */

/** Spacing in SVG user units (px). */
export const LAYOUT_SPACING = Object.freeze({
  /** Around the drawing; more than a node's badge sticks out. */
  margin: 20,
  /** Between two nodes of a layer. */
  nodeGap: 40,
  /** Between an edge and its neighbours in a layer. */
  edgeGap: 16,
  /** Above and below every rank (a layer of nodes, or a row of edge labels between two layers). */
  rankGap: 22,
  /** The most a gap grows for edges that step far sideways. */
  maxRankGap: 48,
  /** Inside a step box, left and right. */
  padding: 14,
  minStepWidth: 120,
  labelHeight: 18,
  /** Between two back-edge runs in one gap. */
  runGap: 6,
});

export const GRAPH_TEXT = Object.freeze({
  /** Step id: bold monospace. */
  idSize: 13,
  /** Message summary lines. */
  summarySize: 12,
  /** Edge labels and command names: monospace. */
  labelSize: 11,
  /** A summary wraps at this many characters... */
  summaryChars: 26,
  /** ...onto at most this many lines. */
  summaryLines: 2,
  /** Longer edge labels are cut with "…"; the full text stays in the label's tooltip. */
  labelChars: 38,
});

// Monospace glyphs are 0.6em wide; wide (CJK, emoji) ones about 1em. Proportional text is narrower on average, so
// the same estimate only errs on the roomy side.
export function textWidth(text: string, size: number): number {
  let em = 0;
  for (const ch of text) em += ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.6;
  return em * size;
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : text;
}

/** Word-wraps `text` to lines of at most `width` characters; the last allowed line ends in "…" when cut. */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if ([...next].length <= width || !line) line = next;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  const kept = lines.slice(0, maxLines).map((l) => truncate(l, width));
  const last = kept[maxLines - 1];
  if (lines.length > maxLines && last !== undefined) kept[maxLines - 1] = `${[...last].slice(0, width - 1).join('').trimEnd()}…`;
  return kept;
}
