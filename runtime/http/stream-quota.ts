import type { Context } from 'koa';
import type { SseStream } from './sse.js';

/** Open web chat event streams allowed per client address and per session; the README documents the defaults. */
export interface StreamLimits {
  /** WEBCHAT_STREAMS_PER_ADDRESS: beyond it a new stream is refused with 429. */
  readonly perAddress: number;
  /** WEBCHAT_STREAMS_PER_SESSION: beyond it a new stream replaces the session's oldest one. */
  readonly perSession: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = Object.freeze({ perAddress: 20, perSession: 3 });

/** How long a refused client is told to wait: streams end when tabs close, not on a clock. */
const RETRY_AFTER_SECONDS = 10;

/**
 * Keeps one client from holding every event stream of the server. A client address (TRUST_PROXY decides where it
 * comes from) holds at most `perAddress` streams: a new one beyond is refused with 429. A session holds at most
 * `perSession`: a new one closes the session's oldest, after a `replaced` event, so a reload (whose old connection
 * the server may not have seen end yet) always gets its stream, and the replaced tab stops reconnecting.
 */
export class StreamQuota {
  private readonly byAddress = new Map<string, Set<SseStream>>();
  private readonly bySession = new Map<string, SseStream[]>();

  constructor(private readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS) {}

  /** Makes room for a stream of `session` from the request's address, or throws 429. Call before opening it. */
  admit(ctx: Context, session: string): void {
    const ofSession = this.bySession.get(session) ?? [];
    const replaced = ofSession.slice(0, Math.max(0, ofSession.length - this.limits.perSession + 1));
    const ofAddress = this.byAddress.get(ctx.ip);
    const freed = replaced.filter((s) => ofAddress?.has(s)).length;
    if ((ofAddress?.size ?? 0) - freed >= this.limits.perAddress) {
      ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
      ctx.throw(429, `too many open event streams from this address: at most ${this.limits.perAddress}`);
    }
    for (const old of replaced) {
      old.send('replaced', { message: 'this conversation was opened in another tab or window' });
      old.close();
    }
  }

  /** Counts an opened stream until it closes. */
  track(ctx: Context, session: string, stream: SseStream): void {
    const address = ctx.ip;
    const ofAddress = this.byAddress.get(address) ?? new Set<SseStream>();
    this.byAddress.set(address, ofAddress.add(stream));
    const ofSession = this.bySession.get(session) ?? [];
    ofSession.push(stream);
    this.bySession.set(session, ofSession);
    stream.onClose(() => {
      ofAddress.delete(stream);
      if (ofAddress.size === 0 && this.byAddress.get(address) === ofAddress) this.byAddress.delete(address);
      const i = ofSession.indexOf(stream);
      if (i >= 0) ofSession.splice(i, 1);
      if (ofSession.length === 0 && this.bySession.get(session) === ofSession) this.bySession.delete(session);
    });
  }
}
