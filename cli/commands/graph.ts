import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GRAPH_FORMATS, renderGraph, type GraphFormat } from '../../compiler/index.js';
import { UsageError, type Io } from '../io.js';
import { loadScenario, printDiagnostics } from '../load.js';
import type { Command } from './command.js';

export const graphCommand: Command = {
  name: 'graph',
  summary: 'Draw a scenario as a Mermaid, DOT, JSON or SVG graph',
  usage: 'scenarist graph FILE [--format mermaid|dot|json|svg] [--out FILE]',
  help: `Prints the scenario's steps and transitions as a graph.

Formats:
  mermaid   a Mermaid flowchart (the default)
  dot       a Graphviz DOT graph
  json      the graph as data: {nodes: [{id, kind, label, summary, final, input?}], edges: [{from, to, label?, dashed?}]}
  svg       a laid-out, standalone SVG for a web page: each step is a <g data-step="ID"> with an
            empty count badge (<g class="badge empty" data-count-for="ID">) a page can fill in

Options:
  --format FORMAT   mermaid, dot, json or svg (default mermaid)
  --out FILE        write to FILE instead of standard output
  --help            show this help

Exit status: 1 if the scenario has an error, else 0.`,
  options: { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' } },
  async run(io: Io, args) {
    if (args.positionals.length !== 1) throw new UsageError('graph needs exactly one FILE');
    const format = args.values['format'] ?? 'mermaid';
    if (!isGraphFormat(format)) throw new UsageError(`unknown --format ${JSON.stringify(format)}: use mermaid, dot, json or svg`);
    const r = await loadScenario(io, args.positionals[0]!);
    printDiagnostics(io, r.diagnostics.filter((d) => d.severity === 'error'), 'stderr');
    if (!r.ir) return 1;
    const text = renderGraph(r.ir, format);
    const out = args.values['out'];
    if (typeof out === 'string') await writeFile(resolve(io.cwd, out), text);
    else io.stdout(text);
    return 0;
  },
};

const isGraphFormat = (value: unknown): value is GraphFormat => (GRAPH_FORMATS as readonly unknown[]).includes(value);
