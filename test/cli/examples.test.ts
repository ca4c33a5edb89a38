import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const examples = readdirSync('examples').filter((f) => f.endsWith('.json') && !f.endsWith('.test.json'));

describe('every example', () => {
  it('there are at least four', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of examples) {
    it(`${file} checks without errors and passes its conversation tests`, async () => {
      const check = await runCli(['check', `examples/${file}`]);
      expect(check.code, check.stdout).toBe(0);
      const test = await runCli(['test', `examples/${file}`]);
      expect(test.code, test.stdout).toBe(0);
      expect(test.stdout).toMatch(/^[1-9]\d* passed, 0 failed$/m);
    });
  }
});
