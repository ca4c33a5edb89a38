// GET and POST /webhooks/whatsapp/:botId on plain node:http, as the Telegram webhook: the signature is checked on
// the raw bytes, so no body parser may read them first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerVerification, checkSignature, parseWhatsAppWebhook } from '../adapters/whatsapp/index.js';
import type { DialogManager } from '../dialogs/index.js';
import type { Logger } from '../log/index.js';
import { statusOf } from './errors-middleware.js';
import { readBody, Refusal, send, sendError, webhookBotIdOf } from './meta-webhook.js';

export const WHATSAPP_WEBHOOK_ROUTE = '/webhooks/whatsapp/:botId';
const PREFIX = '/webhooks/whatsapp/';

export interface WhatsAppWebhookSecrets {
  readonly appSecret: string;
  readonly verifyToken: string;
  /** Messages to another number of the same business account are not this bot's: they are skipped. */
  readonly phoneNumberId: string;
}

export interface WhatsAppWebhookDeps {
  readonly manager: DialogManager;
  /** The secrets of a bot running on WhatsApp here, else undefined (404). */
  readonly secretsOf: (botId: string) => WhatsAppWebhookSecrets | undefined;
  readonly logger?: Logger;
}

export interface WhatsAppWebhook {
  /** The bot id when this request is one the WhatsApp route serves, else undefined. */
  botIdOf(req: IncomingMessage): string | undefined;
  /** Answers the request; never throws. */
  serve(req: IncomingMessage, res: ServerResponse, botId: string): Promise<void>;
}

type Json = Record<string, unknown>;
const arrayOf = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/**
 * One webhook body per message: Meta may batch several messages in one body, and the dialog manager takes one
 * update at a time (the adapter's parseUpdate reads exactly one message).
 */
export function splitMessages(body: unknown, phoneNumberId: string): Json[] {
  const out: Json[] = [];
  const root = (body ?? {}) as Json;
  for (const entry of arrayOf(root['entry'])) {
    for (const change of arrayOf(entry['changes'])) {
      const value = (change['value'] ?? {}) as Json;
      if ((value['metadata'] as Json | undefined)?.['phone_number_id'] !== phoneNumberId) continue;
      for (const message of arrayOf(value['messages'])) {
        const { statuses: _statuses, messages: _messages, ...rest } = value;
        out.push({ ...root, entry: [{ ...entry, changes: [{ ...change, value: { ...rest, messages: [message] } }] }] });
      }
    }
  }
  return out;
}

export function whatsappWebhook(deps: WhatsAppWebhookDeps): WhatsAppWebhook {
  const { manager, secretsOf, logger } = deps;

  const handle = async (req: IncomingMessage, res: ServerResponse, botId: string): Promise<number> => {
    const secrets = secretsOf(botId);
    if (secrets === undefined) {
      throw new Refusal(404, manager.hasBot(botId) ? `bot ${JSON.stringify(botId)} has no WhatsApp credentials configured here` : `unknown bot ${JSON.stringify(botId)}`);
    }
    if (req.method === 'GET') {
      const query = Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams);
      const answer = answerVerification(query, secrets.verifyToken);
      if (!answer.ok) throw new Refusal(answer.status, answer.reason);
      send(res, 200, 'text/plain; charset=utf-8', answer.challenge);
      return 200;
    }
    if (req.method !== 'POST') throw new Refusal(405, 'GET or POST only');
    const raw = await readBody(req, res);
    // Before the body is parsed: an unsigned caller makes the server do nothing but one HMAC.
    const check = checkSignature(raw, req.headers['x-hub-signature-256'], secrets.appSecret);
    if (!check.ok) throw new Refusal(401, `X-Hub-Signature-256 is ${check.reason}`);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new Refusal(400, (err as Error).message);
    }
    const parsed = parseWhatsAppWebhook(body);
    if (parsed.kind === 'invalid') throw new Refusal(400, `not a WhatsApp webhook: ${parsed.reason}`);
    for (const event of parsed.events) {
      if (event.kind === 'status') logger?.info({ event_type: 'WEBHOOK', bot_id: botId, platform: 'whatsapp', status_event: event }, 'whatsapp status');
    }
    // Each message is committed before the answer (a failure is a 5xx, and Meta redelivers); the replies go out
    // after it. A redelivered message is a duplicate by its wamid.
    for (const update of splitMessages(body, secrets.phoneNumberId)) {
      const result = await manager.processIncomingMessage({ botId, platform: 'whatsapp', update });
      if (result.status === 'invalid') logger?.warn({ event_type: 'WEBHOOK', bot_id: botId, platform: 'whatsapp', reason: result.reason }, 'whatsapp message skipped');
    }
    send(res, 200, 'text/plain; charset=utf-8', 'ok');
    return 200;
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, botId: string): Promise<void> => {
    try {
      const status = await handle(req, res, botId);
      logger?.debug({ event_type: 'WEBHOOK', bot_id: botId, platform: 'whatsapp', status }, 'webhook handled');
    } catch (err) {
      const status = err instanceof Refusal ? err.status : statusOf(err);
      if (!res.headersSent) sendError(res, status, err);
      if (status >= 500) logger?.error({ event_type: 'WEBHOOK', bot_id: botId, platform: 'whatsapp', status, err }, 'webhook failed');
      else logger?.warn({ event_type: 'WEBHOOK', bot_id: botId, platform: 'whatsapp', status, reason: String((err as Error)?.message ?? err) }, 'webhook refused');
    }
  };

  const botIdOf = (req: IncomingMessage): string | undefined => webhookBotIdOf(req, PREFIX);

  return { botIdOf, serve };
}
