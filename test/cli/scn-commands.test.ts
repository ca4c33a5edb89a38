import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../compiler/index.js';
import { runCli } from '../support/cli.js';

const temp = (): string => mkdtempSync(join(tmpdir(), 'scenarist-scn-'));

const MESSY = `# Greeter
scenario "Greeter"   version "1.0"
start ask
step ask
      go greet   # after the answer
  ask text -> name
  say "Name?"


      # the last step
step greet
say "Hi {{name}}!"
`;

const TIDY = `# Greeter
scenario "Greeter" version "1.0"
start ask

step ask
  say "Name?"
  ask text -> name
  go greet # after the answer

# the last step
step greet
  say "Hi {{name}}!"
`;

describe('scenarist check on .scn files', () => {
  it('reports every syntax error of a file in one run, each at its line and column', async () => {
    const dir = temp();
    const file = join(dir, 'broken.scn');
    writeFileSync(file, 'scenario "B" version "1"\nstart a\nstep a\n  say "open\n  ask text name\n  go\n  sya "x"\n');
    const r = await runCli(['check', 'broken.scn'], { cwd: dir });
    expect(r.code).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.includes(' error '));
    expect(errors.map((l) => l.split(' error ')[0])).toEqual(['broken.scn:4:7', 'broken.scn:5:12', 'broken.scn:6:5', 'broken.scn:7:3']);
    expect(errors[1]).toContain('SCN_SYNTAX Expected "->" after "text", but found "name".');
  });
});

describe('scenarist fmt', () => {
  it('rewrites a file in the canonical layout and keeps its comments; a second run changes nothing', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'bot.scn'), MESSY);
    const r = await runCli(['fmt', 'bot.scn'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('formatted bot.scn\n');
    expect(readFileSync(join(dir, 'bot.scn'), 'utf8')).toBe(TIDY);
    const again = await runCli(['fmt', 'bot.scn'], { cwd: dir });
    expect(again).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--check lists unformatted files, exits 1, and writes nothing', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'messy.scn'), MESSY);
    writeFileSync(join(dir, 'tidy.scn'), TIDY);
    const r = await runCli(['fmt', '--check', 'messy.scn', 'tidy.scn'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('messy.scn\n');
    expect(readFileSync(join(dir, 'messy.scn'), 'utf8')).toBe(MESSY);
    expect((await runCli(['fmt', '--check', 'tidy.scn'], { cwd: dir })).code).toBe(0);
  });

  it('leaves a file with syntax errors untouched and says why', async () => {
    const dir = temp();
    const broken = `${MESSY}  go\n`;
    writeFileSync(join(dir, 'bot.scn'), broken);
    const r = await runCli(['fmt', 'bot.scn'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bot.scn:13:5 error SCN_SYNTAX');
    expect(r.stderr).toContain('bot.scn: not formatted: fix the errors above first.');
    expect(readFileSync(join(dir, 'bot.scn'), 'utf8')).toBe(broken);
  });

  it('formats standard input to standard output, and refuses files that are not .scn', async () => {
    expect(await runCli(['fmt', '-'], { stdin: MESSY })).toEqual({ code: 0, stdout: TIDY, stderr: '' });
    const json = await runCli(['fmt', 'examples/menu-loop.json']);
    expect(json.code).toBe(1);
    expect(json.stderr).toContain('not a .scn file');
    expect((await runCli(['fmt', 'missing.scn'])).stderr).toContain('missing.scn: cannot read: no such file.');
  });
});

describe('scenarist convert', () => {
  it('converts JSON to .scn and back to the same scenario', async () => {
    const dir = temp();
    const there = await runCli(['convert', 'examples/loan-conditions.json', join(dir, 'loan.scn')]);
    expect(there.code, there.stderr).toBe(0);
    const back = await runCli(['convert', join(dir, 'loan.scn'), join(dir, 'loan.json')]);
    expect(back.code, back.stderr).toBe(0);
    const meaning = (file: string) => ({ ...compileScenario(readFileSync(file, 'utf8'), { file }).ir, hash: undefined });
    expect(meaning(join(dir, 'loan.scn'))).toEqual(meaning('examples/loan-conditions.json'));
    expect(meaning(join(dir, 'loan.json'))).toEqual(meaning('examples/loan-conditions.json'));
  });

  it('keeps "$schema" into JSON (pointing from the new folder) and says that .scn cannot hold it', async () => {
    const dir = temp();
    const schemaOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { $schema?: string }).$schema;
    const moved = await runCli(['convert', 'examples/loan-conditions.json', join(dir, 'loan.json')]);
    expect(moved.code, moved.stderr).toBe(0);
    expect(resolve(dir, schemaOf(join(dir, 'loan.json'))!)).toBe(resolve('schema/scenario.schema.json'));
    expect(readFileSync(join(dir, 'loan.json'), 'utf8')).toMatch(/^\{\n {2}"\$schema": /);
    const sameFolder = await runCli(['convert', 'loan.json', 'again.json'], { cwd: dir });
    expect(sameFolder.code, sameFolder.stderr).toBe(0);
    expect(schemaOf(join(dir, 'again.json'))).toBe(schemaOf(join(dir, 'loan.json')));
    const scn = await runCli(['convert', 'examples/loan-conditions.json', join(dir, 'loan.scn')]);
    expect(scn.code).toBe(0);
    expect(scn.stderr).toContain('note: "$schema" is not kept');
  });

  it('says that comments do not survive into JSON', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'bot.scn'), TIDY);
    const r = await runCli(['convert', 'bot.scn', 'bot.json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('note: 3 comments are not kept: JSON has no comments');
    expect(JSON.parse(readFileSync(join(dir, 'bot.json'), 'utf8'))).toMatchObject({ name: 'Greeter', start_step: 'ask' });
  });

  it('refuses to overwrite without --force, and to convert a file with syntax errors', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'bot.scn'), TIDY);
    writeFileSync(join(dir, 'bot.json'), 'keep me');
    const refused = await runCli(['convert', 'bot.scn', 'bot.json'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(readFileSync(join(dir, 'bot.json'), 'utf8')).toBe('keep me');
    expect((await runCli(['convert', 'bot.scn', 'bot.json', '--force'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'broken.json'), '{ "name": "x", "steps": { "a": { "message": ');
    const broken = await runCli(['convert', 'broken.json', 'broken.scn'], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('JSON_SYNTAX');
    expect(existsSync(join(dir, 'broken.scn'))).toBe(false);
  });
});

describe('the other commands take .scn files', () => {
  it('test, graph, compile and chat run on the .scn form of an example', async () => {
    const test = await runCli(['test', 'examples/spec-example.scn']);
    expect(test.code, test.stdout).toBe(0);
    const graph = await runCli(['graph', 'examples/spec-example.scn']);
    expect(graph.stdout).toContain('greet_with_name');
    const dir = temp();
    const compiled = await runCli(['compile', 'examples/menu-loop.scn', '--out', dir]);
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(existsSync(join(dir, 'menu-loop.machine.json'))).toBe(true);
    const chat = await runCli(['chat', 'examples/spec-example.scn'], { stdin: 'Ann\n1\n' });
    expect(chat.stdout).toContain('bot: Nice to meet you, Ann!');
  });

  it('fmt and convert have help', async () => {
    for (const cmd of ['fmt', 'convert']) {
      const help = await runCli([cmd, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: scenarist ${cmd}`);
    }
  });
});
