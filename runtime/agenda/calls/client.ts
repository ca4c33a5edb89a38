import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';
import type { CallFailure, CallMethod, CallRequest, InboundEvent } from '../../engine/index.js';
import { addSecretValues } from '../../log/index.js';
import { CallRefusedError, checkLiteral, DEFAULT_CALL_POLICY, guardedLookup, type CallPolicy } from './guard.js';
import { envSecrets, fillSecrets, secretHeaders, type SecretSource } from './secrets.js';

/** What a call came to, as the dialog's `call.result` event carries it (without its `type`). */
export type CallResult =
  | { readonly ok: true; readonly status: number; readonly body: unknown }
  | { readonly ok: false; readonly error: CallFailure; readonly status?: number; readonly body?: unknown };

/** The event that brings a call's result back to its dialog (the machine's `call.result`). */
export function callResultEvent(result: CallResult): Extract<InboundEvent, { type: 'call.result' }> {
  if (result.ok) return { type: 'call.result', ok: true, status: result.status, body: result.body };
  return { type: 'call.result', ok: false, error: result.error, ...(result.status === undefined ? {} : { status: result.status }), ...(result.body === undefined ? {} : { body: result.body }) };
}

/** One attempt of a call, with what its log line says. */
export interface CallAttempt {
  readonly result: CallResult;
  readonly durationMs: number;
  /** Whether another attempt may help: a network error, a timeout or a 5xx answer. */
  readonly retryable: boolean;
  /** Redirects followed. */
  readonly redirects: number;
  /** Why the call was refused or failed, for the log (never a header or a body). */
  readonly reason?: string;
}

/** Makes the HTTP requests of call entries (an interface so tests and other transports can stand in). */
export interface CallClient {
  /** `secrets`: where this request's `{{secret.NAME}}` come from (the bot's, resolved before); default the client's own. */
  send(request: CallRequest, secrets?: SecretSource): Promise<CallAttempt>;
  close?(): Promise<void>;
}

export interface HttpCallClientOptions {
  /** Which destinations are allowed besides public addresses. Default: public addresses only. */
  readonly policy?: CallPolicy;
  /** CALLS_MAX_BODY_KB in bytes: a longer answer is `too_large`. Default 256 KB. */
  readonly maxBodyBytes?: number;
  /** Where `{{secret.NAME}}` comes from. Default SCENARIST_SECRET_<NAME> of the process environment. */
  readonly secrets?: SecretSource;
  /** Resolves host names (tests); default the system's resolver. */
  readonly resolve?: Parameters<typeof guardedLookup>[1];
  /** Redirects followed, each target checked again. Default 3. */
  readonly maxRedirects?: number;
}

export const CALL_DEFAULTS = Object.freeze({ maxBodyBytes: 256 * 1024, maxRedirects: 3 });

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers never carried to another origin by a redirect, besides those holding a secret. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

class TooLargeError extends Error {}

/**
 * Calls over undici, through an agent whose connections resolve and check their host once (guardedLookup) and
 * connect to the checked address. Redirects are followed here, not by undici, so each target is checked again.
 */
export class HttpCallClient implements CallClient {
  private readonly agent: Agent;
  private readonly policy: CallPolicy;
  private readonly maxBodyBytes: number;
  private readonly maxRedirects: number;
  private readonly secrets: SecretSource;

