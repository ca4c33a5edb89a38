import type { Loc } from '../diagnostics/types.js';

/** Maps offsets of one source text to 1-based line and column. */
export class LineIndex {
  /** Line starts, computed on the first lookup: most compiles resolve few or no positions. */
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  private get starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const text = this.text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    return (this.lineStarts = starts);
  }

  position(offset: number): { line: number; column: number } {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  range(loc: Loc): { line: number; column: number; endLine: number; endColumn: number } {
    const start = this.position(loc.offset);
    const end = this.position(loc.offset + Math.max(loc.length, 0));
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }
}
