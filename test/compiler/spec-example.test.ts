import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { at, check, find } from '../support/scenario-text.js';

const file = 'test/fixtures/spec-example-verbatim.json';
const text = readFileSync(file, 'utf8');

describe("the product spec's own example", () => {
  const ds = check(text, file);

  it('reports both undefined steps where they are referenced', () => {
    const unknown = find(ds, 'UNKNOWN_STEP');
    expect(unknown.map((d) => ({ line: d.line, column: d.column, severity: d.severity }))).toEqual([
      { ...at(text, '"provide_info"'), severity: 'error' },
      { ...at(text, '"goodbye"'), severity: 'error' },
    ]);
    expect(unknown[0]!.message).toContain('"provide_info"');
    expect(unknown[1]!.file).toBe(file);
  });

  it('reads the bare words as strings and suggests quotes, at the word inside the string', () => {
    expect(find(ds, 'BARE_WORD').map((d) => ({ line: d.line, column: d.column }))).toEqual([
      at(text, '== more_info', { shift: 3 }),
      at(text, '== end', { shift: 3 }),
    ]);
  });

  it('reports nothing else', () => {
    expect(ds.map((d) => d.code).sort()).toEqual(['BARE_WORD', 'BARE_WORD', 'UNKNOWN_STEP', 'UNKNOWN_STEP']);
  });
});
