/**
 * The .scn text language against JSON on the same generated 10,000-step scenario: (a) parse only (`readScenario`),
 * (b) parse + check + IR (`compileScenario`). Both texts must compile to the same IR before anything is timed; the two
 * formats then alternate run by run, so drift (GC, JIT, thermal) hits both alike. Target: the DSL within 2× of JSON.
 * Run: npm run bench:dsl  (options: STEPS=10000 RUNS=11)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { compileScenario, convertScenario, readScenario, type IrScenario } from '../compiler/index.js';
import { generateScenario } from './generate-scenario.js';

const steps = Number(process.env['STEPS'] ?? 10_000);
const runs = Number(process.env['RUNS'] ?? 11);
const gc = (globalThis as { gc?: () => void }).gc;

type Format = 'json' | 'scn';
type Phase = 'parse' | 'compile';
const FORMATS: readonly Format[] = ['json', 'scn'];
const PHASES: readonly Phase[] = ['parse', 'compile'];
const FILES: Record<Format, string> = { json: 'generated.json', scn: 'generated.scn' };
const errorsOf = (diagnostics: readonly { severity: string }[]): number => diagnostics.filter((d) => d.severity === 'error').length;

/** Set in the child processes that time one cold call: "<phase>:<format>:<file holding the text>". */
const COLD_ENV = 'SCENARIST_BENCH_DSL_COLD';
const coldTask = process.env[COLD_ENV];
if (coldTask !== undefined) {
  // A fresh process: nothing loaded, JIT-compiled or built (the .scn lexer and parser included) before this one call.
  const [phase, format, path] = coldTask.split(':', 3) as [Phase, Format, string];
  const text = readFileSync(path, 'utf8');
  const t0 = performance.now();
  const result = phase === 'parse' ? readScenario(text, FILES[format]) : compileScenario(text, { file: FILES[format] });
  const elapsed = performance.now() - t0;
  if (!result.ast || errorsOf(result.diagnostics) > 0) throw new Error(`cold ${phase} of ${format}: errors`);
  process.stdout.write(String(elapsed));
  process.exit(0);
}

const jsonText = JSON.stringify(generateScenario(steps), null, 2);
const converted = convertScenario(jsonText, FILES.json, FILES.scn);
if (converted.text === undefined) {
  throw new Error(`cannot convert the generated scenario: ${converted.failure ?? JSON.stringify(converted.diagnostics.slice(0, 3))}`);
}
const texts: Record<Format, string> = { json: jsonText, scn: converted.text };
const bytes: Record<Format, number> = { json: Buffer.byteLength(texts.json), scn: Buffer.byteLength(texts.scn) };

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function compile(format: Format): IrScenario {
  const result = compileScenario(texts[format], { file: FILES[format] });
  if (!result.ir) throw new Error(`generated ${format} scenario has errors: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  return result.ir;
}

function parse(format: Format): number {
  const result = readScenario(texts[format], FILES[format]);
  if (!result.ast || errorsOf(result.diagnostics) > 0) {
    throw new Error(`generated ${format} scenario does not read: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  }
  return result.ast.steps.length;
}

function time(phase: Phase, format: Format): number {
  gc?.();
  const t0 = performance.now();
  if (phase === 'parse') parse(format);
  else compile(format);
  return performance.now() - t0;
}

const samples = Object.fromEntries(PHASES.map((p) => [p, { json: [] as number[], scn: [] as number[] }])) as Record<
  Phase,
  Record<Format, number[]>
>;
const cold = Object.fromEntries(PHASES.map((p) => [p, { json: 0, scn: 0 }])) as Record<Phase, Record<Format, number>>;

// Same meaning: both formats must give the same IR (the hash is of the source text, so it differs by design).
const withoutHash = ({ hash: _hash, ...rest }: IrScenario): Omit<IrScenario, 'hash'> => rest;
const irs = { json: compile('json'), scn: compile('scn') };
if (!isDeepStrictEqual(withoutHash(irs.json), withoutHash(irs.scn))) {
  throw new Error('the JSON and .scn forms of the generated scenario compile to different IRs');
}
const stepCount = Object.keys(irs.json.steps).length;

