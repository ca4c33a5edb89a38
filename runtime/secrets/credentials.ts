import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.js';

export interface EncryptedSecret {
  readonly keyId: string;
  /** base64 of iv (12 bytes) + auth tag (16 bytes) + ciphertext. */
  readonly ciphertext: string;
}

/** A credential that cannot be decrypted: wrong or missing key, or tampered data. The message holds no secret. */
export class CredentialError extends Error {
  override readonly name = 'CredentialError';
}

/** The credential's owner is authenticated too, so a ciphertext copied to another bot does not decrypt. */
const aad = (botId: string, platform: string): Buffer => Buffer.from(`scenarist:${platform}:${botId}`);

export function encryptSecret(keyring: Keyring, botId: string, platform: string, plaintext: string): EncryptedSecret {
  const key = keyring.keys.get(keyring.current)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(botId, platform));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: keyring.current, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64') };
}

/** A decrypted credential, and the id of the key that opened it. */
export interface OpenedSecret {
  readonly plaintext: string;
  readonly keyId: string;
}

/**
 * Decrypts with the key the secret names, else with every other key of the ring: an id written by an earlier
 * ENCRYPTION_KEY form (derived from the key, or given as `id:key`) may not be an id of this one. AES-GCM
 * authenticates, so a key that is not the right one fails and the next is tried. Fails closed: no key, a wrong key
 * or damaged data throws CredentialError.
 */
export function openSecret(keyring: Keyring, botId: string, platform: string, secret: EncryptedSecret): OpenedSecret {
  const raw = Buffer.from(secret.ciphertext, 'base64');
  if (raw.length < 29) throw new CredentialError(`the ${platform} credential of bot ${JSON.stringify(botId)} is damaged`);
  const named = keyring.keys.get(secret.keyId);
  const candidates = [...(named ? [[secret.keyId, named] as const] : []), ...[...keyring.keys].filter(([id]) => id !== secret.keyId)];
  for (const [keyId, key] of candidates) {
    const plaintext = tryDecrypt(key, aad(botId, platform), raw);
    if (plaintext !== undefined) return { plaintext, keyId };
  }
  throw new CredentialError(
    `the ${platform} credential of bot ${JSON.stringify(botId)} (encrypted with key ${secret.keyId}) does not decrypt with any key of ENCRYPTION_KEY (${[...keyring.keys.keys()].join(', ')}): wrong key or damaged data`,
  );
}

export function decryptSecret(keyring: Keyring, botId: string, platform: string, secret: EncryptedSecret): string {
  return openSecret(keyring, botId, platform, secret).plaintext;
}

/** Whether a stored secret should be encrypted again under the ring's current key (rotation). */
export const isStale = (keyring: Keyring, secret: EncryptedSecret): boolean => secret.keyId !== keyring.current;

function tryDecrypt(key: Buffer, additional: Buffer, raw: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(additional);
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * The webhook secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token, derived from the token so that no
 * second secret has to be configured: 43 characters of [A-Za-z0-9_-].
 */
export function deriveWebhookSecret(token: string): string {
  return createHmac('sha256', token).update('scenarist webhook secret').digest('base64url');
}
