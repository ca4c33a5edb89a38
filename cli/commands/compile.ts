import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { emitMachineConfig, emitTypeScript, hasErrors } from '../../compiler/index.js';
import { UsageError, type Io } from '../io.js';
import { loadScenario, printDiagnostics, summary } from '../load.js';
import type { Command } from './command.js';

export const compileCommand: Command = {
  name: 'compile',
  summary: 'Compile scenarios into XState machine configs and typed TypeScript modules',
  usage: 'scenarist compile FILE... --out DIR [--engine-import SPECIFIER]',
  help: `Checks each scenario and, when none has an error, writes for each FILE named NAME.json or NAME.scn:

  DIR/NAME.machine.json   the XState v5 machine config (plain JSON)
  DIR/NAME.machine.ts     a TypeScript module: the typed context (Vars, StepId) and the machine, which
                          imports NAME.machine.json (needs "resolveJsonModule" in tsconfig.json)

Nothing is written when any file has an error.

Options:
  --out DIR                  output directory (created if missing); required
  --engine-import SPECIFIER  module the generated TypeScript imports the engine from (default "scenarist/engine")
  --help                     show this help

Exit status: 1 if any file has an error, else 0.`,
  options: { out: { type: 'string', short: 'o' }, 'engine-import': { type: 'string' } },
  async run(io: Io, args) {
    if (args.positionals.length === 0) throw new UsageError('compile needs at least one FILE');
    const out = args.values['out'];
    if (typeof out !== 'string') throw new UsageError('compile needs --out DIR');
    const results = await Promise.all(args.positionals.map((f) => loadScenario(io, f)));
    const diagnostics = results.flatMap((r) => r.diagnostics);
    printDiagnostics(io, diagnostics, 'stderr');
    if (hasErrors(diagnostics)) {
      io.stderr(`Not compiled: ${summary(diagnostics)}.\n`);
      return 1;
    }
    const dir = resolve(io.cwd, out);
    await mkdir(dir, { recursive: true });
    const engineImport = args.values['engine-import'];
    for (const r of results) {
      if (!r.ir) continue;
      const name = basename(r.file, extname(r.file));
      const config = emitMachineConfig(r.ir);
      const ts = emitTypeScript(r.ir, {
        source: basename(r.file),
        configImport: `./${name}.machine.json`,
        engineImport: typeof engineImport === 'string' ? engineImport : undefined,
      });
      await writeFile(join(dir, `${name}.machine.json`), `${JSON.stringify(config, null, 2)}\n`);
      await writeFile(join(dir, `${name}.machine.ts`), ts);
      io.stdout(`${r.file} -> ${join(out, `${name}.machine.json`)}, ${join(out, `${name}.machine.ts`)}\n`);
    }
    return 0;
  },
};
