import type { Context, Next } from 'koa';

/**
 * A fixed window per client address, kept in this process: enough to stop one client flooding the public web chat
 * with messages (each may create a dialog). Behind a proxy, set TRUST_PROXY so the address is the client's.
 */
export function rateLimit(perMinute: number, clock: () => number = Date.now) {
  let windowStart = clock();
  let counts = new Map<string, number>();
  return async (ctx: Context, next: Next): Promise<void> => {
    const now = clock();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      counts = new Map();
    }
    const n = (counts.get(ctx.ip) ?? 0) + 1;
    counts.set(ctx.ip, n);
    if (n > perMinute) {
      ctx.set('Retry-After', String(Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000))));
      return ctx.throw(429, `too many messages from this address: at most ${perMinute} a minute`);
    }
    await next();
  };
}
