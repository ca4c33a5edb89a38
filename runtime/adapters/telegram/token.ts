const TOKEN_RE = /^\d+:[A-Za-z0-9_-]+$/;
/** `bot<id>:<secret>` as it appears in Bot API URLs (also telegraf's own `[REDACTED]` form is left alone). */
const URL_TOKEN_RE = /\b(bot|user)(\d+):[A-Za-z0-9_-]+/g;

export function isTelegramToken(token: string): boolean {
  return TOKEN_RE.test(token);
}

/** The bot id a token starts with (`123` of `123:ABC`). */
export function botIdOfToken(token: string): string {
  return token.slice(0, token.indexOf(':'));
}

/** Removes a token from text meant for logs: `bot123:secret` becomes `bot123:***`, and the bare token too. */
export function redactToken(text: string, token?: string): string {
  let out = text.replace(URL_TOKEN_RE, '$1$2:***');
  if (token && token.length > 0) out = out.split(token).join(`${botIdOfToken(token)}:***`);
  return out;
}
