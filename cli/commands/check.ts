import { hasErrors } from '../../compiler/index.js';
import { UsageError, type Io } from '../io.js';
import { loadScenario, printDiagnostics, summary } from '../load.js';
import type { Command } from './command.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check scenarios and report every mistake with file, line and column',
  usage: 'scenarist check FILE... [--json]',
  help: `Checks each scenario and prints one line per diagnostic:

  FILE:LINE:COLUMN SEVERITY CODE message

Options:
  --json   print an array of {code, severity, message, file, line, column} instead
  --help   show this help

Exit status: 1 if any file has an error, else 0 (warnings do not fail).`,
  options: { json: { type: 'boolean' } },
  async run(io: Io, args) {
    if (args.positionals.length === 0) throw new UsageError('check needs at least one FILE');
    const results = await Promise.all(args.positionals.map((f) => loadScenario(io, f)));
    const diagnostics = results.flatMap((r) => r.diagnostics);
    if (args.values['json']) {
      const rows = diagnostics.map(({ code, severity, message, file, line, column }) => ({ code, severity, message, file, line, column }));
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      printDiagnostics(io, diagnostics);
      io.stderr(`${results.length} file${results.length === 1 ? '' : 's'} checked: ${summary(diagnostics)}\n`);
    }
    return hasErrors(diagnostics) ? 1 : 0;
  },
};
