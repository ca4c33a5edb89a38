import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command } from './commands/command.js';
import { processIo, UsageError, type Io } from './io.js';

/**
 * Each command's module, loaded only when it runs (or for the overall help): `compile` and `check` must not pay for
 * the server's modules (Koa, SQLite, pino, XState) at every start. In the order the help lists them.
 */
const COMMAND_MODULES: Readonly<Record<string, () => Promise<Command>>> = {
  check: async () => (await import('./commands/check.js')).checkCommand,
  compile: async () => (await import('./commands/compile.js')).compileCommand,
  graph: async () => (await import('./commands/graph.js')).graphCommand,
  test: async () => (await import('./commands/test.js')).testCommand,
  chat: async () => (await import('./commands/chat.js')).chatCommand,
  fmt: async () => (await import('./commands/fmt.js')).fmtCommand,
  convert: async () => (await import('./commands/convert.js')).convertCommand,
  logs: async () => (await import('./commands/logs.js')).logsCommand,
  history: async () => (await import('./commands/history.js')).historyCommand,
  secret: async () => (await import('./commands/secret.js')).secretCommand,
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  webhook: async () => (await import('./commands/webhook.js')).webhookCommand,
};

export const COMMAND_NAMES: readonly string[] = Object.keys(COMMAND_MODULES);

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function mainHelp(): Promise<string> {
  const commands = await Promise.all(COMMAND_NAMES.map((name) => COMMAND_MODULES[name]!()));
  const width = Math.max(...commands.map((c) => c.name.length));
  return `scenarist: check, compile, test and run conversation scenarios

Usage: scenarist COMMAND [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "scenarist COMMAND --help" for a command's options.
Options: --help, --version
`;
}

/** Runs the CLI; returns the exit code (0 ok, 1 problems found, 2 usage mistake). */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(await mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMAND_MODULES, name) ? COMMAND_MODULES[name] : undefined;
  if (!load) {
    io.stderr(`scenarist: unknown command ${JSON.stringify(name)}. Commands: ${COMMAND_NAMES.join(', ')}.\n`);
    return 2;
  }
  const command = await load();
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
