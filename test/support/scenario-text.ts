import { compileScenario, type Diagnostic } from '../../compiler/index.js';

/** A scenario document with the usual header filled in. */
export function scenario(steps: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ name: 'T', version: '1', start_step: Object.keys(steps)[0], ...extra, steps }, null, 2);
}

export function check(text: string, file = 'test.json'): readonly Diagnostic[] {
  return compileScenario(text, { file }).diagnostics;
}

export const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => d.code);

/** 1-based line and column of the n-th occurrence of `needle` (plus `shift` characters). */
export function at(text: string, needle: string, { nth = 1, shift = 0 } = {}): { line: number; column: number } {
  let offset = -1;
  for (let i = 0; i < nth; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`${needle} not found`);
  }
  offset += shift;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export function find(ds: readonly Diagnostic[], code: string): Diagnostic[] {
  return ds.filter((d) => d.code === code);
}
