import { describe, expect, it } from 'vitest';
import { compileScenario, readScenario, withoutPlaces, type Diagnostic } from '../../compiler/index.js';

const show = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.line}:${d.column} ${d.code}`);
const compile = (text: string) => compileScenario(text, { file: 'bot.scn' });
const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;
const HEAD = ['scenario "T" version "1"', 'start a', ''];

describe('.scn: the issue sketch', () => {
  it('reads the sketch; only the steps it leaves undefined are errors', () => {
    const text = lines(
      'scenario "Bot Name" version "1.0"',
      'start welcome',
      '',
      'step welcome',
      '  say "Welcome to our bot!"',
      '  go ask_name',
      '',
      'step ask_name',
      '  say "What\'s your name?"',
      '  ask text -> name',
      '  go greet_with_name',
      '',
      'step greet_with_name',
      '  say "Nice to meet you, {{name}}!"',
      '  button "Tell me more" = more_info',
      '  button "Goodbye" = end',
      '  ask button -> choice',
      '  when choice == "more_info" go provide_info',
      '  when choice == "end" go goodbye',
    );
    expect(show(compile(text).diagnostics)).toEqual(['18:33 UNKNOWN_STEP', '19:27 UNKNOWN_STEP']);
  });
});

describe('.scn: every syntax error in one pass, at its line and column', () => {
  it('reports one error per broken line and checks the lines that parsed', () => {
    const text = lines(
      'scenario "Broken" version "1.0"',
      'start welcome',
      '',
      'step welcome',
      '  say "unclosed',
      '  ask text name',
      '  go',
      '  when choice = 1 go welcome',
      '  button "x\\q" = 1',
      '  sya "typo"',
      '  say "Hi {{ name | nope }}"',
    );
    expect(show(compile(text).diagnostics).filter((d) => !d.includes('warning'))).toEqual([
      '5:7 SCN_STRING',
      '6:12 SCN_SYNTAX',
      '7:5 SCN_SYNTAX',
      '8:15 EXPR_SYNTAX',
      '9:12 SCN_STRING',
      '10:3 SCN_SYNTAX',
      '11:3 SCN_DUPLICATE',
    ].sort(byPosition));
  });

  it('words syntax errors after what was expected and what was found', () => {
    const messages = compile(lines(...HEAD, 'step a', '  ask text name', '  sya "x"', '  go', '  say "a" "b"', 'step €')).diagnostics.map((d) => d.message);
    expect(messages).toEqual([
      'Expected "->" after "text", but found "name".',
      'Unknown statement "sya". Did you mean "say"?',
      'Expected a name or a quoted string after "go", but found the end of the line.',
      'Unexpected the string "b": the statement is already complete. Write one statement per line.',
      'Expected a name or a quoted string after "step", but found "€".',
    ]);
  });

  it('reports the first problem of a line, not what follows from it', () => {
    const text = lines(...HEAD, 'step a', '  say "bad \\q escape" "extra"');
    expect(show(compile(text).diagnostics)).toEqual(['5:12 SCN_STRING']);
  });

  it('does not pin the lines under an unreadable step line on the step above', () => {
    const text = lines(...HEAD, 'step a', '  say "a"', 'stpe b', '  say "b"', '  go a');
    expect(show(compile(text).diagnostics)).toEqual(['6:1 SCN_SYNTAX']);
  });
});

describe('.scn: placement and repetition', () => {
  it.each([
    ['a step statement before any step', [...HEAD.slice(0, 2), 'say "hi"', 'step a'], ['3:1 SCN_MISPLACED']],
    ['a header statement inside a step', [...HEAD, 'step a', '  command /x go a'], ['5:3 SCN_MISPLACED']],
    ['an input option without ask', [...HEAD, 'step a', '  say "x"', '  min 3'], ['6:3 SCN_MISPLACED']],
    ['two messages', [...HEAD, 'step a', '  say "x"', '  say "y"'], ['6:3 SCN_DUPLICATE']],
    ['two assignments to one variable', [...HEAD, 'step a', '  set n = 1', '  set n = 2'], ['6:3 SCN_DUPLICATE']],
    ['go with when', [...HEAD, 'step a', '  say "x"', '  ask text -> t', '  go a', '  when t == "x" go a'], ['7:3 SCN_ROUTE_CONFLICT']],
    ['else without when', [...HEAD, 'step a', '  ask text -> t', '  else go a'], ['6:3 SCN_ELSE_WITHOUT_WHEN']],
    ['a step defined twice', [...HEAD, 'step a', '  say "x"', 'step a', '  say "y"'], ['6:6 SCN_DUPLICATE_STEP']],
    ['a command defined twice', [...HEAD.slice(0, 2), 'command /x go a', 'command /x go a', 'step a', '  say "x"'], ['4:9 SCN_DUPLICATE']],
    ['no scenario line', ['start a', 'step a', '  say "x"'], ['1:1 SCN_MISSING_HEADER']],
    ['no version', ['scenario "T"', 'start a', 'step a', '  say "x"'], ['1:1 SCN_MISSING_HEADER']],
    ['a fractional attempt count', [...HEAD, 'step a', '  ask integer -> n', '    attempts 2.5', '    on fail go a'], ['6:14 WRONG_TYPE']],
  ])('%s', (_what, source, expected) => {
    const errors = compile(lines(...source)).diagnostics.filter((d) => d.severity === 'error');
    expect(show(errors)).toEqual(expected);
  });
});

describe('.scn: words and positions', () => {
  it('takes keywords as names where a name stands, and quotes for anything else', () => {
    const text = lines(
      'scenario "T" version "1"',
      'start step',
      'step step',
      '  set go = 1',
      '  say "{{go}}"',
      '  ask text -> say',
      '  go "not a name"',
      'step "not a name"',
    );
    const r = compile(text);
    expect(show(r.diagnostics.filter((d) => d.severity === 'error'))).toEqual(['8:6 INVALID_STEP_ID']);
    expect(r.ast?.steps.map((s) => s.id.value)).toEqual(['step', 'not a name']);
    expect(r.ast?.steps[0]?.input?.variable?.value).toBe('say');
  });

  it('finds the end of a condition at the last "go STEP" of its line, quotes respected', () => {
    const text = lines(...HEAD, 'step a', '  ask text -> go', '  when go == "a go b" or go == "go" go a # comment', '  else go a');
    const cond = readScenario(text, 'bot.scn').ast?.steps[0]?.next;
    expect(cond?.kind === 'conditional' && cond.conditions[0]?.if?.value).toBe('go == "a go b" or go == "go"');
  });

  it('maps positions inside strings with escapes back to the file', () => {
    const text = lines(...HEAD, 'step a', '  say "\\"quoted\\" {{ x | nope }}"');
    const d = compile(text).diagnostics.find((x) => x.code === 'UNKNOWN_FILTER');
    expect(d && `${d.line}:${d.column}`).toBe(`5:${'  say "\\"quoted\\" {{ x | '.length + 1}`);
  });

  it('lexes characters beyond Latin-1 (names in other scripts, Unicode spaces) like any other', () => {
    const r = compile(lines(...HEAD, 'step привет', '\u3000say "x"'));
    expect(r.diagnostics.map((d) => d.message)).toContain('Expected a name or a quoted string after "step", but found "привет".');
    const spaced = readScenario(lines(...HEAD.slice(0, 2), 'step\u2003a', '\u00a0\u3000say "x"'), 'bot.scn');
    expect(spaced.diagnostics).toEqual([]);
    expect(spaced.ast?.steps[0]?.message?.value).toBe('x');
  });

  it('reads CRLF and lone CR line ends like LF', () => {
    const text = lines(...HEAD, 'step a', '  say "x"', '  ask text -> t', '  when t == "y" go a', '  else go a');
    const lf = readScenario(text, 'bot.scn');
    for (const eol of ['\r\n', '\r']) {
      const other = readScenario(text.replace(/\n/g, eol), 'bot.scn');
      expect(other.diagnostics).toEqual(lf.diagnostics);
      expect(withoutPlaces(other.ast)).toEqual(withoutPlaces(lf.ast));
    }
  });

  it('words check messages in the statements of the text language', () => {
    const text = lines(...HEAD, 'step a', '  say "x"', '  ask text -> t', '    attempts 3', '  go b');
    const messages = compile(text).diagnostics.map((d) => `${d.code}: ${d.message}`);
    expect(messages).toEqual([
      'MAX_ATTEMPTS_WITHOUT_ON_FAIL: "attempts" has no effect without "on fail go STEP": the bot keeps asking. Add it.',
      'UNKNOWN_STEP: Step "b" is not defined. Add "step b" or fix the name. Did you mean "a"?',
    ]);
  });
});

function byPosition(a: string, b: string): number {
  const [al, ac] = a.split(' ')[0]!.split(':').map(Number) as [number, number];
  const [bl, bc] = b.split(' ')[0]!.split(':').map(Number) as [number, number];
  return al - bl || ac - bc;
}
