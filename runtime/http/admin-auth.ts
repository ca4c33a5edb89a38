import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Compares digests, so neither the content nor the length of the token leaks through timing. */
export function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Requires `Authorization: Bearer <token>`; 401 with a WWW-Authenticate challenge otherwise. */
export function bearerAuth(token: string) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(ctx.get('authorization'));
    if (!match || !sameToken(match[1]!, token)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="scenarist"');
      ctx.throw(401, match ? 'wrong bearer token' : 'missing bearer token: send Authorization: Bearer <ADMIN_TOKEN>');
    }
    await next();
  };
}
