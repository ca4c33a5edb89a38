/**
 * Layout + SVG of the scenario graph (`toSvg`) on generated scenarios of growing size: the median of RUNS runs per
 * size, in milliseconds, and the SVG's size in bytes. The dashboard draws the graph inside a request, so this must
 * stay near-linear in the number of steps.
 * Run: npm run build && node dist/bench/graph-layout.js  (options: SIZES=100,300,1000,3000 RUNS=5)
 */
import { performance } from 'node:perf_hooks';
import { compileScenario, toSvg } from '../compiler/index.js';
import { generateScenario } from './generate-scenario.js';

const sizes = (process.env['SIZES'] ?? '100,300,1000,3000').split(',').map(Number);
const runs = Number(process.env['RUNS'] ?? 5);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

for (const steps of sizes) {
  const result = compileScenario(JSON.stringify(generateScenario(steps)), { file: `generated-${steps}.json` });
  if (!result.ir) throw new Error(`generated scenario has errors: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  const ir = result.ir;
  const times: number[] = [];
  let bytes = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const svg = toSvg(ir);
    times.push(performance.now() - t0);
    bytes = Buffer.byteLength(svg);
  }
  console.log(JSON.stringify({ benchmark: 'graph layout + svg', steps, runs, medianMs: Math.round(median(times)), minMs: Math.round(Math.min(...times)), svgBytes: bytes }));
}
