import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const spec = 'test/fixtures/spec-example-verbatim.json';

describe('scenarist check', () => {
  it('prints file:line:col severity CODE message and exits 1 on errors', async () => {
    const r = await runCli(['check', spec]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain(`${spec}:21:50 error UNKNOWN_STEP Step "provide_info" is not defined. Define it under "steps" or fix the name.`);
    expect(lines.filter((l) => / error UNKNOWN_STEP /.test(l))).toHaveLength(2);
    expect(r.stderr).toContain('2 errors, 2 warnings');
  });

  it('prints JSON with --json', async () => {
    const r = await runCli(['check', '--json', spec, 'examples/menu-loop.json']);
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.find((d) => d['code'] === 'UNKNOWN_STEP')).toEqual({
      code: 'UNKNOWN_STEP',
      severity: 'error',
      message: expect.stringContaining('provide_info'),
      file: spec,
      line: 21,
      column: 50,
    });
  });

  it('exits 0 with only warnings, and reports an unreadable file as a diagnostic', async () => {
    expect((await runCli(['check', 'examples/spec-example.json'])).code).toBe(0);
    const missing = await runCli(['check', 'nope.json']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('nope.json:1:1 error FILE_UNREADABLE Cannot read the file: no such file.');
  });

  it('answers usage mistakes with exit 2 and help with exit 0', async () => {
    expect((await runCli(['check'])).code).toBe(2);
    expect((await runCli(['check', '--bogus', 'x'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    for (const cmd of ['check', 'compile', 'graph', 'test', 'chat']) {
      const help = await runCli([cmd, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: scenarist ${cmd}`);
    }
  });
});

describe('scenarist compile', () => {
  it('writes NAME.machine.json and NAME.machine.ts', async () => {
    const out = mkdtempSync(join(tmpdir(), 'scn-'));
    const r = await runCli(['compile', 'examples/menu-loop.json', '--out', out]);
    expect(r.code).toBe(0);
    const config = JSON.parse(readFileSync(join(out, 'menu-loop.machine.json'), 'utf8')) as { initial: string; states: Record<string, unknown> };
    expect(config.initial).toBe('$new');
    expect(Object.keys(config.states)).toContain('menu');
    expect(readFileSync(join(out, 'menu-loop.machine.ts'), 'utf8')).toContain('choice?: "drinks" | "food" | "exit";');
  });

  it('reports an output directory it cannot create, without crashing', async () => {
    const r = await runCli(['compile', 'examples/menu-loop.json', '--out', 'README.md']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^scenarist compile: EEXIST: .*README\.md/m);
  });

  it('refuses to write anything when a file has errors', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'scn-')), 'out');
    const r = await runCli(['compile', 'examples/menu-loop.json', spec, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('UNKNOWN_STEP');
    expect(() => readFileSync(join(out, 'menu-loop.machine.json'))).toThrow();
  });
});

describe('scenarist graph', () => {
  it('draws Mermaid by default and DOT on request', async () => {
    const mermaid = await runCli(['graph', 'examples/spec-example.json']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart TD/);
    expect(mermaid.stdout).toContain('|"choice == #quot;end#quot;"|');
    const dot = await runCli(['graph', 'examples/spec-example.json', '--format', 'dot']);
    expect(dot.stdout).toMatch(/^digraph "Bot Name" \{/);
    expect(dot.stdout).toContain('"greet_with_name" -> "goodbye" [label="choice == \\"end\\""];');
    expect((await runCli(['graph', 'examples/spec-example.json', '--format', 'png'])).code).toBe(2);
  });
});

describe('scenarist test', () => {
  it('prints the first divergence of a failing test and the totals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scn-'));
    const file = join(dir, 'bad.test.json');
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'passes', turns: [{ user: 'hi' }, { bot: 'Welcome to our bot!' }, { bot: "What's your name?" }] },
        { name: 'fails', turns: [{ user: 'hi' }, { bot: 'Welcome to our bot!' }, { bot: 'Who are you?' }] },
        { name: 'extra message', turns: [{ user: 'hi' }, { bot: 'Welcome to our bot!' }, { user: 'Ann' }] },
        { name: 'bad regex', turns: [{ user: 'hi' }, { bot_matches: '(' }] },
      ]),
    );
    const r = await runCli(['test', 'examples/spec-example.json', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✓ passes');
    expect(r.stdout).toContain(`✗ fails\n    turn 3: expected bot "Who are you?"\n            actual   bot "What's your name?"`);
    expect(r.stdout).toContain('✗ extra message\n    turn 3: expected user "Ann"');
    expect(r.stdout).toMatch(/✗ bad regex\n    turn 2: expected the turn to run\n {12}actual   an error: Invalid regular expression/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 3 failed');
  });
});

describe('scenarist chat', () => {
  it('lists buttons with numbers and presses them by number, value or text', async () => {
    const r = await runCli(['chat', 'examples/spec-example.json'], { stdin: 'Ann\n1\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("bot: What's your name?");
    expect(r.stdout).toContain('bot: Nice to meet you, Ann!\n  [1] Tell me more\n  [2] Goodbye');
    expect(r.stdout).toContain('bot: Goodbye, Ann!');
    const byText = await runCli(['chat', 'examples/spec-example.json'], { stdin: 'Ann\ngoodbye\n' });
    expect(byText.stdout).toContain('(the dialog has ended');
  });

  it('skips time with /wait DURATION and refuses a bad duration without leaving', async () => {
    const r = await runCli(['chat', 'examples/spec-example.json'], { stdin: '/wait 10m\n/wait soon\nAnn\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(10m passed)');
    expect(r.stdout).toContain('(/wait needs a duration such as 90s, 10m, 24h or 7d, not "soon")');
    expect(r.stdout).toContain('bot: Nice to meet you, Ann!');
    expect(r.stdout).not.toContain('bot: Please tell me your name.');
  });

  it('shows nothing for the timers a step asks for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-chat-'));
    const file = join(dir, 'timed.json');
    const step = { message: { text: 'Name?' }, expected_input: { type: 'text', variable: 'n' }, timeout: { after: '1m', next: 'a' }, next_step: 'a' };
    writeFileSync(file, JSON.stringify({ name: 'T', version: '1', start_step: 'a', steps: { a: step } }));
    const r = await runCli(['chat', file], { stdin: '' });
    expect(r.stdout).toContain('bot: Name?');
    expect(r.stdout).not.toContain('(the dialog has ended');
  });
});
