export type Severity = 'error' | 'warning' | 'info';

/** A place in a source file: 0-based offset and length in UTF-16 code units. */
export interface Loc {
  readonly offset: number;
  readonly length: number;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in characters of the line. */
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}
