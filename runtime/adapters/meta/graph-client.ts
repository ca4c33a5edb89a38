// Plain Graph API calls through an undici pool (WhatsApp and Messenger): JSON posts, streamed multipart uploads,
// GETs with the bearer.
// Errors never carry the token or a media URL.
import type { Readable } from 'node:stream';
import { streamedMultipart } from '../multipart.js';
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

/** A file to upload: its bytes are streamed. */
export interface UploadFile {
  readonly name: string;
  readonly mime: string;
  readonly size: number;
  readonly body: Readable;
}

export interface GraphAnswer {
  readonly status: number;
  readonly body: unknown;
}

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

  /** GET of a media URL, with the bearer when given (never to a URL that needs none); the caller consumes or destroys the body. */
  async getBytes(token: string | undefined, url: string, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    try {
      return await request(url, { method: 'GET', headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, dispatcher: this.agent, signal });
    } catch (err) {
      throw networkError('media download', err);
    }
  }

  /** A multipart POST of text fields and one file (field `field`), streamed. */
  async uploadMultipart(token: string, path: string, fields: Readonly<Record<string, string>>, file: UploadFile & { field: string }): Promise<GraphAnswer> {
    const multipart = streamedMultipart(fields, file);
    return this.json('media upload', () =>
      request(`${this.base}/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': multipart.contentType, 'content-length': String(multipart.length) },
        body: multipart.body,
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
