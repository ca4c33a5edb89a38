import type { ListenAddress } from '../../runtime/server/index.js';

export interface BannerFacts {
  readonly address: ListenAddress;
  readonly bots: number;
  readonly withTelegram: number;
  /** Bots with WhatsApp credentials (no hint when not given). */
  readonly withWhatsApp?: number;
  /** Bots with Messenger credentials (no hint when not given). */
  readonly withMessenger?: number;
  readonly logs: string;
  readonly webchat: boolean;
  /** The dashboard link's tail: `#token=…` for a generated token, or how to sign in. */
  readonly dashboardSuffix: string;
  readonly inspectorUrl?: string | undefined;
}

/** What `scenarist serve` prints on the terminal once it listens: where it listens, and the URLs to open here. */
export function startupBanner(f: BannerFacts): string {
  const where = f.address.everyInterface
    ? `listening on ${f.address.hostPort} (every network interface: other machines can connect)`
    : `listening on ${f.address.hostPort}`;
  const page = f.address.localUrl;
  return (
    `Scenarist is serving ${f.bots} bot(s) (${f.withTelegram} with Telegram), ${where}. ${f.logs}\n` +
    (f.webchat ? `Chat with the bots in a browser: ${page}/\n` : '') +
    `Dashboard: ${page}/dashboard${f.dashboardSuffix}\n` +
    (f.inspectorUrl ? `Inspector: ${f.inspectorUrl} (loads https://stately.ai/inspect: the browser needs internet)\n` : '') +
    (f.withTelegram < f.bots ? 'Connect a bot: TELEGRAM_TOKEN_<BOT_ID>=<token from @BotFather> npm start (see the README).\n' : '') +
    (f.withWhatsApp !== undefined && f.withWhatsApp < f.bots
      ? 'Connect WhatsApp: WHATSAPP_TOKEN_<BOT_ID>, WHATSAPP_APP_SECRET_<BOT_ID>, WHATSAPP_VERIFY_TOKEN_<BOT_ID> and WHATSAPP_PHONE_NUMBER_ID_<BOT_ID>; webhook /webhooks/whatsapp/<bot id> (see the README).\n'
      : '') +
    (f.withMessenger !== undefined && f.withMessenger < f.bots
      ? 'Connect Messenger: MESSENGER_PAGE_TOKEN_<BOT_ID>, MESSENGER_APP_SECRET_<BOT_ID>, MESSENGER_VERIFY_TOKEN_<BOT_ID> and MESSENGER_PAGE_ID_<BOT_ID>; webhook /webhooks/messenger/<bot id> (see the README).\n'
      : '') +
    'Stop with Ctrl-C.\n'
  );
}