  constructor(options: HttpCallClientOptions = {}) {
    this.policy = options.policy ?? DEFAULT_CALL_POLICY;
    this.maxBodyBytes = options.maxBodyBytes ?? CALL_DEFAULTS.maxBodyBytes;
    this.maxRedirects = options.maxRedirects ?? CALL_DEFAULTS.maxRedirects;
    this.secrets = options.secrets ?? envSecrets();
    this.agent = new Agent({ connect: { lookup: guardedLookup(this.policy, options.resolve) as never }, keepAliveTimeout: 4_000 });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  async send(request: CallRequest, secrets?: SecretSource): Promise<CallAttempt> {
    const started = performance.now();
    const took = (): number => Math.round((performance.now() - started) * 1000) / 1000;
    const filled = fillSecrets(request.headers, secrets ?? this.secrets);
    if (!filled.ok) return { result: { ok: false, error: 'refused' }, durationMs: took(), retryable: false, redirects: 0, reason: `the secret ${filled.missing} is not set (SCENARIST_SECRET_${filled.missing})` };
    let first: URL;
    try {
      first = new URL(request.url);
    } catch {
      return { result: { ok: false, error: 'refused' }, durationMs: took(), retryable: false, redirects: 0, reason: 'the URL is not a valid absolute URL' };
    }
    // Masked in every log line from now on, whoever logs them (an error message quoting a header, a debug dump).
    addSecretValues(filled.secrets);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, request.timeoutMs);
    let redirects = 0;
    try {
      let url = first;
      let method: CallMethod = request.method;
      let body = request.body === undefined ? undefined : JSON.stringify(request.body);
      let headers = withDefaults(filled.headers, body !== undefined);
      const secretNames = secretHeaders(request.headers);
      for (;;) {
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CallRefusedError(`only http and https calls are made, not ${url.protocol}`);
        checkLiteral(this.policy, url.hostname);
        const res = await this.agent.request({ origin: url.origin, path: `${url.pathname}${url.search}`, method, headers, body, signal: controller.signal });
        const location = res.headers['location'];
        if (REDIRECTS.has(res.statusCode) && typeof location === 'string' && redirects < this.maxRedirects) {
          await res.body.dump();
          const next = new URL(location, url);
          if (next.origin !== url.origin) headers = without(headers, [...CREDENTIAL_HEADERS, ...secretNames]);
          if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
            headers = without(headers, ['content-type']);
          }
          url = next;
          redirects++;
          continue;
        }
        return { ...(await this.answer(res)), durationMs: took(), redirects };
      }
    } catch (err) {
      const refused = refusal(err);
      if (refused) return { result: { ok: false, error: 'refused' }, durationMs: took(), retryable: false, redirects, reason: refused.message };
      if (timedOut) return { result: { ok: false, error: 'timeout' }, durationMs: took(), retryable: true, redirects, reason: `no answer within ${request.timeoutMs} ms` };
      return { result: { ok: false, error: 'network' }, durationMs: took(), retryable: true, redirects, reason: networkReason(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The answer read within the body limit: JSON for a 2xx (empty: null), JSON when it is for a failure. */
  private async answer(res: Dispatcher.ResponseData): Promise<Pick<CallAttempt, 'result' | 'retryable' | 'reason'>> {
    const status = res.statusCode;
    const ok = status >= 200 && status < 300;
    let text: string;
    try {
      text = await readLimited(res, this.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof TooLargeError)) throw err;
      const reason = `the answer is longer than ${this.maxBodyBytes} bytes`;
      return ok ? { result: { ok: false, error: 'too_large', status }, retryable: false, reason } : { result: { ok: false, error: 'status', status }, retryable: status >= 500, reason };
    }
    const parsed = parseJson(text);
    if (ok) return parsed.ok ? { result: { ok: true, status, body: parsed.value }, retryable: false } : { result: { ok: false, error: 'not_json', status }, retryable: false, reason: 'the answer is not JSON' };
    return { result: parsed.ok && text.trim() !== '' ? { ok: false, error: 'status', status, body: parsed.value } : { ok: false, error: 'status', status }, retryable: status >= 500 };
  }
}

function withDefaults(headers: Record<string, string>, hasBody: boolean): Record<string, string> {
  const lower = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  const out: Record<string, string> = { ...headers };
  if (!lower.has('accept')) out['accept'] = 'application/json';
  if (hasBody && !lower.has('content-type')) out['content-type'] = 'application/json';
  if (!lower.has('user-agent')) out['user-agent'] = 'scenarist';
  return out;
}

function without(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop.has(name.toLowerCase())));
}

async function readLimited(res: Dispatcher.ResponseData, limit: number): Promise<string> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    res.body.destroy();
    throw new TooLargeError();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.body.destroy();
      throw new TooLargeError();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The guard's refusal, wherever undici or net wrapped it. */
function refusal(err: unknown): CallRefusedError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e instanceof CallRefusedError) return e;
  return undefined;
}

function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
}
