import { TelegramError } from 'telegraf';
import { Pool, type Dispatcher } from 'undici';

/** A network failure of a direct call; `code` is the system error code (ECONNRESET…), an undici one, or ETIMEDOUT. */
class BotApiNetworkError extends Error {
  override readonly name = 'BotApiNetworkError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Connections to one Bot API origin; also the most calls in flight at once (one call per connection). */
export const DEFAULT_CONNECTIONS = 64;

interface BotApiAnswer {
  ok?: unknown;
  result?: unknown;
  error_code?: unknown;
  description?: unknown;
  parameters?: unknown;
}

const JSON_HEADERS = ['content-type', 'application/json'];

/**
 * The two methods of the delivery hot path (sendMessage, answerCallbackQuery) as one JSON POST each, through an
 * undici Pool of keep-alive connections to the apiRoot's origin. telegraf's client builds every call through
 * node-fetch (Request, Headers, body streams, an abort signal), and node:http costs more per call than undici's
 * dispatcher. Failures are raised as telegraf's own TelegramError, so classification is the same whichever path
 * sent the message.
 *
 * No pipelining: each connection carries one call at a time, so a slow call never holds up another chat's, and two
 * calls are never answered in an order other than the one their callers awaited them in. A dialog's replies stay
 * in order because delivery awaits each send before the next.
 */
export class DirectSender {
  private readonly pool: Pool;
  private readonly pathPrefix: string;

  constructor(
    apiRoot: string,
    private readonly timeoutMs: number,
    connections = DEFAULT_CONNECTIONS,
  ) {
    const base = new URL(apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`);
    this.pathPrefix = `${base.pathname}bot`;
    this.pool = new Pool(base.origin, {
      connections,
      pipelining: 1,
      connectTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  /** Connections open to the Bot API now (for tests and diagnostics). */
  get connected(): number {
    return this.pool.stats.connected;
  }

  /**
   * One call, bounded by the timeout from the moment it is made (a call still queued for a connection when the
   * timeout fires is never sent). A timed-out call may still have been carried out by the Bot API.
   */
  call(token: string, method: string, payload: object): Promise<unknown> {
    return new Promise((resolve, reject) => new Call(method, payload, this.timeoutMs, resolve, reject).dispatch(this.pool, `${this.pathPrefix}${token}/${method}`));
  }

  /** Closes every connection; calls in flight fail as network errors (retryable). */
  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/** One call's undici handler: collects the answer, settles once, and aborts when the timeout fires first. */
class Call implements Dispatcher.DispatchHandler {
  private readonly chunks: Buffer[] = [];
  private status = 0;
  private settled = false;
  private readonly timer: NodeJS.Timeout;
  private controller: Dispatcher.DispatchController | undefined;

  constructor(
    private readonly method: string,
    private readonly payload: object,
    private readonly timeoutMs: number,
    private readonly resolve: (result: unknown) => void,
    private readonly reject: (err: Error) => void,
  ) {
    this.timer = setTimeout(() => this.timeout(), timeoutMs);
  }

  dispatch(pool: Pool, path: string): void {
    pool.dispatch({ path, method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(this.payload) }, this);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.settled) controller.abort(new BotApiNetworkError(`${this.method} timed out after ${this.timeoutMs} ms`, 'ETIMEDOUT'));
    else this.controller = controller;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    let answer: BotApiAnswer;
    try {
      answer = JSON.parse(this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks).toString('utf8')) as BotApiAnswer;
    } catch {
      // An HTML error page from a proxy: retryable, like telegraf's FetchError for invalid JSON.
      return this.fail(new BotApiNetworkError(`${this.method}: the Bot API answered HTTP ${this.status} without JSON`, 'EBADANSWER'));
    }
    if (answer.ok === true) {
      this.finish();
      return this.resolve(answer.result);
    }
    const code = typeof answer.error_code === 'number' ? answer.error_code : this.status;
    const description = typeof answer.description === 'string' ? answer.description : `HTTP ${this.status}`;
    this.fail(new TelegramError({ error_code: code, description, parameters: answer.parameters as never }, { method: this.method, payload: this.payload }));
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error & { code?: unknown }): void {
    if (this.settled) return;
    this.fail(err instanceof BotApiNetworkError ? err : new BotApiNetworkError(`${this.method} failed: ${err.message}`, typeof err.code === 'string' ? err.code : 'ENETWORK'));
  }

  private timeout(): void {
    if (this.settled) return;
    const err = new BotApiNetworkError(`${this.method} timed out after ${this.timeoutMs} ms`, 'ETIMEDOUT');
    this.fail(err);
    this.controller?.abort(err);
  }

  private fail(err: Error): void {
    this.finish();
    this.reject(err);
  }

  private finish(): void {
    this.settled = true;
    clearTimeout(this.timer);
  }
}
