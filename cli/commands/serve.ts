import type { RunningInspector } from '../../runtime/inspect/index.js';
import { UsageError, type Io } from '../io.js';
import type { Command } from './command.js';
import { startupBanner } from './serve-banner.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the bots of a config file (HTTP server, Telegram)',
  usage: 'scenarist serve [--config FILE] [--port N] [--inspect [--inspect-port N]]',
  help: `Runs the server: every bot listed in the config file, with dialogs stored in DATABASE_URL
(default: SQLite at data/scenarist.db). Scenarios are checked first; any error stops the start.

Telegram: set TELEGRAM_TOKEN_<BOT_ID> (e.g. TELEGRAM_TOKEN_SPEC_EXAMPLE) to a token from @BotFather.
By default the server uses long polling (no public URL needed). With TELEGRAM_MODE=webhook it
serves POST /webhooks/telegram/<bot id>; register it with "scenarist webhook set".

WhatsApp: set WHATSAPP_TOKEN_<BOT_ID>, WHATSAPP_APP_SECRET_<BOT_ID>, WHATSAPP_VERIFY_TOKEN_<BOT_ID> and
WHATSAPP_PHONE_NUMBER_ID_<BOT_ID> (all four), then give Meta the callback URL
https://<public host>/webhooks/whatsapp/<bot id> with the verify token (README, Connect WhatsApp).

Messenger: set MESSENGER_PAGE_TOKEN_<BOT_ID>, MESSENGER_APP_SECRET_<BOT_ID>, MESSENGER_VERIFY_TOKEN_<BOT_ID>
and MESSENGER_PAGE_ID_<BOT_ID> (all four), then give Meta the callback URL
https://<public host>/webhooks/messenger/<bot id> with the verify token (README, Connect Messenger).

The server listens on HOST (default 0.0.0.0: every network interface) and says so at startup. The web
chat is at http://localhost:PORT/ and the dashboard at /dashboard (admin token: ADMIN_TOKEN, or the link
printed at startup).

Options:
  --config FILE       the bots config file (default: $SCENARIST_CONFIG or scenarist.config.json)
  --port N            the HTTP port (default: $PORT or 3000)
  --inspect           watch live dialog actors in Stately's inspector (development only; the
                      inspector page loads https://stately.ai/inspect, so the browser needs internet)
  --inspect-port N    the inspector relay's port (default 8080)
  --help              show this help

Stops cleanly on Ctrl-C or SIGTERM: running events finish and replies are handed over first.`,
  options: { config: { type: 'string' }, port: { type: 'string' }, inspect: { type: 'boolean' }, 'inspect-port': { type: 'string' } },
  async run(io: Io, args) {
    if (args.positionals.length > 0) throw new UsageError('serve takes no positional arguments');
    const env = { ...process.env };
    if (typeof args.values['config'] === 'string') env['SCENARIST_CONFIG'] = args.values['config'];
    if (typeof args.values['port'] === 'string') env['PORT'] = args.values['port'];
    // V8's young generation is sized at startup only (v8.setFlagsFromString here would change nothing): set it with
    // `node --max-semi-space-size=N` or NODE_OPTIONS (see the README's configuration).
    // Loaded here: the server pulls in telegraf, koa and the database drivers, which other commands do not need.
    const { ConfigError, listenAddress, readSettings, ScenarioLoadError, SettingsError, startServer } = await import('../../runtime/server/index.js');
    const { StoreUnavailableError } = await import('../../runtime/store/index.js');
    const { KeyError } = await import('../../runtime/secrets/index.js');
    const { InspectorPortError, startInspector } = await import('../../runtime/inspect/index.js');
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    let settings;
    let inspector: RunningInspector | undefined;
    try {
      settings = readSettings(env);
      if (args.values['inspect']) {
        const { sensitiveVariables } = await import('../../runtime/dialogs/index.js');
        inspector = await startInspector({
          port: inspectPort(args.values['inspect-port']),
          sensitiveVariables: () => new Set(server?.manager.botIds.flatMap((id) => [...sensitiveVariables(server!.manager.configOf(id))]) ?? []),
        });
      }
      server = await startServer({ env, settings, ...(inspector ? { inspect: inspector.inspect } : {}) });
    } catch (err) {
      await inspector?.stop();
      const known =
        err instanceof SettingsError || err instanceof ConfigError || err instanceof ScenarioLoadError || err instanceof KeyError || err instanceof StoreUnavailableError || err instanceof InspectorPortError;
      if (known) {
        io.stderr(`scenarist serve: ${err.message}\n`);
        return err instanceof SettingsError || err instanceof KeyError || err instanceof InspectorPortError ? 2 : 1;
      }
      throw err;
    }
    const log = settings.log;
    io.stderr(
      startupBanner({
        address: listenAddress(settings.host, server.port),
        bots: server.bots.length,
        withTelegram: server.bots.filter((b) => b.telegram).length,
        withWhatsApp: server.bots.filter((b) => b.whatsapp).length,
        withMessenger: server.bots.filter((b) => b.messenger).length,
        logs: `Logs are ${log.format === 'json' ? 'JSON lines' : 'text'} on stdout${log.fileLogging ? ` and in ${log.dir} (read them with "npx scenarist logs")` : ''}.`,
        webchat: settings.webchat,
        dashboardSuffix: settings.adminToken ? ' (sign in with ADMIN_TOKEN)' : `#token=${server.adminToken}`,
        inspectorUrl: inspector?.url,
      }),
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
    await inspector?.stop();
    return 0;
  },
};

/** --inspect-port: a TCP port, 8080 when not given. */
export function inspectPort(raw: unknown): number {
  if (raw === undefined) return 8080;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--inspect-port ${JSON.stringify(raw)}: expected a port from 1 to 65535`);
  return n;
}
