import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { formatOf, formatScn } from '../../compiler/index.js';
import { UsageError, type Io } from '../io.js';
import { printDiagnostics } from '../load.js';
import { writeFileAtomic } from '../write-file.js';
import type { Command } from './command.js';

export const fmtCommand: Command = {
  name: 'fmt',
  summary: 'Rewrite .scn scenarios in the canonical layout, comments kept',
  usage: 'scenarist fmt FILE... [--check]',
  help: `Rewrites each .scn FILE in the one canonical layout: header first, a blank line before each step, two
spaces before step statements and four before input options, statements of a step in a fixed order. Comments
stay with the statement they stand above or beside. Formatting twice changes nothing.

A file with syntax errors is left untouched and its errors are printed. "-" reads standard input and writes
the formatted text to standard output.

Options:
  --check   change nothing; list the files that are not formatted
  --help    show this help

Exit status: 1 if a file has syntax errors, or with --check if a file is not formatted; else 0.`,
  options: { check: { type: 'boolean' } },
  async run(io: Io, args) {
    if (args.positionals.length === 0) throw new UsageError('fmt needs at least one FILE (or - for standard input)');
    const check = args.values['check'] === true;
    let failed = false;
    let changed = 0;
    for (const file of args.positionals) {
      if (file !== '-' && formatOf(file) !== 'scn') {
        io.stderr(`${file}: not a .scn file; fmt formats the text language (convert JSON with "scenarist convert").\n`);
        failed = true;
        continue;
      }
      const shown = file === '-' ? '<stdin>.scn' : relative(io.cwd, resolve(io.cwd, file)) || file;
      let text: string;
      try {
        text = file === '-' ? await readStdin(io) : await readFile(resolve(io.cwd, file), 'utf8');
      } catch (err) {
        io.stderr(`${shown}: cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.\n`);
        failed = true;
        continue;
      }
      const result = formatScn(text, shown);
      if (result.text === undefined) {
        printDiagnostics(io, result.diagnostics.filter((d) => d.severity === 'error'), 'stderr');
        io.stderr(`${shown}: not formatted: fix the errors above first.\n`);
        failed = true;
        continue;
      }
      if (file === '-') {
        io.stdout(check ? '' : result.text);
        if (check && result.text !== text) failed = true;
        continue;
      }
      if (result.text === text) continue;
      changed++;
      if (check) {
        io.stdout(`${shown}\n`);
        failed = true;
      } else {
        await writeFileAtomic(resolve(io.cwd, file), result.text);
        io.stdout(`formatted ${shown}\n`);
      }
    }
    if (check && changed > 0) io.stderr(`${changed} file${changed === 1 ? ' is' : 's are'} not formatted; run "scenarist fmt" on ${changed === 1 ? 'it' : 'them'}.\n`);
    return failed ? 1 : 0;
  },
};

async function readStdin(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
