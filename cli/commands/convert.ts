import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { convertScenario, formatOf } from '../../compiler/index.js';
import { UsageError, type Io } from '../io.js';
import { printDiagnostics } from '../load.js';
import { writeFileAtomic } from '../write-file.js';
import type { Command } from './command.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'Convert a scenario between JSON and the .scn text language',
  usage: 'scenarist convert IN OUT [--force]',
  help: `Writes the scenario IN to OUT in the format of OUT's extension: .scn for the text language, anything else
for JSON. The output is read back and compared with IN before it is written, so a conversion never changes
what the scenario says. Comments do not survive into JSON, and fields the format does not define are left out;
both are reported. A JSON input's "$schema" is kept in JSON output (a relative path is made to point from OUT's
folder); .scn has no place for it, which is reported.

A scenario with syntax errors is not converted. Errors of meaning (an unknown step, say) do not stop a
conversion: "scenarist check" reports them in either form.

Options:
  --force   overwrite OUT if it exists
  --help    show this help

Exit status: 1 if IN cannot be read or converted, or OUT exists without --force; else 0.`,
  options: { force: { type: 'boolean' } },
  async run(io: Io, args) {
    if (args.positionals.length !== 2) throw new UsageError('convert needs IN and OUT');
    const [input, output] = args.positionals as [string, string];
    const shown = relative(io.cwd, resolve(io.cwd, input)) || input;
    const target = resolve(io.cwd, output);
    if (target === resolve(io.cwd, input)) throw new UsageError('IN and OUT are the same file');
    if (existsSync(target) && args.values['force'] !== true) {
      io.stderr(`${output} exists; add --force to overwrite it.\n`);
      return 1;
    }
    const result = convertScenario(await readFile(resolve(io.cwd, input), 'utf8'), shown, output);
    if (result.text === undefined) {
      printDiagnostics(io, result.diagnostics.filter((d) => d.severity === 'error'), 'stderr');
      io.stderr(`${shown}: not converted: ${result.failure ?? 'fix the errors above first'}.\n`);
      return 1;
    }
    printDiagnostics(io, result.diagnostics, 'stderr');
    for (const note of result.notes) io.stderr(`note: ${note}\n`);
    await writeFileAtomic(target, result.text);
    io.stdout(`${shown} -> ${output} (${formatOf(output) === 'scn' ? '.scn text' : 'JSON'})\n`);
    return 0;
  },
};
