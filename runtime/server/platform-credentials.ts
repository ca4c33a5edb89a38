import type { Logger } from '../log/index.js';
import { CredentialError, encryptSecret, isStale, openSecret, type Keyring } from '../secrets/index.js';
import type { Store } from '../store/index.js';

export interface CredentialSource {
  readonly botId: string;
  /** The credential's platform in the store: `telegram`, `whatsapp`, `messenger`. */
  readonly platform: string;
  /** As log lines name it, e.g. "Telegram token". */
  readonly label: string;
  /** The environment's value (already validated): it wins, and is stored encrypted for later starts. */
  readonly fromEnv: string | undefined;
}

/**
 * A bot's platform credential, one way for every platform: the environment's value, written encrypted into the
 * store (so a later start needs no variable); else the stored one, decrypted, and encrypted again when an older key
 * sealed it (rotation). Fails closed: a value no key opens is logged and the bot runs without the platform.
 */
export async function resolveCredential(source: CredentialSource, store: Store, keyring: Keyring, logger: Logger, at: number): Promise<string | undefined> {
  const { botId, platform, label, fromEnv } = source;
  if (fromEnv !== undefined) {
    const stored = await store.getCredential(botId, platform);
    // Unchanged since the last start: no write (several processes start with the same variables).
    if (stored && !isStale(keyring, stored) && opens(keyring, botId, platform, stored) === fromEnv) return fromEnv;
    const sealed = encryptSecret(keyring, botId, platform, fromEnv);
    await store.putCredential({ botId, platform, keyId: sealed.keyId, ciphertext: sealed.ciphertext, updatedAt: at });
    return fromEnv;
  }
  const stored = await store.getCredential(botId, platform);
  if (!stored) return undefined;
  let value: string;
  try {
    value = openSecret(keyring, botId, platform, stored).plaintext;
  } catch (err) {
    if (!(err instanceof CredentialError)) throw err;
    logger.error({ botId, keyId: stored.keyId, err }, `the stored ${label} cannot be decrypted with ENCRYPTION_KEY: the bot runs without it`);
    return undefined;
  }
  if (isStale(keyring, stored)) {
    // Rotation: once every process has started with the new first key, the old keys can be removed.
    const sealed = encryptSecret(keyring, botId, platform, value);
    await store.putCredential({ botId, platform, keyId: sealed.keyId, ciphertext: sealed.ciphertext, updatedAt: at });
    logger.info({ botId, from: stored.keyId, to: sealed.keyId }, `the stored ${label} was encrypted again with the first key of ENCRYPTION_KEY`);
  }
  return value;
}

function opens(keyring: Keyring, botId: string, platform: string, stored: Parameters<typeof openSecret>[3]): string | undefined {
  try {
    return openSecret(keyring, botId, platform, stored).plaintext;
  } catch {
    return undefined;
  }
}

/**
 * Credentials made of several named values (WhatsApp: token, app secret, verify token, phone number id), kept as one
 * encrypted JSON object; undefined when the stored text is not such an object with every field.
 */
export function parseCredentialFields<K extends string>(text: string, fields: readonly K[]): Record<K, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const out = {} as Record<K, string>;
  for (const f of fields) {
    const v = (parsed as Record<string, unknown>)[f];
    if (typeof v !== 'string' || v === '') return undefined;
    out[f] = v;
  }
  return out;
}
