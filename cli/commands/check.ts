import { CHANNEL_IDS, hasErrors, isChannelId, type ChannelId } from '../../compiler/index.js';
import { UsageError, type Io } from '../io.js';
import { loadScenario, printDiagnostics, summary } from '../load.js';
import type { Command } from './command.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check scenarios and report every mistake with file, line and column',
  usage: 'scenarist check FILE... [--channel NAME]... [--json]',
  help: `Checks each scenario and prints one line per diagnostic:

  FILE:LINE:COLUMN SEVERITY CODE message

Options:
  --channel NAME  also check against a channel's limits (telegram, webchat, whatsapp, messenger): what it cannot
                  show as written and what it shows instead; repeatable or comma-separated
  --json          print an array of {code, severity, message, file, line, column} instead
  --help          show this help

Exit status: 1 if any file has an error, else 0 (warnings do not fail).`,
  options: { json: { type: 'boolean' }, channel: { type: 'string', multiple: true } },
  async run(io: Io, args) {
    if (args.positionals.length === 0) throw new UsageError('check needs at least one FILE');
    const channels = channelsOf(args.values['channel']);
    const results = await Promise.all(args.positionals.map((f) => loadScenario(io, f, channels)));
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

function channelsOf(value: string | boolean | readonly string[] | undefined): readonly ChannelId[] | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const names = (typeof value === 'string' ? [value] : value).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const unknown = names.find((n) => !isChannelId(n));
  if (unknown !== undefined) throw new UsageError(`unknown channel ${JSON.stringify(unknown)}; channels are ${CHANNEL_IDS.join(', ')}`);
  return names as ChannelId[];
}
