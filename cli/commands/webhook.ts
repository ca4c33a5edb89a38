import { deriveWebhookSecret } from '../../runtime/secrets/index.js';
import { readSettings, tokenEnvName, webhookSecretEnvName } from '../../runtime/server/settings.js';
import { UsageError, type Io } from '../io.js';
import type { Command } from './command.js';

export const webhookCommand: Command = {
  name: 'webhook',
  summary: 'Register or remove a bot\'s Telegram webhook',
  usage: 'scenarist webhook set BOT --url URL | webhook delete BOT | webhook info BOT',
  help: `Talks to the Telegram Bot API for one bot of the config file. The token comes from
TELEGRAM_TOKEN_<BOT_ID>; the Bot API from TELEGRAM_API_ROOT (default https://api.telegram.org).

  set BOT --url URL   points Telegram at URL/webhooks/telegram/BOT (give the server's public
                      https base URL, or the full webhook URL), with the secret the server
                      checks: TELEGRAM_WEBHOOK_SECRET_<BOT_ID>, or else one derived from the token.
                      Then run the server with TELEGRAM_MODE=webhook.
  delete BOT          removes the webhook (needed before long polling works again)
  info BOT            shows what Telegram has registered

Options:
  --url URL           the public URL (set)
  --drop-pending      also drop updates Telegram is holding (set, delete)
  --help              show this help`,
  options: { url: { type: 'string' }, 'drop-pending': { type: 'boolean' } },
  async run(io: Io, args) {
    const [action, botId, ...extra] = args.positionals;
    if (action !== 'set' && action !== 'delete' && action !== 'info') throw new UsageError('expected set, delete or info');
    if (botId === undefined || extra.length > 0) throw new UsageError(`webhook ${action} needs exactly one BOT id`);
    const settings = readSettings(process.env);
    const token = process.env[tokenEnvName(botId)]?.trim();
    if (!token) {
      io.stderr(`scenarist webhook: set ${tokenEnvName(botId)} to the bot's token from @BotFather\n`);
      return 1;
    }
    const target = { token, apiRoot: settings.telegramApiRoot };
    const dropPendingUpdates = args.values['drop-pending'] === true;
    const { deleteTelegramWebhook, getTelegramWebhookInfo, setTelegramWebhook } = await import('../../runtime/adapters/telegram/index.js');
    try {
      if (action === 'set') {
        const base = args.values['url'];
        if (typeof base !== 'string') throw new UsageError('webhook set needs --url');
        const url = webhookUrl(base, botId);
        const secret = process.env[webhookSecretEnvName(botId)] || deriveWebhookSecret(token);
        await setTelegramWebhook({ ...target, url, secret, dropPendingUpdates });
        io.stdout(`Telegram now sends ${botId}'s updates to ${url}\nRun the server with TELEGRAM_MODE=webhook.\n`);
      } else if (action === 'delete') {
        await deleteTelegramWebhook({ ...target, dropPendingUpdates });
        io.stdout(`The webhook of ${botId} is removed; long polling works again.\n`);
      } else {
        const info = await getTelegramWebhookInfo(target);
        io.stdout(`${JSON.stringify(info, null, 2)}\n`);
      }
      return 0;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      io.stderr(`scenarist webhook: ${(err as Error).message}\n`);
      return 1;
    }
  },
};

/** A base URL gets the webhook path; a URL that already ends with it is kept. */
export function webhookUrl(base: string, botId: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(base)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('--url must be an https URL');
  const path = `/webhooks/telegram/${botId}`;
  if (!url.pathname.endsWith(path)) url.pathname = url.pathname.replace(/\/+$/, '') + path;
  return url.toString();
}
