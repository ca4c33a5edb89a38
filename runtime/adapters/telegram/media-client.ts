// The Bot API calls of media: JSON calls (getFile, sendPhoto by URL or file_id, sendLocation…), multipart uploads
// streamed from the media store, and file downloads. Kept apart from the text path (direct-sender.ts, telegraf) so
// sending text costs what it did; used whichever sender the adapter was given.
import type { Readable } from 'node:stream';
import { TelegramError } from 'telegraf';
import { streamedMultipart } from '../multipart.js';
import { Agent, request, type Dispatcher } from 'undici';

/** A network failure of a media call; `code` is the system or undici error code. Its message never holds a URL. */
export class MediaNetworkError extends Error {
  override readonly name = 'MediaNetworkError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The file part of an upload. */
export interface UploadFile {
  /** The form field Telegram reads the file from (photo, document…). */
  readonly field: string;
  readonly name: string;
  readonly mime: string;
  readonly size: number;
  readonly body: Readable;
}

interface BotApiAnswer {
  ok?: unknown;
  result?: unknown;
  error_code?: unknown;
  description?: unknown;
  parameters?: unknown;
}


/** An undici error as a MediaNetworkError: its code and message (undici's messages name no URL). */
function networkError(method: string, err: unknown): MediaNetworkError {
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  const code = typeof e?.code === 'string' ? e.code : e?.name === 'AbortError' || e?.name === 'TimeoutError' ? 'ETIMEDOUT' : 'ENETWORK';
  return new MediaNetworkError(`${method} failed: ${typeof e?.message === 'string' ? e.message : String(err)}`, code);
}

export class MediaClient {
  private readonly agent: Agent;
  private readonly base: string;

  constructor(
    apiRoot: string,
    private readonly timeoutMs: number,
  ) {
    this.base = apiRoot.endsWith('/') ? apiRoot.slice(0, -1) : apiRoot;
    this.agent = new Agent({ connections: 16, connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  /** A JSON call; resolves to its result, rejects with telegraf's TelegramError or a MediaNetworkError. */
  async call(token: string, method: string, payload: object, signal?: AbortSignal): Promise<unknown> {
    const body = JSON.stringify(payload);
    return this.answer(method, payload, () =>
      request(`${this.base}/bot${token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher: this.agent, signal: this.bound(signal) }),
    );
  }

  /** A multipart/form-data call with one file, streamed (never held whole), with its exact Content-Length. */
  async upload(token: string, method: string, fields: Readonly<Record<string, string>>, file: UploadFile): Promise<unknown> {
    const multipart = streamedMultipart(fields, file);
    const record = { ...fields, [file.field]: `<${file.size} bytes>` };
    return this.answer(method, record, () =>
      request(`${this.base}/bot${token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': multipart.contentType, 'content-length': String(multipart.length) },
        body: multipart.body,
        // An upload may take long: the agent's timeouts bound each silence, not the whole transfer.
        dispatcher: this.agent,
      }),
    );
  }

  /** GET of a file path; the answer's body is the caller's to consume or destroy. Rejects with a MediaNetworkError. */
  async file(token: string, path: string, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    try {
      return await request(`${this.base}/file/bot${token}/${encoded}`, { method: 'GET', dispatcher: this.agent, signal });
    } catch (err) {
      throw networkError('download', err);
    }
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }

  private bound(signal: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  private async answer(method: string, payload: object, send: () => Promise<Dispatcher.ResponseData>): Promise<unknown> {
    let status: number;
    let text: string;
    try {
      const res = await send();
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw networkError(method, err);
    }
    let answer: BotApiAnswer;
    try {
      answer = JSON.parse(text) as BotApiAnswer;
    } catch {
      throw new MediaNetworkError(`${method}: the Bot API answered HTTP ${status} without JSON`, 'EBADANSWER');
    }
    if (answer.ok === true) return answer.result;
    const code = typeof answer.error_code === 'number' ? answer.error_code : status;
    const description = typeof answer.description === 'string' ? answer.description : `HTTP ${status}`;
    throw new TelegramError({ error_code: code, description, parameters: answer.parameters as never }, { method, payload });
  }
}
