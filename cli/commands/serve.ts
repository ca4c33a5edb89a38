import { setFlagsFromString } from 'node:v8';
import { UsageError, type Io } from '../io.js';
import type { Command } from './command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the bots of a config file (HTTP server, Telegram)',
  usage: 'scenarist serve [--config FILE] [--port N]',
  help: `Runs the server: every bot listed in the config file, with dialogs stored in DATABASE_URL
(default: SQLite at data/scenarist.db). Scenarios are checked first; any error stops the start.

Telegram: set TELEGRAM_TOKEN_<BOT_ID> (e.g. TELEGRAM_TOKEN_SPEC_EXAMPLE) to a token from @BotFather.
By default the server uses long polling (no public URL needed). With TELEGRAM_MODE=webhook it
serves POST /webhooks/telegram/<bot id>; register it with "scenarist webhook set".

Options:
  --config FILE   the bots config file (default: $SCENARIST_CONFIG or scenarist.config.json)
  --port N        the HTTP port (default: $PORT or 3000)
  --help          show this help

Stops cleanly on Ctrl-C or SIGTERM: running events finish and replies are handed over first.`,
  options: { config: { type: 'string' }, port: { type: 'string' } },
  async run(io: Io, args) {
    if (args.positionals.length > 0) throw new UsageError('serve takes no positional arguments');
    const env = { ...process.env };
    if (typeof args.values['config'] === 'string') env['SCENARIST_CONFIG'] = args.values['config'];
    if (typeof args.values['port'] === 'string') env['PORT'] = args.values['port'];
    // A larger young generation: a busy server allocates per message, and small semi-spaces make it collect
    // several times as often (about 15% of throughput measured with bench/telegram). SCENARIST_SEMI_SPACE_MB=0 keeps V8's default.
    const semiSpace = Number(process.env['SCENARIST_SEMI_SPACE_MB'] ?? 32);
    if (Number.isInteger(semiSpace) && semiSpace > 0) setFlagsFromString(`--max-semi-space-size=${semiSpace}`);
    // Loaded here: the server pulls in telegraf, koa and the database drivers, which other commands do not need.
    const { ConfigError, readSettings, ScenarioLoadError, SettingsError, startServer } = await import('../../runtime/server/index.js');
    const { StoreUnavailableError } = await import('../../runtime/store/index.js');
    const { KeyError } = await import('../../runtime/secrets/index.js');
    let server;
    let settings;
    try {
      settings = readSettings(env);
      server = await startServer({ env, settings });
    } catch (err) {
      const known = err instanceof SettingsError || err instanceof ConfigError || err instanceof ScenarioLoadError || err instanceof KeyError || err instanceof StoreUnavailableError;
      if (known) {
        io.stderr(`scenarist serve: ${err.message}\n`);
        return err instanceof SettingsError || err instanceof KeyError ? 2 : 1;
      }
      throw err;
    }
    const withToken = server.bots.filter((b) => b.telegram).length;
    const log = settings.log;
    const logs = `Logs are ${log.format === 'json' ? 'JSON lines' : 'text'} on stdout${log.fileLogging ? ` and in ${log.dir} (read them with "npx scenarist logs")` : ''}.`;
    io.stderr(
      `Scenarist is serving ${server.bots.length} bot(s) on ${server.url} (${withToken} with Telegram). ${logs}\n` +
        (withToken < server.bots.length ? 'Connect a bot: TELEGRAM_TOKEN_<BOT_ID>=<token from @BotFather> npm start (see the README).\n' : '') +
        'Stop with Ctrl-C.\n',
    );
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};
