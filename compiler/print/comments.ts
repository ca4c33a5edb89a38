import type { ScnComment, ScnParseResult } from '../../grammar/index.js';
import type { Loc } from '../diagnostics/types.js';
import { LineIndex } from '../source/text.js';

export interface AttachedComments {
  /** Whole-line comments just above the statement. */
  readonly leading: readonly string[];
  /** The comment at the end of the statement's line. */
  readonly trailing?: string;
}

/**
 * Ties each comment of a .scn file to a statement, so a printer that rebuilds the file from the AST can put the
 * comments back: a comment on its own line belongs to the statement below it, one after a statement to that line.
 */
export class ScnComments {
  private readonly leading = new Map<number, string[]>();
  private readonly trailing = new Map<number, string>();
  private readonly tail: string[] = [];
  private readonly lines: LineIndex;

  constructor(text: string, parsed: ScnParseResult) {
    this.lines = new LineIndex(text);
    const statementLines = parsed.statements.map((s) => s.line);
    for (const c of parsed.comments) this.attach(c, statementLines);
  }

  private attach(c: ScnComment, statementLines: readonly number[]): void {
    if (!c.own) {
      this.trailing.set(c.line, c.text);
      return;
    }
    const below = firstAfter(statementLines, c.line);
    if (below === undefined) this.tail.push(c.text);
    else this.leading.set(below, [...(this.leading.get(below) ?? []), c.text]);
  }

  /** The comments of the statement at `loc`; each comment is handed out once. */
  take(loc: Loc | undefined): AttachedComments {
    if (!loc) return { leading: [] };
    const line = this.lines.position(loc.offset).line;
    const leading = this.leading.get(line) ?? [];
    const trailing = this.trailing.get(line);
    this.leading.delete(line);
    this.trailing.delete(line);
    return { leading, trailing };
  }

  /** Comments no statement took, then those after the last statement: nothing is dropped. */
  rest(): string[] {
    const left = [...this.leading.entries(), ...[...this.trailing.entries()].map(([line, text]) => [line, [text]] as const)];
    left.sort((a, b) => a[0] - b[0]);
    const out = left.flatMap(([, texts]) => texts);
    this.leading.clear();
    this.trailing.clear();
    return [...out, ...this.tail.splice(0)];
  }
}

function firstAfter(sorted: readonly number[], line: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! > line) hi = mid;
    else lo = mid + 1;
  }
  return sorted[lo];
}
