// GET and POST /webhooks/messenger/:botId on plain node:http, as the WhatsApp webhook: the signature is checked
// on the raw bytes, so no body parser may read them first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseMessengerWebhook } from '../adapters/messenger/index.js';
import type { DialogManager } from '../dialogs/index.js';
import type { Logger } from '../log/index.js';
import { statusOf } from './errors-middleware.js';
import { answerSubscription, readSignedJson, Refusal, send, sendError, webhookBotIdOf } from './meta-webhook.js';

export const MESSENGER_WEBHOOK_ROUTE = '/webhooks/messenger/:botId';
const PREFIX = '/webhooks/messenger/';

export interface MessengerWebhookSecrets {
  readonly appSecret: string;
  readonly verifyToken: string;
  /** Events of another page of the same app are not this bot's: they are skipped. */
  readonly pageId: string;
}

export interface MessengerWebhookDeps {
  readonly manager: DialogManager;
  /** The secrets of a bot running on Messenger here, else undefined (404). */
  readonly secretsOf: (botId: string) => MessengerWebhookSecrets | undefined;
  readonly logger?: Logger;
}

export interface MessengerWebhook {
  /** The bot id when this request is one the Messenger route serves, else undefined. */
  botIdOf(req: IncomingMessage): string | undefined;
  /** Answers the request; never throws. */
  serve(req: IncomingMessage, res: ServerResponse, botId: string): Promise<void>;
}

type Json = Record<string, unknown>;
const arrayOf = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/**
 * One webhook body per messaging event of the page: Meta may batch several events (and pages) in one body, and the
 * dialog manager takes one update at a time (the adapter's parseUpdate reads exactly one event).
 */
export function splitEvents(body: unknown, pageId: string): Json[] {
  const out: Json[] = [];
  const root = (body ?? {}) as Json;
  for (const entry of arrayOf(root['entry'])) {
    if (String(entry['id']) !== pageId) continue;
    for (const event of arrayOf(entry['messaging'])) out.push({ ...root, entry: [{ ...entry, messaging: [event] }] });
  }
  return out;
}

export function messengerWebhook(deps: MessengerWebhookDeps): MessengerWebhook {
  const { manager, secretsOf, logger } = deps;

  const handle = async (req: IncomingMessage, res: ServerResponse, botId: string): Promise<number> => {
    const secrets = secretsOf(botId);
    if (secrets === undefined) {
      throw new Refusal(404, manager.hasBot(botId) ? `bot ${JSON.stringify(botId)} has no Messenger credentials configured here` : `unknown bot ${JSON.stringify(botId)}`);
    }
    if (req.method === 'GET') {
      answerSubscription(req, res, secrets.verifyToken);
      return 200;
    }
    if (req.method !== 'POST') throw new Refusal(405, 'GET or POST only');
    const body = await readSignedJson(req, res, secrets.appSecret);
    const parsed = parseMessengerWebhook(body);
    if (parsed.kind === 'invalid') throw new Refusal(400, `not a Messenger webhook: ${parsed.reason}`);
    // Each event is committed before the answer (a failure is a 5xx, and Meta redelivers); the replies go out after
    // it. A redelivered message is a duplicate by its mid.
    for (const update of splitEvents(body, secrets.pageId)) {
      const result = await manager.processIncomingMessage({ botId, platform: 'messenger', update });
      if (result.status === 'invalid') logger?.warn({ event_type: 'WEBHOOK', bot_id: botId, platform: 'messenger', reason: result.reason }, 'messenger event skipped');
    }
    send(res, 200, 'text/plain; charset=utf-8', 'ok');
    return 200;
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, botId: string): Promise<void> => {
    try {
      const status = await handle(req, res, botId);
      logger?.debug({ event_type: 'WEBHOOK', bot_id: botId, platform: 'messenger', status }, 'webhook handled');
    } catch (err) {
      const status = err instanceof Refusal ? err.status : statusOf(err);
      if (!res.headersSent) sendError(res, status, err);
      if (status >= 500) logger?.error({ event_type: 'WEBHOOK', bot_id: botId, platform: 'messenger', status, err }, 'webhook failed');
      else logger?.warn({ event_type: 'WEBHOOK', bot_id: botId, platform: 'messenger', status, reason: String((err as Error)?.message ?? err) }, 'webhook refused');
    }
  };

  return { botIdOf: (req) => webhookBotIdOf(req, PREFIX), serve };
}
