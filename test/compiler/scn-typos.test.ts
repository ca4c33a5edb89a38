import { describe, expect, it } from 'vitest';
import { compileScenario, type Diagnostic } from '../../compiler/index.js';

// A misspelt statement is a syntax error with a suggestion; what the step then lacks is not reported again.

const show = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.line}:${d.column} ${d.code}`);
const compile = (text: string) => compileScenario(text, { file: 'bot.scn' });
const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;
const HEAD = ['scenario "T" version "1"', 'start ask', ''];

describe('.scn: a misspelt statement keyword', () => {
  it('gets the syntax error with a suggestion, and no diagnostic about the button it failed to add', () => {
    const text = lines(...HEAD, 'step ask', '  say "Ok?"', '  buton "Yes" = yes', '  ask button -> ok', '  when ok == "yes" go done', '  else go ask', '', 'step done', '  say "done"');
    const ds = compile(text).diagnostics;
    expect(show(ds)).toEqual(['6:3 SCN_SYNTAX']);
    expect(ds[0]!.message).toContain('Did you mean "button"?');
  });

  it('with another button left, still says nothing about the values the step can take', () => {
    const text = lines(...HEAD, 'step ask', '  say "Ok?"', '  buton "Yes" = yes', '  button "No" = no', '  ask button -> ok', '  when ok == "yes" go done', '  else go ask', '', 'step done', '  say "done"');
    expect(show(compile(text).diagnostics)).toEqual(['6:3 SCN_SYNTAX']);
  });

  it('in the ask line: no complaint about buttons, options or routes that the ask would have used', () => {
    const text = lines(...HEAD, 'step ask', '  say "Ok?"', '  button "Yes" = yes', '  aks button -> ok', '    attempts 2', '  when ok == "yes" go done', '', 'step done', '  say "done"');
    expect(show(compile(text).diagnostics)).toEqual(['7:3 SCN_SYNTAX']);
  });
});

describe('no message renders an empty list', () => {
  it('names a variable with no possible value as such', () => {
    const text = lines(...HEAD, 'step ask', '  say "Ok?"', '  ask button -> ok', '  when ok == "yes" go done', '', 'step done', '  say "done"');
    const ds = compile(text).diagnostics;
    const never = ds.filter((d) => d.code === 'CONDITION_NEVER_TRUE');
    expect(show(never)).toEqual(['7:8 CONDITION_NEVER_TRUE']);
    expect(never[0]!.message).not.toMatch(/be\s+here/);
    expect(never[0]!.message).toContain('ok has no possible value here');
  });
});

describe('.scn: a misspelt step line', () => {
  it('does not make the variables its lines assigned "never assigned"', () => {
    const text = lines(...HEAD, 'step ask', '  say "Total: {{total}}"', '  go count', '', 'stpe count', '  set total = 1', '  go ask');
    expect(show(compile(text).diagnostics).filter((d) => d.includes('VARIABLE') || d.includes('BARE_WORD'))).toEqual([]);
  });
});

describe('.scn: a misspelt route or ask', () => {
  it('reports neither the steps it no longer leads to nor a loop it seems to make', () => {
    const loop = lines(...HEAD, 'step ask', '  say "Ok?"', '  button "Yes" = yes', '  aks button -> ok', '  go ask', '', 'step done', '  say "done"');
    expect(show(compile(loop).diagnostics)).toEqual(['7:3 SCN_SYNTAX']);
    const route = lines(...HEAD, 'step ask', '  say "Ok?"', '  button "Yes" = yes', '  ask button -> ok', '  og done', '', 'step done', '  say "done"');
    const [typo] = compile(route).diagnostics;
    expect(show([typo!])).toEqual(['8:3 SCN_SYNTAX']);
    expect(typo!.message).toContain('Did you mean "go"?');
  });
});
