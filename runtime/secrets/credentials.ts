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

/** Fails closed: an unknown key id or a failed authentication throws CredentialError. */
export function decryptSecret(keyring: Keyring, botId: string, platform: string, secret: EncryptedSecret): string {
  const key = keyring.keys.get(secret.keyId);
  if (!key) {
    throw new CredentialError(
      `the ${platform} credential of bot ${JSON.stringify(botId)} was encrypted with key ${secret.keyId}, which ENCRYPTION_KEY does not hold (it has ${[...keyring.keys.keys()].join(', ')})`,
    );
  }
  const raw = Buffer.from(secret.ciphertext, 'base64');
  if (raw.length < 29) throw new CredentialError(`the ${platform} credential of bot ${JSON.stringify(botId)} is damaged`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(aad(botId, platform));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new CredentialError(`the ${platform} credential of bot ${JSON.stringify(botId)} does not decrypt with key ${secret.keyId}: wrong key or damaged data`);
  }
}

/**
 * The webhook secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token, derived from the token so that no
 * second secret has to be configured: 43 characters of [A-Za-z0-9_-].
 */
export function deriveWebhookSecret(token: string): string {
  return createHmac('sha256', token).update('scenarist webhook secret').digest('base64url');
}
