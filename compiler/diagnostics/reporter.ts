import { catalog, type DiagnosticArgs, type DiagnosticCode } from './catalog.js';
import type { Diagnostic, Loc } from './types.js';
import type { LineIndex } from '../source/text.js';
import { SCN_WORDING } from './scn-wording.js';

type ArgList<C extends DiagnosticCode> = DiagnosticArgs<C> extends void ? [] : [DiagnosticArgs<C>];

interface Pending {
  readonly code: DiagnosticCode;
  readonly loc: Loc;
  readonly message: string;
}

/** Collects diagnostics for one file; positions are resolved once, at the end. */
export class Reporter {
  private readonly pending: Pending[] = [];
  private errorCount = 0;

  constructor(
    readonly file: string,
    private readonly lines: LineIndex,
    /** Whose words the advice uses: JSON fields, or .scn statements. */
    private readonly dialect: 'json' | 'scn' = 'json',
  ) {}

  report<C extends DiagnosticCode>(code: C, loc: Loc, ...args: ArgList<C>): void {
    const entry = catalog[code] as { severity: string; message: (a: unknown) => string };
    if (entry.severity === 'error') this.errorCount++;
    const scn = this.dialect === 'scn' ? (SCN_WORDING[code] as ((a: unknown) => string) | undefined) : undefined;
    this.pending.push({ code, loc, message: (scn ?? entry.message)(args[0]) });
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }

  diagnostics(): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    const sorted = [...this.pending].sort((a, b) => a.loc.offset - b.loc.offset || a.code.localeCompare(b.code));
    for (const p of sorted) {
      const key = `${p.code}@${p.loc.offset}:${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ code: p.code, severity: catalog[p.code].severity, message: p.message, file: this.file, ...this.lines.range(p.loc) });
    }
    return out;
  }
}
