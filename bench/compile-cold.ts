/**
 * `scenarist compile` of a generated 10,000-step scenario, each run in a fresh process: what a user waits for,
 * module loading and a cold JIT included. Prints the median wall time and CPU time (user + system) per target.
 *
 * Run: npm run build && flock /tmp/bench.lock node dist/bench/compile-cold.js
 * Options: STEPS=10000 RUNS=7; BASELINE_DIR=/path/to/another/built/checkout adds target `baseline`, run
 * alternately with `ours` in the same invocation (compare ratios: absolute figures drift on a shared machine).
 * The outputs of both targets are compared byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { generateScenario } from './generate-scenario.js';

const steps = Number(process.env['STEPS'] ?? 10_000);
const runs = Number(process.env['RUNS'] ?? 7);
const baselineDir = process.env['BASELINE_DIR'];

const targets: { name: string; bin: string }[] = [{ name: 'ours', bin: fileURLToPath(new URL('../../bin/scenarist.js', import.meta.url)) }];
if (baselineDir) targets.push({ name: 'baseline', bin: join(baselineDir, 'bin/scenarist.js') });

const work = mkdtempSync(join(tmpdir(), 'scenarist-compile-cold-'));
const source = join(work, 'generated.json');
writeFileSync(source, JSON.stringify(generateScenario(steps), null, 2));

/** CPU seconds of this process's waited-for children (Linux /proc; undefined elsewhere). */
function childrenCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5), cutime and cstime, in clock ticks (100 per second on Linux).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const wall = new Map<string, number[]>(targets.map((t) => [t.name, []]));
const cpu = new Map<string, number[]>(targets.map((t) => [t.name, []]));
for (let r = 0; r < runs; r++) {
  // Alternate the order too, so neither target always runs right after the other.
  for (const t of r % 2 ? [...targets].reverse() : targets) {
    const out = join(work, t.name);
    const cpu0 = childrenCpuSeconds();
    const t0 = performance.now();
    const child = spawnSync(process.execPath, [t.bin, 'compile', source, '--out', out], { encoding: 'utf8' });
    const ms = performance.now() - t0;
    const cpu1 = childrenCpuSeconds();
    if (child.status !== 0) throw new Error(`${t.name}: compile exited with ${child.status}\n${child.stderr}`);
    wall.get(t.name)!.push(ms);
    if (cpu0 !== undefined && cpu1 !== undefined) cpu.get(t.name)!.push((cpu1 - cpu0) * 1000);
  }
}

const sameOutput = (a: string, b: string): boolean =>
  readdirSync(a).every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
const results = targets.map((t) => ({
  target: t.name,
  medianMs: Math.round(median(wall.get(t.name)!)),
  minMs: Math.round(Math.min(...wall.get(t.name)!)),
  maxMs: Math.round(Math.max(...wall.get(t.name)!)),
  ...(cpu.get(t.name)!.length ? { medianCpuMs: Math.round(median(cpu.get(t.name)!)) } : {}),
}));
const [ours, base] = results;
console.log(
  JSON.stringify(
    {
      benchmark: 'scenarist compile, cold process',
      steps,
      sourceMB: Number((Buffer.byteLength(readFileSync(source)) / 1024 / 1024).toFixed(1)),
      runs,
      results,
      ...(base ? { wallRatio: Number((ours!.medianMs / base.medianMs).toFixed(2)), sameOutput: sameOutput(join(work, 'ours'), join(work, 'baseline')) } : {}),
      node: process.version,
    },
    null,
    2,
  ),
);
rmSync(work, { recursive: true, force: true });
