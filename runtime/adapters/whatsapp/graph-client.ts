// Plain Graph API calls through an undici pool: JSON posts, a streamed multipart upload, GETs with the bearer.
// Errors never carry the token or a media URL.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';

export const DEFAULT_GRAPH_ROOT = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_VERSION = 'v21.0';

/** No answer: a connection error or a timeout. Its message names neither the URL nor the token. */
export class GraphNetworkError extends Error {
  override readonly name = 'GraphNetworkError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface GraphAnswer {
  readonly status: number;
  readonly body: unknown;
}

const quoted = (s: string): string => s.replace(/["\r\n\\]/g, '_');

function networkError(what: string, err: unknown): GraphNetworkError {
  const e = err as { code?: unknown; name?: unknown };
  const code = typeof e?.code === 'string' ? e.code : e?.name === 'AbortError' || e?.name === 'TimeoutError' ? 'ETIMEDOUT' : 'ENETWORK';
  return new GraphNetworkError(`${what}: no answer from the Graph API (${code})`, code);
}

export class GraphClient {
  private readonly agent: Agent;
  private readonly base: string;

  constructor(
    apiRoot: string,
    readonly version: string,
    private readonly timeoutMs: number,
  ) {
    this.base = `${apiRoot.replace(/\/+$/, '')}/${version}`;
    this.agent = new Agent({ connections: 32, connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  async postJson(token: string, path: string, payload: object, what: string): Promise<GraphAnswer> {
    return this.json(what, () =>
      request(`${this.base}/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
      }),
    );
  }

  async getJson(token: string, path: string, what: string, signal: AbortSignal): Promise<GraphAnswer> {
    return this.json(what, () =>
      request(`${this.base}/${path}`, { method: 'GET', headers: { authorization: `Bearer ${token}` }, dispatcher: this.agent, signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) }),
    );
  }

  /** GET of a media URL with the bearer; the caller consumes or destroys the body. */
  async getBytes(token: string, url: string, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    try {
      return await request(url, { method: 'GET', headers: { authorization: `Bearer ${token}` }, dispatcher: this.agent, signal });
    } catch (err) {
      throw networkError('media download', err);
    }
  }

  /** POST /{phone-number-id}/media: multipart with `messaging_product`, `type` and the file, streamed. */
  async upload(token: string, phoneNumberId: string, file: { name: string; mime: string; size: number; body: Readable }): Promise<GraphAnswer> {
    const boundary = `----scenarist${randomBytes(12).toString('hex')}`;
    const field = (name: string, value: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    const head = [
      field('messaging_product', 'whatsapp'),
      field('type', quoted(file.mime)),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.name)}"\r\nContent-Type: ${quoted(file.mime)}\r\n\r\n`),
    ];
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const length = head.reduce((n, b) => n + b.length, 0) + file.size + tail.length;
    async function* parts(): AsyncGenerator<Uint8Array> {
      try {
        yield* head;
        for await (const chunk of file.body) yield chunk as Uint8Array;
        yield tail;
      } finally {
        file.body.destroy();
      }
    }
    return this.json('media upload', () =>
      request(`${this.base}/${encodeURIComponent(phoneNumberId)}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
        body: Readable.from(parts(), { objectMode: false }),
        dispatcher: this.agent,
      }),
    );
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }

  private async json(what: string, send: () => Promise<Dispatcher.ResponseData>): Promise<GraphAnswer> {
    let status: number;
    let text: string;
    try {
      const res = await send();
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw networkError(what, err);
    }
    try {
      return { status, body: JSON.parse(text) as unknown };
    } catch {
      return { status, body: undefined };
    }
  }
}
