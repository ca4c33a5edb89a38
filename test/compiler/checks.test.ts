import { describe, expect, it } from 'vitest';
import { at, check, codes, find, scenario } from '../support/scenario-text.js';

const say = (text: string, next?: unknown) => ({ type: 'message', message: { text }, ...(next === undefined ? {} : { next_step: next }) });
const ask = (text: string, input: Record<string, unknown>, next?: unknown, extra: Record<string, unknown> = {}) => ({
  ...say(text, next),
  expected_input: input,
  ...extra,
});
const buttons = (...values: string[]) => values.map((v) => ({ text: v.toUpperCase(), value: v }));
const cond = (conditions: [string, string][], elseStep?: string) => ({
  type: 'conditional',
  conditions: conditions.map(([i, t]) => ({ if: i, then: t })),
  ...(elseStep ? { else: elseStep } : {}),
});

describe('start_step', () => {
  it('reports a missing start_step', () => {
    const text = JSON.stringify({ name: 'T', version: '1', steps: { a: say('hi') } });
    expect(codes(check(text))).toEqual(['MISSING_START_STEP', 'UNREACHABLE_STEP']);
  });

  it('reports an unknown start_step at its value, with a suggestion', () => {
    const text = scenario({ welcome: say('hi') }, { start_step: 'welcom' });
    const [d] = find(check(text), 'UNKNOWN_START_STEP');
    expect(d).toMatchObject({ severity: 'error', ...at(text, '"welcom"') });
    expect(d!.message).toContain('Did you mean "welcome"?');
  });
});

describe('graph checks', () => {
  it('reports unreachable steps', () => {
    const text = scenario({ a: say('a'), orphan: say('o') });
    expect(find(check(text), 'UNREACHABLE_STEP')).toMatchObject([{ severity: 'warning', ...at(text, '"orphan"') }]);
  });

  it('counts steps reached only through a command as reachable', () => {
    const text = scenario({ a: ask('?', { type: 'text', variable: 'x' }, 'a'), help: say('help') }, { commands: { '/help': 'help' } });
    expect(find(check(text), 'UNREACHABLE_STEP')).toEqual([]);
  });

  it('reports an input step whose conditions can never hold as a dead end', () => {
    const text = scenario({
      a: ask('pick', { type: 'button', variable: 'c' }, cond([['c == "x"', 'b']]), { buttons: buttons('p', 'q') }),
      b: say('b'),
    });
    const ds = check(text);
    expect(find(ds, 'DEAD_END')).toMatchObject([{ severity: 'error', ...at(text, '"a": {') }]);
    expect(find(ds, 'CONDITION_NEVER_TRUE')[0]!.message).toContain('c can only be "p", "q" here');
  });

  it('does not call a step with on_fail a dead end', () => {
    const text = scenario({
      a: ask('pick', { type: 'button', variable: 'c', max_attempts: 2, on_fail: 'b' }, cond([['c == "x"', 'b']]), { buttons: buttons('p') }),
      b: say('b'),
    });
    expect(find(check(text), 'DEAD_END')).toEqual([]);
  });

  it('reports a loop without input and without exit as an error', () => {
    const text = scenario({ a: say('a', 'b'), b: say('b', 'a') });
    expect(find(check(text), 'LOOP_WITHOUT_INPUT')).toMatchObject([{ severity: 'error', ...at(text, '"a": {') }]);
  });

  it('warns about a loop without input that leaves on a condition', () => {
    const text = scenario({
      a: { ...say('a', 'b'), set: { n: '0' } },
      b: { ...say('b', cond([['n < 3', 'b']], 'c')), set: { n: 'n + 1' } },
      c: say('c'),
    });
    const ds = check(text);
    expect(codes(ds)).toEqual(['LOOP_MAY_NOT_TERMINATE']);
  });

  it('does not report a loop that waits for input', () => {
    const text = scenario({ menu: ask('?', { type: 'text', variable: 'x' }, 'menu') });
    expect(codes(check(text))).toEqual([]);
  });
});