// Cold: what one `scenarist compile` of the file costs. Converting above has already run both readers in this
// process, so each cold figure is one call in a fresh process of its own (for .scn: lexer and parser built too).
const dir = mkdtempSync(join(tmpdir(), 'scenarist-bench-dsl-'));
try {
  for (const format of FORMATS) {
    const path = join(dir, FILES[format]);
    writeFileSync(path, texts[format]);
    for (const phase of PHASES) {
      const env = { ...process.env, [COLD_ENV]: `${phase}:${format}:${path}` };
      cold[phase][format] = Number(execFileSync(process.execPath, [process.argv[1]!], { env, encoding: 'utf8' }));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Interleaved: one run is every phase of both formats, alternating which format goes first.
for (let r = 0; r < runs; r++) {
  const order = r % 2 === 0 ? FORMATS : [...FORMATS].reverse();
  for (const phase of PHASES) for (const format of order) samples[phase][format].push(time(phase, format));
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const mb = (n: number): number => Math.round((n / 1024 / 1024) * 100) / 100;

function stats(phase: Phase, format: Format) {
  const xs = samples[phase][format];
  const med = median(xs);
  return {
    coldMs: round1(cold[phase][format]),
    medianMs: round1(med),
    minMs: round1(Math.min(...xs)),
    maxMs: round1(Math.max(...xs)),
    mbPerS: round1(bytes[format] / 1024 / 1024 / (med / 1000)),
  };
}

const phaseReport = (phase: Phase) => {
  const json = stats(phase, 'json');
  const scn = stats(phase, 'scn');
  return { json, scn, ratio: Math.round((median(samples[phase].scn) / median(samples[phase].json)) * 100) / 100 };
};
const report = {
  benchmark: 'dsl vs json: parse, parse + check',
  steps: stepCount,
  runs,
  sourceMB: { json: mb(bytes.json), scn: mb(bytes.scn) },
  lines: { json: texts.json.split('\n').length, scn: texts.scn.split('\n').length },
  parse: phaseReport('parse'),
  compile: phaseReport('compile'),
  target: 'scn ≤ 2× json',
  withinTarget: { parse: false, compile: false },
  rssMB: mb(process.memoryUsage().rss),
  node: process.version,
};
report.withinTarget = { parse: report.parse.ratio <= 2, compile: report.compile.ratio <= 2 };

console.log(JSON.stringify(report, null, 2));

const pad = (s: string | number, n: number): string => String(s).padStart(n);
const rows = [
  `${'phase'.padEnd(16)}${pad('format', 7)}${pad('MB', 7)}${pad('cold ms', 9)}${pad('median', 9)}${pad('min', 8)}${pad('max', 8)}${pad('MB/s', 8)}`,
];
for (const phase of PHASES) {
  const label = phase === 'parse' ? 'parse (read)' : 'parse + check';
  for (const format of FORMATS) {
    const s = stats(phase, format);
    rows.push(
      `${(format === 'json' ? label : '').padEnd(16)}${pad(format, 7)}${pad(mb(bytes[format]).toFixed(2), 7)}${pad(s.coldMs, 9)}` +
        `${pad(s.medianMs, 9)}${pad(s.minMs, 8)}${pad(s.maxMs, 8)}${pad(s.mbPerS, 8)}`,
    );
  }
  const ratio = report[phase].ratio;
  rows.push(`${''.padEnd(16)}${pad('scn/json median ratio:', 30)} ${ratio.toFixed(2)}× ${ratio <= 2 ? '(within 2×)' : '(OVER the 2× target)'}`);
}
console.error(`\n${stepCount} steps, ${runs} runs, interleaved\n${rows.join('\n')}\n`);
