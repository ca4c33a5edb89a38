import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileScenario, convertScenario, emitMachineConfig, formatScn, readScenario, withoutPlaces, type Diagnostic } from '../../compiler/index.js';

const show = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.line}:${d.column} ${d.code}`);
const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;

const SCN = lines(
  'scenario "Timers" version "1"',
  'start ask_name',
  'expire after 7d go bye',
  '',
  'step ask_name',
  '  say "Name?"',
  '  ask text -> name',
  '    remind after 1h "Still there?"',
  '    remind after 24h "Last call, {{user.first_name | default: \\"friend\\"}}"',
  '    timeout after 2d go gone',
  '  go pause',
  '',
  'step pause',
  '  say "One moment, {{name}}."',
  '  wait 90s',
  '  go done',
  '',
  'step done',
  '  say "Done."',
  '',
  'step gone',
  '  say "Gone."',
  '',
  'step bye',
  '  say "Expired."',
);

const JSON_FORM = JSON.stringify({
  name: 'Timers',
  version: '1',
  start_step: 'ask_name',
  expire_after: '7d',
  on_expire: 'bye',
  steps: {
    ask_name: {
      message: { text: 'Name?' },
      expected_input: { type: 'text', variable: 'name' },
      timeout: { after: '2d', next: 'gone' },
      reminders: [
        { after: '1h', message: 'Still there?' },
        { after: '24h', message: 'Last call, {{user.first_name | default: "friend"}}' },
      ],
      next_step: 'pause',
    },
    pause: { message: { text: 'One moment, {{name}}.' }, wait: '90s', next_step: 'done' },
    done: { message: { text: 'Done.' } },
    gone: { message: { text: 'Gone.' } },
    bye: { message: { text: 'Expired.' } },
  },
});

describe('.scn timers', () => {
  it('reads the same scenario as the JSON form, and compiles to the same machine', () => {
    const scn = readScenario(SCN, 'bot.scn');
    const json = readScenario(JSON_FORM, 'bot.json');
    expect(show(scn.diagnostics)).toEqual([]);
    expect(withoutPlaces(scn.ast)).toEqual(withoutPlaces(json.ast));
    const a = compileScenario(SCN, { file: 'bot.scn' }).ir!;
    const b = compileScenario(JSON_FORM, { file: 'bot.json' }).ir!;
    expect({ ...emitMachineConfig(a), version: '' }).toEqual({ ...emitMachineConfig(b), version: '' });
  });

  it('convert round-trips the timers both ways, and fmt keeps the canonical layout', () => {
    const toJson = convertScenario(SCN, 'bot.scn', 'bot.json');
    expect(toJson.failure).toBeUndefined();
    expect(JSON.parse(toJson.text!)).toEqual(JSON.parse(JSON_FORM));
    const back = convertScenario(toJson.text!, 'bot.json', 'bot.scn');
    expect(back.text).toBe(SCN);
    expect(formatScn(SCN, 'bot.scn').text).toBe(SCN);
  });

  it('reports a bad duration at its place in the line', () => {
    const text = lines('scenario "T" version "1"', 'start a', 'expire after 0s', 'step a', '  say "x"', '  wait 10x', '  go b', 'step b', '  say "y"', '  wait "1 h"');
    expect(show(compileScenario(text, { file: 'bot.scn' }).diagnostics)).toEqual(['3:14 DURATION_OUT_OF_RANGE', '6:8 DURATION_SYNTAX', '10:8 DURATION_SYNTAX']);
  });

  it('reports reminders and a timeout without an ask as misplaced input options', () => {
    const text = lines('scenario "T" version "1"', 'start a', 'step a', '  say "x"', '  remind after 1h "r"', '  timeout after 2h go a');
    expect(show(compileScenario(text, { file: 'bot.scn' }).diagnostics)).toEqual(['5:3 SCN_MISPLACED', '6:3 SCN_MISPLACED']);
  });

  it('reports a second timeout, a second wait and expire inside a step', () => {
    const text = lines(
      'scenario "T" version "1"',
      'start a',
      'step a',
      '  say "x"',
      '  ask text -> v',
      '    timeout after 1h go a',
      '    timeout after 2h go a',
      '  go b',
      'step b',
      '  wait 1m',
      '  wait 2m',
      '  expire after 1d',
    );
    expect(show(compileScenario(text, { file: 'bot.scn' }).diagnostics)).toEqual(['7:5 SCN_DUPLICATE', '11:3 SCN_DUPLICATE', '12:3 SCN_MISPLACED']);
  });

  it('keeps the new keywords usable as names, and 2e3 a number', () => {
    const text = lines('scenario "T" version "1"', 'start wait', 'step wait', '  say "x"', '  ask number -> after', '    max 2e3', '    timeout after 1m go remind', '  go expire', 'step remind', '  say "r"', 'step expire', '  say "e"');
    expect(show(compileScenario(text, { file: 'bot.scn' }).diagnostics)).toEqual([]);
  });

  it('a syntax error in a timer line names what was expected', () => {
    const text = lines('scenario "T" version "1"', 'start a', 'step a', '  say "x"', '  ask text -> v', '    timeout 1h go a');
    const ds = compileScenario(text, { file: 'bot.scn' }).diagnostics;
    expect(show(ds)).toEqual(['6:13 SCN_SYNTAX']);
  });
});

describe('docs/dsl.md', () => {
  it('its timers example checks clean and is formatted', () => {
    const doc = readFileSync('docs/dsl.md', 'utf8');
    const example = /### Timers[\s\S]*?```scn\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    expect(show(compileScenario(example!, { file: 'orders.scn' }).diagnostics)).toEqual([]);
    expect(formatScn(example!, 'orders.scn').text).toBe(example);
  });
});

describe('graph', () => {
  it('draws a timeout as a dashed edge and labels a wait step route with its duration', async () => {
    const { graphEdges } = await import('../../compiler/index.js');
    const ir = compileScenario(SCN, { file: 'bot.scn' }).ir!;
    const edges = graphEdges(ir);
    expect(edges).toContainEqual({ from: 'ask_name', to: 'gone', label: 'no answer in 2d', dashed: true });
    expect(edges).toContainEqual({ from: 'pause', to: 'done', label: 'after 90s' });
  });
});