describe('conditions', () => {
  it('warns when a button value is covered by no condition and there is no else', () => {
    const text = scenario({
      a: ask('pick', { type: 'button', variable: 'c' }, cond([['c == "p"', 'b']]), { buttons: buttons('p', 'q') }),
      b: say('b'),
    });
    const [d] = find(check(text), 'UNCOVERED_CASE');
    expect(d).toMatchObject({ severity: 'warning', ...at(text, '"next_step": {', { shift: 13 }) });
    expect(d!.message).toContain('c is "q"');
    expect(d!.message).toContain('re-asks');
  });

  it('says nothing when every button value is covered', () => {
    const text = scenario({
      a: ask('pick', { type: 'button', variable: 'c' }, cond([['c == "p"', 'b'], ['c in ["q"]', 'b']]), { buttons: buttons('p', 'q') }),
      b: say('b'),
    });
    expect(codes(check(text))).toEqual([]);
  });

  it('reports a condition that can never be true and one that is always true', () => {
    const text = scenario({
      a: ask(
        'pick',
        { type: 'button', variable: 'c' },
        cond([
          ['c == "zzz"', 'b'],
          ['c != "zzz"', 'b'],
          ['c == "p"', 'b'],
        ]),
        { buttons: buttons('p', 'q') },
      ),
      b: say('b'),
    });
    const ds = check(text);
    expect(find(ds, 'CONDITION_NEVER_TRUE')).toMatchObject([at(text, '"c == \\"zzz\\""')]);
    expect(find(ds, 'CONDITION_ALWAYS_TRUE')).toMatchObject([at(text, '"c != \\"zzz\\""')]);
  });

  it('decides conditions on text and numbers compared with literals, within what validation lets through', () => {
    const range = scenario({ a: ask('0-3?', { type: 'integer', variable: 'n', validation: { min: 0, max: 3 } }, cond([['n > 3', 'b']])), b: say('b') });
    expect(codes(check(range))).toEqual(expect.arrayContaining(['DEAD_END', 'CONDITION_NEVER_TRUE']));
    const both = scenario({ a: ask('?', { type: 'text', variable: 't' }, cond([['t == "yes" and t == "no"', 'b']])), b: say('b') });
    expect(find(check(both), 'CONDITION_NEVER_TRUE')[0]!.message).toContain('no possible value of t satisfies it');
    const tooLong = scenario({ a: ask('?', { type: 'text', variable: 't', validation: { max_length: 3 } }, cond([['t == "hello"', 'b']], 'b')), b: say('b') });
    expect(codes(check(tooLong))).toContain('CONDITION_NEVER_TRUE');
    const notAnEmail = scenario({ a: ask('?', { type: 'email', variable: 'e' }, cond([['e == "nobody"', 'b']], 'b')), b: say('b') });
    expect(codes(check(notAnEmail))).toContain('CONDITION_NEVER_TRUE');
    const complete = scenario({ a: ask('?', { type: 'number', variable: 'n' }, cond([['n >= 18', 'b'], ['n < 18', 'b']])), b: say('b') });
    expect(codes(check(complete))).toEqual([]);
  });

  it('names an answer no condition covers, also for an earlier text answer', () => {
    const text = scenario({
      word: ask('A word?', { type: 'text', variable: 't' }, 'num'),
      num: ask('A number?', { type: 'integer', variable: 'n' }, cond([['t == "yes"', 'done']])),
      done: say('ok'),
    });
    expect(find(check(text), 'UNCOVERED_CASE')[0]!.message).toContain('when t is "a"');
  });

  it('says nothing about values that depend on computed assignments', () => {
    const text = scenario({
      a: { ...ask('?', { type: 'integer', variable: 'n' }, cond([['total > 10', 'b']], 'a')), set: { total: 'n * 2' } },
      b: say('b'),
    });
    expect(codes(check(text))).toEqual(['VAR_UNASSIGNED']);
  });

  it('reports expression syntax errors at the column inside the JSON string', () => {
    const text = scenario({ a: ask('?', { type: 'integer', variable: 'n' }, cond([['n > > 3', 'a']], 'a')) });
    const [d] = find(check(text), 'EXPR_SYNTAX');
    expect(d).toMatchObject({ severity: 'error', ...at(text, '> 3"') });
  });

  it('maps columns through escapes in the JSON string', () => {
    const text = scenario({ a: ask('?', { type: 'text', variable: 's' }, cond([['s == "\\u00e9" and and', 'a']], 'a')) });
    const [d] = find(check(text), 'EXPR_SYNTAX');
    expect(d).toMatchObject(at(text, 'and"', { shift: 0 }));
  });

  it('rejects hostile expressions with a diagnostic, quickly', () => {
    const deep = `${'('.repeat(5000)}1${')'.repeat(5000)}`;
    const text = scenario({ a: { ...say('a'), set: { x: deep, y: 'z matches "^(.{0,100}){10}$"' } } });
    const ds = codes(check(text));
    expect(ds).toContain('EXPR_TOO_LONG');
    expect(ds).toContain('REGEX_TOO_LARGE');
  });

  it('reports a validation pattern the regex engine refuses, at the construct', () => {
    const text = scenario({ a: ask('?', { type: 'text', variable: 'pw', validation: { pattern: '^(?=.*\\d)\\w{8,}$' } }, 'a') });
    const [d] = find(check(text), 'REGEX_INVALID');
    expect(d).toMatchObject({ severity: 'error', ...at(text, '(?=') });
    expect(d!.message).toContain('lookaround');
  });

  it('accepts a validation pattern that a backtracking engine would hang on', () => {
    const name = `^${'[A-Za-z]{1,20} ?'.repeat(6)}$`;
    const text = scenario({ a: ask('?', { type: 'text', variable: 'n', validation: { pattern: name } }, 'a') });
    expect(codes(check(text)).filter((c) => c.startsWith('REGEX_'))).toEqual([]);
  });
});

