import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chatCommand } from './commands/chat.js';
import { checkCommand } from './commands/check.js';
import type { Command } from './commands/command.js';
import { compileCommand } from './commands/compile.js';
import { convertCommand } from './commands/convert.js';
import { fmtCommand } from './commands/fmt.js';
import { graphCommand } from './commands/graph.js';
import { historyCommand } from './commands/history.js';
import { logsCommand } from './commands/logs.js';
import { serveCommand } from './commands/serve.js';
import { testCommand } from './commands/test.js';
import { webhookCommand } from './commands/webhook.js';
import { processIo, UsageError, type Io } from './io.js';

export const COMMANDS: readonly Command[] = [
  checkCommand,
  compileCommand,
  graphCommand,
  testCommand,
  chatCommand,
  fmtCommand,
  convertCommand,
  logsCommand,
  historyCommand,
  serveCommand,
  webhookCommand,
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `scenarist: check, compile, test and run conversation scenarios

Usage: scenarist COMMAND [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "scenarist COMMAND --help" for a command's options.
Options: --help, --version
`;
}

/** Runs the CLI; returns the exit code (0 ok, 1 problems found, 2 usage mistake). */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`scenarist: unknown command ${JSON.stringify(name)}. Commands: ${COMMANDS.map((c) => c.name).join(', ')}.\n`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values['help']) {
      io.stdout(`Usage: ${command.usage}\n\n${command.help}\n`);
      return 0;
    }
    return await command.run(io, { values: values as Record<string, string | boolean | undefined>, positionals });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const usage = err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
    if (!usage && typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      // A file system refusal (EACCES, ENOTDIR, ENOENT…): the user's to fix, not a crash.
      io.stderr(`scenarist ${command.name}: ${(err as Error).message}\n`);
      return 1;
    }
    if (!usage) throw err;
    io.stderr(`scenarist ${command.name}: ${(err as Error).message}\nUsage: ${command.usage}\nRun "scenarist ${command.name} --help" for details.\n`);
    return 2;
  }
}
