import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Allocates short-lived objects until the young generation has grown to its limit; prints new space's size in MB. */
const PROBE = `
const v8 = require('node:v8');
if (process.argv[1] === 'runtime-flag') v8.setFlagsFromString('--max-semi-space-size=64');
let keep = [];
for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 200000) keep = []; }
console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576);
`;

function newSpaceMb(args: { nodeOptions?: string; runtimeFlag?: boolean }): number {
  const env = { ...process.env, NODE_OPTIONS: args.nodeOptions ?? '' };
  const out = execFileSync(process.execPath, ['-e', PROBE, args.runtimeFlag ? 'runtime-flag' : 'none'], { env, encoding: 'utf8' });
  return Number(out.trim());
}

describe('the young generation of a server process', () => {
  it('is sized by --max-semi-space-size in NODE_OPTIONS, as the README says, and not by a flag set after startup', () => {
    const standard = newSpaceMb({});
    expect(newSpaceMb({ nodeOptions: '--max-semi-space-size=64' })).toBeGreaterThan(standard);
    // Why `serve` no longer offers a setting of its own: V8 reads this flag when the heap is set up.
    expect(newSpaceMb({ runtimeFlag: true })).toBe(standard);
  });
});
