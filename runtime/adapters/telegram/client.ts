import http from 'node:http';
import https from 'node:https';
import { Telegram } from 'telegraf';

export const DEFAULT_API_ROOT = 'https://api.telegram.org';

export type TelegramAgent = http.Agent | https.Agent;

/** The only update types the runtime handles; asking for no others saves traffic. */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** Checks an apiRoot and returns its protocol. */
export function apiRootProtocol(apiRoot: string): 'http:' | 'https:' {
  let url: URL;
  try {
    url = new URL(apiRoot);
  } catch {
    throw new Error(`invalid Telegram apiRoot: ${apiRoot}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Telegram apiRoot must be http(s): ${apiRoot}`);
  return url.protocol;
}

/** A keep-alive agent that fits the apiRoot's protocol. */
export function createKeepAliveAgent(apiRoot: string, maxSockets = 64): TelegramAgent {
  const options = { keepAlive: true, maxSockets };
  return apiRootProtocol(apiRoot) === 'http:' ? new http.Agent(options) : new https.Agent(options);
}

/**
 * A telegraf client that really uses `agent`. telegraf's ApiClient drops any agent when apiRoot starts with
 * "http://" (its default agent is an https one), so each request would use Node's global agent instead.
 */
export function createTelegramClient(token: string, options: { apiRoot?: string; agent?: TelegramAgent } = {}): Telegram {
  const apiRoot = options.apiRoot ?? DEFAULT_API_ROOT;
  const protocol = apiRootProtocol(apiRoot);
  const agent = options.agent;
  if (agent && protocol === 'http:' && agent instanceof https.Agent) throw new Error('an https agent cannot reach an http:// apiRoot');
  // telegraf resolves "./bot<token>/<method>" against apiRoot: a path without a trailing slash would lose its last part.
  const root = apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`;
  const telegram = new Telegram(token, { apiRoot: root, ...(agent ? { agent } : {}) });
  if (agent) telegram.options.agent = agent;
  return telegram;
}
