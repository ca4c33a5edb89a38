import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileScenario, diagnosticsMarkdown, formatScn } from '../compiler/index.js';

describe('documentation', () => {
  it('docs/diagnostics.md matches the catalogue (run "npm run docs" after changing it)', () => {
    expect(readFileSync('docs/diagnostics.md', 'utf8')).toBe(diagnosticsMarkdown());
  });

  it('the README\'s scenario says the same in JSON and in .scn, and the .scn is formatted', () => {
    const readme = readFileSync('README.md', 'utf8');
    const json = /## A scenario\n\n```json\n([\s\S]*?)```/.exec(readme)?.[1];
    const scn = /### The same scenario as text[\s\S]*?```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(json && scn).toBeTruthy();
    const fromJson = compileScenario(json!, { file: 'README.json' });
    const fromScn = compileScenario(scn!, { file: 'README.scn' });
    expect(fromScn.diagnostics).toEqual([]);
    expect({ ...fromScn.ir, hash: '' }).toEqual({ ...fromJson.ir, hash: '' });
    expect(formatScn(scn!, 'README.scn').text).toBe(scn);
  });

  it('.ci/run runs the test command the README gives', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    const readme = readFileSync('README.md', 'utf8');
    const command = /^TEST_COMMAND='([^']+)'$/m.exec(ci)?.[1];
    expect(command).toBeDefined();
    expect(readme).toContain(`\n${command}\n`);
  });
});
