/**
 * Check and emit a generated 10,000-step scenario: parse + check + IR + machine config + TypeScript module.
 * Run: npm run bench  (options: STEPS=10000 RUNS=7). In one process: module loading is not counted, and only the
 * first run is cold. What a user waits for, `scenarist compile` from a fresh process, is bench/compile-cold.ts;
 * where its time goes, bench/compile-phases.ts.
 */
import { performance } from 'node:perf_hooks';
import { compileScenario, emitMachineConfig, emitTypeScript } from '../compiler/index.js';
import { generateScenario } from './generate-scenario.js';

const steps = Number(process.env['STEPS'] ?? 10_000);
const runs = Number(process.env['RUNS'] ?? 7);
const text = JSON.stringify(generateScenario(steps), null, 2);
const gc = (globalThis as { gc?: () => void }).gc;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const times: number[] = [];
const heaps: number[] = [];
let stepCount = 0;
let coldMs = 0;
for (let r = 0; r < runs + 1; r++) {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const result = compileScenario(text, { file: 'generated.json' });
  if (!result.ir) throw new Error(`generated scenario has errors: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  const config = emitMachineConfig(result.ir);
  const json = JSON.stringify(config);
  const ts = emitTypeScript(result.ir, { source: 'generated.json', configImport: './generated.machine.json' });
  const elapsed = performance.now() - t0;
  const heap = process.memoryUsage().heapUsed - before;
  stepCount = Object.keys(result.ir.steps).length;
  if (ts.length === 0 || json.length === 0) throw new Error('empty output');
  // The first run includes JIT warm-up: what one `scenarist compile` of this file costs.
  if (r === 0) coldMs = elapsed;
  else {
    times.push(elapsed);
    heaps.push(heap);
  }
}
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(
  JSON.stringify(
    {
      benchmark: 'check + emit',
      steps: stepCount,
      sourceMB: Number(mb(Buffer.byteLength(text))),
      runs,
      coldMs: Math.round(coldMs),
      medianMs: Math.round(median(times)),
      minMs: Math.round(Math.min(...times)),
      maxMs: Math.round(Math.max(...times)),
      medianHeapDeltaMB: Number(mb(median(heaps))),
      rssMB: Number(mb(process.memoryUsage().rss)),
      node: process.version,
    },
    null,
    2,
  ),
);
