import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withVar } from '../../../runtime/engine/vars.js';

// Built code (npm run build): V8's own check of hidden classes needs --allow-natives-syntax in a process of its own.
const vars = fileURLToPath(new URL('../../../dist/runtime/engine/vars.js', import.meta.url));

describe('withVar', () => {
  it('sets one variable in a copy, the original unchanged', () => {
    const before = { a: 1 };
    expect(withVar(before, 'b', 2)).toEqual({ a: 1, b: 2 });
    expect(withVar(before, 'a', 3)).toEqual({ a: 3 });
    expect(before).toEqual({ a: 1 });
  });

  it('keeps __proto__ an own variable, not the prototype', () => {
    const v = withVar<unknown>({}, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    const w = withVar<unknown>(v, 'x', 1);
    expect(Object.getPrototypeOf(w)).toBe(Object.prototype);
    expect(Object.keys(w)).toEqual(['__proto__', 'x']);
  });

  it('gives the variables of every dialog one hidden class per set of names', () => {
    const script = `
      import { withVar } from ${JSON.stringify(vars)};
      const all = [];
      for (let i = 0; i < 20000; i++) all.push(withVar(withVar({}, 'name', 'n' + i), 'choice', 'c' + i));
      let distinct = 0;
      for (let i = 1; i < all.length; i++) if (!%HaveSameMap(all[0], all[i])) distinct++;
      console.log(distinct);
    `;
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(Number(out)).toBe(0);
  });
});
