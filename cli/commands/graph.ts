import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { renderGraph } from '../../compiler/index.js';
import { UsageError, type Io } from '../io.js';
import { loadScenario, printDiagnostics } from '../load.js';
import type { Command } from './command.js';

export const graphCommand: Command = {
  name: 'graph',
  summary: 'Draw a scenario as a Mermaid or DOT graph',
  usage: 'scenarist graph FILE [--format mermaid|dot] [--out FILE]',
  help: `Prints the scenario's steps and transitions as a graph.

Options:
  --format mermaid|dot   output format (default mermaid)
  --out FILE             write to FILE instead of standard output
  --help                 show this help

Exit status: 1 if the scenario has an error, else 0.`,
  options: { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' } },
  async run(io: Io, args) {
    if (args.positionals.length !== 1) throw new UsageError('graph needs exactly one FILE');
    const format = args.values['format'] ?? 'mermaid';
    if (format !== 'mermaid' && format !== 'dot') throw new UsageError(`unknown --format ${JSON.stringify(format)}: use mermaid or dot`);
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
