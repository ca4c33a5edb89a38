import http from 'node:http';
import https from 'node:https';
import { TelegramError } from 'telegraf';
import type { TelegramAgent } from './client.js';

/** A network failure of a direct call; `code` is the system error code (ECONNRESET…) or ETIMEDOUT. */
class BotApiNetworkError extends Error {
  override readonly name = 'BotApiNetworkError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * The two methods of the delivery hot path (sendMessage, answerCallbackQuery) as one keep-alive JSON POST each.
 * telegraf's client builds every call through node-fetch (Request, Headers, body streams, an abort signal), which
 * cost the server about a third of its throughput in bench/telegram. Failures are raised as telegraf's own
 * TelegramError, so classification is the same whichever path sent the message.
 */
export class DirectSender {
  private readonly base: URL;
  private readonly request: typeof http.request;

  constructor(
    apiRoot: string,
    private readonly agent: TelegramAgent,
    private readonly timeoutMs: number,
  ) {
    this.base = new URL(apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`);
    this.request = this.base.protocol === 'https:' ? https.request : http.request;
  }

  call(token: string, method: string, payload: object): Promise<unknown> {
    const body = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const req = this.request(
        {
          agent: this.agent,
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          path: `${this.base.pathname}bot${token}/${method}`,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(new BotApiNetworkError(`reading the ${method} answer failed: ${err.message}`, 'ECONNRESET')));
          res.on('end', () => {
            let answer: { ok?: unknown; result?: unknown; error_code?: unknown; description?: unknown; parameters?: unknown };
            try {
              answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof answer;
            } catch {
              // An HTML error page from a proxy: retryable, like telegraf's FetchError for invalid JSON.
              return reject(new BotApiNetworkError(`${method}: the Bot API answered HTTP ${res.statusCode} without JSON`, 'EBADANSWER'));
            }
            if (answer.ok === true) return resolve(answer.result);
            const code = typeof answer.error_code === 'number' ? answer.error_code : (res.statusCode ?? 500);
            const description = typeof answer.description === 'string' ? answer.description : `HTTP ${res.statusCode}`;
            reject(new TelegramError({ error_code: code, description, parameters: answer.parameters as never }, { method, payload }));
          });
        },
      );
      req.on('timeout', () => req.destroy(new BotApiNetworkError(`${method} timed out after ${this.timeoutMs} ms`, 'ETIMEDOUT')));
      req.on('error', (err: Error & { code?: unknown }) =>
        reject(err instanceof BotApiNetworkError ? err : new BotApiNetworkError(`${method} failed: ${err.message}`, typeof err.code === 'string' ? err.code : 'ENETWORK')),
      );
      req.end(body);
    });
  }
}
