/** `{{secret.NAME}}` in a header value: NAME is read from SCENARIST_SECRET_NAME, and from no other variable. */
const PLACEHOLDER = /\{\{\s*secret\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export const SECRET_ENV_PREFIX = 'SCENARIST_SECRET_';

/** Where secret values come from: the process environment by default. */
export type SecretSource = (name: string) => string | undefined;

/** Secrets from environment variables named SCENARIST_SECRET_<NAME>: a scenario can never read ADMIN_TOKEN or ENCRYPTION_KEY. */
export function envSecrets(env: Readonly<Record<string, string | undefined>> = process.env): SecretSource {
  return (name) => {
    const value = env[`${SECRET_ENV_PREFIX}${name}`];
    return value === undefined || value === '' ? undefined : value;
  };
}

/** What a lookup of a call's secrets came to: every value, or the first name missing (unset, or not decryptable). */
export type SecretLookup =
  | { readonly ok: true; readonly values: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly missing: string; readonly reason: 'unset' | 'undecryptable' };

/** A bot's secrets, looked up before its call is sent (the environment, then the bot's encrypted credentials). */
export interface BotSecretResolver {
  resolve(botId: string, names: Iterable<string>): Promise<SecretLookup>;
}

/** The names of the secrets a call's headers use, each once. */
export function secretNames(headers: Readonly<Record<string, string>>): string[] {
  const names = new Set<string>();
  for (const template of Object.values(headers)) for (const m of template.matchAll(PLACEHOLDER)) names.add(m[1]!);
  return [...names];
}

export type FilledHeaders =
  | { readonly ok: true; readonly headers: Record<string, string>; readonly secrets: readonly string[] }
  | { readonly ok: false; readonly missing: string };

/**
 * Header values with their secret placeholders filled in, and the values used (to be redacted from anything logged).
 * A placeholder whose variable is unset fails the whole call: a request without its credentials is not sent.
 */
export function fillSecrets(headers: Readonly<Record<string, string>>, source: SecretSource): FilledHeaders {
  const out: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, template] of Object.entries(headers)) {
    let missing: string | undefined;
    out[name] = template.replace(PLACEHOLDER, (_, secret: string) => {
      const value = source(secret);
      if (value === undefined) {
        missing ??= secret;
        return '';
      }
      secrets.push(value);
      return value;
    });
    if (missing !== undefined) return { ok: false, missing };
  }
  return { ok: true, headers: out, secrets };
}

/** Names of the headers that carry a secret: never sent on to another origin by a redirect. */
export function secretHeaders(headers: Readonly<Record<string, string>>): Set<string> {
  const names = new Set<string>();
  for (const [name, template] of Object.entries(headers)) {
    PLACEHOLDER.lastIndex = 0;
    if (PLACEHOLDER.test(template)) names.add(name.toLowerCase());
  }
  PLACEHOLDER.lastIndex = 0;
  return names;
}

/** A text with every secret value replaced (values shorter than 4 characters are left: they would mask ordinary words). */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[secret]');
  return out;
}
