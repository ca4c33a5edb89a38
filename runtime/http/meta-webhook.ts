// What Meta's webhook routes (WhatsApp, Messenger) share on plain node:http: the raw body read with a limit (the
// signature is checked on its bytes, so no body parser may read them first), the subscription GET, the signature
// before the parse, and refusals as JSON errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerVerification, checkSignature } from '../adapters/meta/index.js';

/** Meta's webhook bodies are small; a batch of messages stays far below this. */
export const META_BODY_LIMIT_BYTES = 1024 * 1024;

/** A request refused with `status` and a message the caller may read. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const CODES: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 413: 'PAYLOAD_TOO_LARGE' };

export function send(res: ServerResponse, status: number, type: string, body: string): void {
  const bytes = Buffer.from(body);
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}

/** `{ error: { code, message } }`; a 5xx says no more than "internal error". */
export function sendError(res: ServerResponse, status: number, err: unknown): void {
  const message = status < 500 ? String((err as Error).message ?? 'bad request') : 'internal error';
  send(res, status, 'application/json; charset=utf-8', JSON.stringify({ error: { code: CODES[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL'), message } }));
}

/** The body, up to the limit (413 past it, the connection closed). */
export function readBody(req: IncomingMessage, res: ServerResponse, limit = META_BODY_LIMIT_BYTES): Promise<Buffer> {
  if (Number(req.headers['content-length']) > limit) return Promise.reject(new Refusal(413, 'request entity too large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        res.setHeader('Connection', 'close');
        req.pause();
        reject(new Refusal(413, 'request entity too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', (err) => reject(new Refusal(400, `the body could not be read: ${err.message}`)));
  });
}

/** The subscription GET: the challenge echoed as plain text, or a Refusal (400, 403). */
export function answerSubscription(req: IncomingMessage, res: ServerResponse, verifyToken: string): void {
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams);
  const answer = answerVerification(query, verifyToken);
  if (!answer.ok) throw new Refusal(answer.status, answer.reason);
  send(res, 200, 'text/plain; charset=utf-8', answer.challenge);
}

/**
 * The JSON of a signed POST: the raw body read, its X-Hub-Signature-256 checked (401), then parsed (400). The
 * signature comes first: an unsigned caller makes the server do nothing but one HMAC.
 */
export async function readSignedJson(req: IncomingMessage, res: ServerResponse, appSecret: string): Promise<unknown> {
  const raw = await readBody(req, res);
  const check = checkSignature(raw, req.headers['x-hub-signature-256'], appSecret);
  if (!check.ok) throw new Refusal(401, `X-Hub-Signature-256 is ${check.reason}`);
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw new Refusal(400, (err as Error).message);
  }
}

/** The bot id of a GET or POST under `prefix` ("/webhooks/whatsapp/"), else undefined. */
export function webhookBotIdOf(req: IncomingMessage, prefix: string): string | undefined {
  const url = req.url;
  if ((req.method !== 'POST' && req.method !== 'GET') || url === undefined || !url.startsWith(prefix)) return undefined;
  const query = url.indexOf('?', prefix.length);
  const raw = url.slice(prefix.length, query === -1 ? undefined : query);
  if (raw === '' || raw.includes('/')) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