describe('buttons', () => {
  it('reports duplicate and empty values and callback_data over 64 bytes', () => {
    const long = 'é'.repeat(33);
    const text = scenario({
      a: ask('?', { type: 'button', variable: 'c' }, 'b', {
        buttons: [
          { text: 'One', value: 'x' },
          { text: 'Two', value: 'x' },
          { text: 'Three', value: '' },
          { text: 'Four', value: long },
        ],
      }),
      b: say('b'),
    });
    const ds = check(text);
    expect(find(ds, 'BUTTON_VALUE_DUPLICATE')).toMatchObject([at(text, '"x"', { nth: 2 })]);
    expect(find(ds, 'BUTTON_VALUE_EMPTY')).toMatchObject([at(text, '""')]);
    expect(find(ds, 'CALLBACK_DATA_TOO_LONG')[0]!.message).toContain('66 bytes');
  });

  it('requires a message to carry buttons', () => {
    const text = scenario({ a: { buttons: buttons('p'), expected_input: { type: 'button', variable: 'c' }, next_step: 'a' } });
    expect(find(check(text), 'BUTTONS_WITHOUT_MESSAGE')).toMatchObject([{ severity: 'error', ...at(text, '"buttons": [', { shift: 11 }) }]);
  });

  it('requires buttons for a button input', () => {
    const text = scenario({ a: ask('?', { type: 'button', variable: 'c' }, 'a') });
    expect(codes(check(text))).toContain('BUTTON_INPUT_WITHOUT_BUTTONS');
  });
});

