import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnosticsMarkdown } from '../compiler/index.js';

describe('documentation', () => {
  it('docs/diagnostics.md matches the catalogue (run "npm run docs" after changing it)', () => {
    expect(readFileSync('docs/diagnostics.md', 'utf8')).toBe(diagnosticsMarkdown());
  });

  it('.ci/run runs the test command the README gives', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    const readme = readFileSync('README.md', 'utf8');
    const command = /^TEST_COMMAND='([^']+)'$/m.exec(ci)?.[1];
    expect(command).toBeDefined();
    expect(readme).toContain(`\n${command}\n`);
  });
});
