import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileScenario, formatScn, type IrScenario } from '../../compiler/index.js';
import { runCli } from '../support/cli.js';

/** Examples written in a form the compiler of this tree does not read yet (media); they join the checks below once it does. */
const scenarios = readdirSync('examples').filter((f) => (f.endsWith('.json') || f.endsWith('.scn')) && !f.endsWith('.test.json'));
const stems = [...new Set(scenarios.map((f) => f.replace(/\.(json|scn)$/, '')))];

/** The IR as meaning: the hash identifies the source text, which differs between the two forms by design. */
const meaning = (ir: IrScenario | undefined): unknown => ir && { ...ir, hash: undefined };

describe('every example', () => {
  it('there are at least four, each in both forms', () => {
    expect(stems.length).toBeGreaterThanOrEqual(4);
    for (const stem of stems) expect(scenarios).toEqual(expect.arrayContaining([`${stem}.json`, `${stem}.scn`]));
  });

  for (const file of scenarios) {
    it(`${file} checks without errors and passes its conversation tests`, async () => {
      const check = await runCli(['check', `examples/${file}`]);
      expect(check.code, check.stdout).toBe(0);
      const test = await runCli(['test', `examples/${file}`]);
      expect(test.code, test.stdout).toBe(0);
      expect(test.stdout).toMatch(/^[1-9]\d* passed, 0 failed$/m);
    });
  }

  for (const stem of stems) {
    it(`${stem}'s conversation tests pass on the rendering of every channel`, async () => {
      for (const channel of ['telegram', 'webchat', 'whatsapp', 'messenger']) {
        const test = await runCli(['test', `examples/${stem}.json`, '--channel', channel]);
        expect(test.code, `${channel}\n${test.stdout}`).toBe(0);
        expect(test.stdout).toMatch(/^[1-9]\d* passed, 0 failed$/m);
      }
    });
  }

  for (const stem of stems) {
    it(`${stem}.scn says what ${stem}.json says, and is formatted`, () => {
      const json = compileScenario(readFileSync(`examples/${stem}.json`, 'utf8'), { file: `${stem}.json` });
      const text = readFileSync(`examples/${stem}.scn`, 'utf8');
      const scn = compileScenario(text, { file: `${stem}.scn` });
      expect(json.ir).toBeDefined();
      expect(meaning(scn.ir)).toEqual(meaning(json.ir));
      expect(scn.diagnostics.map((d) => d.code)).toEqual(json.diagnostics.map((d) => d.code));
      expect(formatScn(text, `${stem}.scn`).text).toBe(text);
    });
  }
});