describe('variables', () => {
  it('warns about a read before assignment on some path, naming the path', () => {
    const text = scenario({
      start: ask('?', { type: 'button', variable: 'c' }, cond([['c == "p"', 'named']], 'greet'), { buttons: buttons('p', 'q') }),
      named: ask('name?', { type: 'text', variable: 'name' }, 'greet'),
      greet: say('Hello {{name}}'),
    });
    const [d] = find(check(text), 'VAR_UNASSIGNED');
    expect(d).toMatchObject({ severity: 'warning', ...at(text, 'name}}') });
    expect(d!.message).toContain('"start" → "greet"');
  });

  it('accepts reads guarded by a default or by "is set", and reads on every path after assignment', () => {
    const text = scenario({
      start: ask('?', { type: 'text', variable: 'name' }, cond([['name == "Robert"', 'nick']], 'greet')),
      nick: { ...say('Bob it is', 'greet'), set: { nick: '"Bob"' } },
      greet: { ...say('Hello {{name}} {{nick | default: "you"}}', cond([['nick is set', 'end']], 'end')) },
      end: say('bye'),
    });
    expect(codes(check(text))).toEqual([]);
  });

  it('warns about a read of a variable assigned later in the same set', () => {
    const text = scenario({ a: { ...say('{{x}}'), set: { y: 'x + 1', x: '1' } } });
    expect(find(check(text), 'VAR_UNASSIGNED')).toMatchObject([at(text, 'x + 1')]);
  });

  it('reports a number comparison on a text input as a type mismatch', () => {
    const text = scenario({ a: ask('age?', { type: 'text', variable: 'age' }, cond([['age > 18', 'b']], 'b')), b: say('b') });
    const [d] = find(check(text), 'TYPE_MISMATCH');
    expect(d).toMatchObject({ severity: 'error', ...at(text, 'age > 18') });
    expect(d!.message).toContain('"number"');
  });

  it('accepts numeric comparisons on number inputs and counters', () => {
    const text = scenario({
      a: { ...ask('age?', { type: 'integer', variable: 'age' }, cond([['age > 18 and n < 3', 'b']], 'b')), set: { n: '0' } },
      b: { ...say('b'), set: { n: 'n + 1' } },
    });
    expect(codes(check(text))).toEqual([]);
  });

  it('rejects variables named like keywords or the built-in user', () => {
    const text = scenario({ a: { ...say('a'), set: { and: '1', user: '2' } } });
    expect(codes(check(text))).toEqual(expect.arrayContaining(['KEYWORD_VARIABLE', 'RESERVED_VARIABLE']));
  });
});

describe('format mistakes', () => {
  it('reports JSON syntax errors with their position and goes on', () => {
    const text = '{\n  "name": "T",\n  "version": 1,\n  "start_step": "a",\n  "steps": { "a": { "message": { "text": "x" }, } }\n}';
    const ds = check(text);
    expect(find(ds, 'JSON_SYNTAX')[0]).toMatchObject({ line: 5 });
    expect(find(ds, 'WRONG_TYPE')).toMatchObject([at(text, '1,')]);
  });

  it('reports duplicate step ids, unknown fields with suggestions, and bad input types', () => {
    const dup = '{"name":"T","version":"1","start_step":"a","steps":{"a":{},"a":{}}}';
    expect(find(check(dup), 'DUPLICATE_KEY')).toMatchObject([at(dup, '"a"', { nth: 3 })]);
    const text = '{"name":"T","version":"1","start_step":"a","steps":{"a":{"mesage":{"text":"x"},"expected_input":{"type":"txt","variable":"v"}}}}';
    const ds = check(text);
    expect(codes(ds)).toEqual(expect.arrayContaining(['UNKNOWN_FIELD', 'INVALID_VALUE']));
    expect(find(ds, 'UNKNOWN_FIELD')[0]!.message).toContain('Did you mean "message"?');
  });

  it('reports every mistake in one pass', () => {
    const text = scenario({
      a: ask('?', { type: 'text', variable: 'n' }, cond([['n >', 'nowhere'], ['n > 1', 'a']])),
      b: { ...say('{{missing | shout}}'), buttons: [{ text: '', value: '' }] },
    });
    const ds = codes(check(text));
    for (const code of ['EXPR_SYNTAX', 'UNKNOWN_STEP', 'TYPE_MISMATCH', 'UNKNOWN_FILTER', 'BUTTON_TEXT_EMPTY', 'BUTTON_VALUE_EMPTY', 'UNREACHABLE_STEP']) {
      expect(ds).toContain(code);
    }
  });

  it('reports hostile nesting instead of overflowing the stack', () => {
    for (const text of ['['.repeat(200_000), '{"a":'.repeat(100_000)]) expect(codes(check(text))).toEqual(['JSON_TOO_DEEP']);
    expect(find(check(`{"a": ${'['.repeat(200)}]}`), 'JSON_TOO_DEEP')).toMatchObject([{ line: 1, column: 134 }]);
  });

  it('never throws on garbage', () => {
    for (const text of ['', 'null', '[]', '{"steps": []}', '{"steps": {"a": 1}}', '{'.repeat(10000)]) {
      expect(check(text).length).toBeGreaterThan(0);
    }
  });
});
