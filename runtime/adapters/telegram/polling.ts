import { Telegraf, TelegramError } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import { apiRootProtocol, DEFAULT_API_ROOT, TELEGRAM_ALLOWED_UPDATES, type TelegramAgent } from './client.js';
import { describeError, TelegramApiError, toApiError } from './errors.js';
import { MediaGroupBuffer, type MediaGroupOptions } from './media-group.js';
import { isTelegramToken, redactToken } from './token.js';

export interface TelegramPollingOptions {
  readonly token: string;
  /** Default https://api.telegram.org. */
  readonly apiRoot?: string;
  readonly agent?: TelegramAgent;
  /**
   * Called with each raw update, and with a MediaGroupUpdate for the parts of an album (held briefly, see
   * `mediaGroups`); updates of one getUpdates batch are handled concurrently.
   */
  readonly onUpdate: (update: unknown) => Promise<void>;
  /**
   * Waits until the server can take an update (backpressure), and returns what to call once it is handled. telegraf
   * fetches the next batch only after every handler of the last one returned, so a held update stops polling.
   */
  readonly admit?: () => Promise<() => void>;
  /** A failed `onUpdate` (the error's message is token-free). Default: a line on stderr. Polling goes on. */
  readonly onError?: (error: Error, update: unknown) => void;
  /** Stops polling when aborted. */
  readonly signal?: AbortSignal;
  /** How the parts of an album are held and combined into one update (media-group.ts). */
  readonly mediaGroups?: MediaGroupOptions;
}

export interface TelegramPolling {
  readonly botInfo: UserFromGetMe;
  /**
   * Settles when polling ends: resolves after `stop()`, rejects with a TelegramApiError when Telegram refuses
   * (409: a webhook is set or another process polls; 401: a revoked token).
   */
  readonly done: Promise<void>;
  /** Stops polling and waits for running handlers; never rejects. */
  stop(): Promise<void>;
}

/** telegraf 4.16's `launch()` would delete the webhook first; the private loop it runs leaves a set webhook alone. */
interface PollingStarter {
  startPolling(allowedUpdates?: readonly string[]): Promise<void>;
}

export const WEBHOOK_IS_SET = 'a webhook is set for this bot; run `scenarist webhook delete` or use webhook mode';

function pollingError(err: unknown, token: string): TelegramApiError {
  if (err instanceof TelegramError && err.code === 409) {
    const description = redactToken(err.description, token);
    if (/webhook/i.test(description)) return new TelegramApiError(`${WEBHOOK_IS_SET} (409: ${description})`, 409);
    return new TelegramApiError(`another process is polling this bot; stop it first (409: ${description})`, 409);
  }
  if (err instanceof TelegramError && err.code === 401) return new TelegramApiError('Telegram rejected the bot token (401 Unauthorized)', 401);
  return toApiError(err, token, 'polling');
}

function defaultOnError(error: Error): void {
  console.error(`scenarist: a Telegram update failed: ${error.message}`);
}

/** Long polling for development (no public URL needed), with telegraf's polling loop. */
export async function startTelegramPolling(options: TelegramPollingOptions): Promise<TelegramPolling> {
  const { token, admit } = options;
  const onUpdate = admit
    ? async (update: unknown): Promise<void> => {
        const leave = await admit();
        try {
          await options.onUpdate(update);
        } finally {
          leave();
        }
      }
    : options.onUpdate;
  if (!isTelegramToken(token)) throw new TelegramApiError('not a Telegram bot token (expected <digits>:<secret>)');
  const apiRoot = options.apiRoot ?? DEFAULT_API_ROOT;
  apiRootProtocol(apiRoot);
  const bot = new Telegraf(token, { telegram: { apiRoot: apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/` } });
  // telegraf drops agents for http:// roots (see client.ts).
  if (options.agent) bot.telegram.options.agent = options.agent;

  // Known up front, so no update waits for a getMe; also checks the token.
  try {
    bot.botInfo = await bot.telegram.getMe();
  } catch (err) {
    throw pollingError(err, token);
  }

  const onError = options.onError ?? defaultOnError;
  // A held part returns at once, so the next batch (with the album's other parts) is fetched; `stop` hands held albums over.
  const groups = new MediaGroupBuffer(onUpdate, {
    ...options.mediaGroups,
    onError: (err, update) => {
      const d = describeError(err, token);
      const error = new Error(d.message);
      error.name = d.name;
      onError(error, update);
    },
  });
  bot.use(async (ctx) => {
    if (!(await groups.take(ctx.update))) await onUpdate(ctx.update);
  });
  // Without a handler telegraf rethrows, which would end the loop.
  bot.catch((err, ctx) => {
    const d = describeError(err, token);
    const error = new Error(d.message);
    error.name = d.name;
    onError(error, ctx.update);
  });

  const starter = bot as unknown as PollingStarter;
  if (typeof starter.startPolling !== 'function') throw new Error('this telegraf version has no startPolling; update polling.ts');
  const done = starter.startPolling([...TELEGRAM_ALLOWED_UPDATES]).then(
    () => undefined,
    (err: unknown) => {
      throw pollingError(err, token);
    },
  );

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      options.signal?.removeEventListener('abort', onAbort);
      bot.stop('stop');
      // A failure was already reported through `done`.
      await done.catch(() => undefined);
      await groups.flush();
    })();
    return stopping;
  };
  const onAbort = () => void stop();
  if (options.signal?.aborted) void stop();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  return { botInfo: bot.botInfo, done, stop };
}
