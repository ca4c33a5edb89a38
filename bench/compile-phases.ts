/**
 * Where one cold `scenarist compile` of a generated 10,000-step scenario spends its time, phase by phase, each
 * run in a fresh process (the first compile of a process is the one a user waits for). Garbage collection pauses
 * (from --trace-gc) are counted inside the phase that caused them and also shown apart as `gc`.
 *
 * Run: npm run build && flock /tmp/bench.lock node dist/bench/compile-phases.js
 * Options: STEPS=10000 RUNS=5; BASELINE_DIR=/path/to/another/built/checkout adds its phases, run alternately.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateScenario } from './generate-scenario.js';

const PHASES = ['load', 'json', 'check', 'ir', 'config', 'stringify', 'ts', 'total', 'gc'] as const;
type Phases = Record<(typeof PHASES)[number], number>;

/** The child: times the phases of `compileScenario` and the emitters, as `scenarist compile` runs them. */
const CHILD = `
import { readFileSync } from 'node:fs';
const dist = process.env.DIST_URL;
const t = [performance.now()];
const c = await import(dist + 'compiler/index.js');
const { Reporter } = await import(dist + 'compiler/diagnostics/reporter.js');
const { LineIndex } = await import(dist + 'compiler/source/text.js');
const { readJsonScenario } = await import(dist + 'compiler/source/read-json-scenario.js');
const { checkScenarioAst } = await import(dist + 'compiler/check/index.js');
const { buildIr } = await import(dist + 'compiler/ir/build.js');
const text = readFileSync(process.env.SOURCE, 'utf8');
t.push(performance.now());
const reporter = new Reporter('generated.json', new LineIndex(text), 'json');
const ast = readJsonScenario(text, reporter);
t.push(performance.now());
const outcome = checkScenarioAst(ast, reporter);
reporter.diagnostics();
t.push(performance.now());
const ir = buildIr(outcome.scenario, outcome.variables, text);
t.push(performance.now());
const config = c.emitMachineConfig(ir);
t.push(performance.now());
const json = JSON.stringify(config, null, 2);
t.push(performance.now());
const ts = c.emitTypeScript(ir, { source: 'generated.json', configImport: './generated.machine.json' });
t.push(performance.now());
const d = t.slice(1).map((x, i) => x - t[i]);
process.stdout.write('PHASES ' + JSON.stringify([...d, t[t.length - 1] - t[0], json.length + ts.length]) + '\\n');
`;

const steps = Number(process.env['STEPS'] ?? 10_000);
const runs = Number(process.env['RUNS'] ?? 5);
const baselineDir = process.env['BASELINE_DIR'];
const targets = [{ name: 'ours', dist: new URL('../', import.meta.url).href }];
if (baselineDir) targets.push({ name: 'baseline', dist: pathToFileURL(join(baselineDir, 'dist/')).href });

const work = mkdtempSync(join(tmpdir(), 'scenarist-compile-phases-'));
const source = join(work, 'generated.json');
writeFileSync(source, JSON.stringify(generateScenario(steps), null, 2));

const samples = new Map<string, Phases[]>(targets.map((t) => [t.name, []]));
for (let r = 0; r < runs; r++) {
  for (const t of r % 2 ? [...targets].reverse() : targets) {
    const child = spawnSync(process.execPath, ['--trace-gc', '--input-type=module', '-e', CHILD], {
      encoding: 'utf8',
      env: { ...process.env, DIST_URL: t.dist, SOURCE: source },
      cwd: fileURLToPath(new URL('.', import.meta.url)),
    });
    if (child.status !== 0) throw new Error(`${t.name}: ${child.stderr}`);
    const lines = child.stdout.trimEnd().split('\n');
    // --trace-gc prints each pause as "..., 12.3 / 0.0 ms ...": the main thread's time first.
    const gc = lines.reduce((sum, line) => sum + Number(/ ([\d.]+) \/ [\d.]+ ms/.exec(line)?.[1] ?? 0), 0);
    const phases = lines.find((line) => line.startsWith('PHASES '))!.slice('PHASES '.length);
    const values = [...(JSON.parse(phases) as number[]).slice(0, 8), gc];
    samples.get(t.name)!.push(Object.fromEntries(PHASES.map((p, i) => [p, values[i]!])) as Phases);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
console.log(
  JSON.stringify(
    {
      benchmark: 'compile phases, cold process (median ms)',
      steps,
      runs,
      results: targets.map((t) => ({
        target: t.name,
        ...Object.fromEntries(PHASES.map((p) => [p, Math.round(median(samples.get(t.name)!.map((s) => s[p])))])),
      })),
      node: process.version,
    },
    null,
    2,
  ),
);
rmSync(work, { recursive: true, force: true });
