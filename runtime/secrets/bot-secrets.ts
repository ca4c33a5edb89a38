import type { BotPlatformCredential, Store } from '../store/index.js';
import { CredentialError, encryptSecret, isStale, openSecret } from './credentials.js';
import type { Keyring } from './keyring.js';

/** A secret's name, as `{{secret.NAME}}` and SCENARIST_SECRET_<NAME> write it. */
export const SECRET_NAME = /^[A-Z0-9_]{1,64}$/;
/** Longest value stored: a header value, not a file. */
export const MAX_SECRET_LENGTH = 8192;

const PREFIX = 'secret:';

/** A bot's secret is one of its credentials, under the platform `secret:<NAME>`. */
export const secretPlatform = (name: string): string => `${PREFIX}${name}`;

/** Why a name cannot be a secret's, or undefined when it can. */
export function secretNameProblem(name: string): string | undefined {
  return SECRET_NAME.test(name) ? undefined : 'a secret name is 1 to 64 characters of A-Z, 0-9 and _';
}

/** Why a value cannot be stored, or undefined when it can: it goes into a header, so no line breaks or control characters. */
export function secretValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'the value must be a non-empty string';
  if (value.length > MAX_SECRET_LENGTH) return `the value is longer than ${MAX_SECRET_LENGTH} characters`;
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) return 'the value holds a line break or a control character: it could not be sent in a header';
  return undefined;
}

/** What listing a bot's secrets shows: never a value. */
export interface SecretSummary {
  readonly name: string;
  readonly updatedAt: number;
}

/** What a lookup of a call's secrets came to: every value, or the first name missing (unset, or not decryptable). */
export type SecretLookup =
  | { readonly ok: true; readonly values: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly missing: string; readonly reason: 'unset' | 'undecryptable' };

export interface BotSecretsOptions {
  readonly store: Store;
  readonly keyring: Keyring;
  /** The environment's value of a secret (SCENARIST_SECRET_<NAME>): it wins over the store. */
  readonly env: (name: string) => string | undefined;
  readonly clock?: () => number;
  /** How long a value read from the store is kept decrypted in memory. Default 60 s. */
  readonly ttlMs?: number;
  /** Told when a stored value could not be decrypted, or was encrypted again under the current key (no value given). */
  readonly onEvent?: (event: { readonly type: 'undecryptable' | 'reencrypted'; readonly botId: string; readonly name: string; readonly keyId: string }) => void;
}

type Cached = { readonly until: number; readonly value?: string; readonly reason?: 'unset' | 'undecryptable' };

/**
 * Bots' secrets: the environment first, else the bot's credential `secret:<NAME>`, encrypted with the keyring like
 * platform tokens (a credential under an older key is decrypted and written again under the current one). Values read
 * from the store are cached for `ttlMs`, so a call does not decrypt each time; a change made here is seen at once, one
 * made by another process (the CLI) within `ttlMs`.
 */
export class BotSecrets {
  private readonly cache = new Map<string, Cached>();
  private readonly clock: () => number;
  private readonly ttlMs: number;

  constructor(private readonly options: BotSecretsOptions) {
    this.clock = options.clock ?? Date.now;
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  async resolve(botId: string, names: Iterable<string>): Promise<SecretLookup> {
    const values = new Map<string, string>();
    for (const name of names) {
      if (values.has(name)) continue;
      const fromEnv = this.options.env(name);
      if (fromEnv !== undefined) {
        values.set(name, fromEnv);
        continue;
      }
      const found = await this.stored(botId, name);
      if (found.value === undefined) return { ok: false, missing: name, reason: found.reason ?? 'unset' };
      values.set(name, found.value);
    }
    return { ok: true, values };
  }

  async set(botId: string, name: string, value: string): Promise<void> {
    await putBotSecret(this.options.store, this.options.keyring, botId, name, value, this.clock());
    this.cache.delete(cacheKey(botId, name));
  }

  async delete(botId: string, name: string): Promise<boolean> {
    const removed = await deleteBotSecret(this.options.store, botId, name);
    this.cache.delete(cacheKey(botId, name));
    return removed;
  }

  list(botId: string): Promise<SecretSummary[]> {
    return listBotSecrets(this.options.store, botId);
  }

  /**
   * Encrypts again under the ring's current key every stored secret of the bot that an older key encrypted (at server
   * start, as for platform tokens: once every process has started with the new first key, the old one can go).
   */
  async rotate(botId: string): Promise<void> {
    const { store, keyring } = this.options;
    for (const c of await store.listCredentials(botId)) {
      if (!c.platform.startsWith(PREFIX) || !isStale(keyring, c)) continue;
      await readBotSecret(store, keyring, botId, c.platform.slice(PREFIX.length), this.clock(), this.options.onEvent);
    }
  }

  private async stored(botId: string, name: string): Promise<Cached> {
    const k = cacheKey(botId, name);
    const now = this.clock();
    const hit = this.cache.get(k);
    if (hit && hit.until > now) return hit;
    const read = await readBotSecret(this.options.store, this.options.keyring, botId, name, now, this.options.onEvent);
    const entry: Cached = { until: now + this.ttlMs, ...read };
    this.cache.set(k, entry);
    return entry;
  }
}

const cacheKey = (botId: string, name: string): string => `${botId}\u0000${name}`;

export async function putBotSecret(store: Store, keyring: Keyring, botId: string, name: string, value: string, now: number): Promise<void> {
  const problem = secretNameProblem(name) ?? secretValueProblem(value);
  if (problem) throw new RangeError(problem);
  const platform = secretPlatform(name);
  const sealed = encryptSecret(keyring, botId, platform, value);
  await store.putCredential({ botId, platform, keyId: sealed.keyId, ciphertext: sealed.ciphertext, updatedAt: now });
}

export function deleteBotSecret(store: Store, botId: string, name: string): Promise<boolean> {
  return store.deleteCredential(botId, secretPlatform(name));
}

export async function listBotSecrets(store: Store, botId: string): Promise<SecretSummary[]> {
  const all = await store.listCredentials(botId);
  return all.filter((c: BotPlatformCredential) => c.platform.startsWith(PREFIX)).map((c) => ({ name: c.platform.slice(PREFIX.length), updatedAt: c.updatedAt }));
}

/**
 * A stored secret, decrypted; written again under the ring's current key when an older key encrypted it (rotation,
 * as for platform tokens). Fails closed: a value no key opens is `undecryptable`, never guessed at nor overwritten.
 */
export async function readBotSecret(
  store: Store,
  keyring: Keyring,
  botId: string,
  name: string,
  now: number,
  onEvent?: BotSecretsOptions['onEvent'],
): Promise<{ value?: string; reason?: 'unset' | 'undecryptable' }> {
  const platform = secretPlatform(name);
  const stored = await store.getCredential(botId, platform);
  if (!stored) return { reason: 'unset' };
  let value: string;
  try {
    value = openSecret(keyring, botId, platform, stored).plaintext;
  } catch (err) {
    if (!(err instanceof CredentialError)) throw err;
    onEvent?.({ type: 'undecryptable', botId, name, keyId: stored.keyId });
    return { reason: 'undecryptable' };
  }
  if (isStale(keyring, stored)) {
    const sealed = encryptSecret(keyring, botId, platform, value);
    await store.putCredential({ botId, platform, keyId: sealed.keyId, ciphertext: sealed.ciphertext, updatedAt: stored.updatedAt });
    onEvent?.({ type: 'reencrypted', botId, name, keyId: sealed.keyId });
  }
  return { value };
}
