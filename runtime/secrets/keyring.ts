import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** AES-256 keys by id; `current` encrypts, every key decrypts (so keys can rotate). */
export interface Keyring {
  readonly current: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export class KeyError extends Error {
  override readonly name = 'KeyError';
}

/** A key's id: derived from the key, so a wrong key is told apart from a damaged ciphertext. */
export const keyIdOf = (key: Buffer): string => 'k' + createHash('sha256').update(key).digest('hex').slice(0, 12);

function decodeKey(text: string, label: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(t) && key.toString('base64').replace(/=+$/, '') !== t.replace(/=+$/, ''))) {
    throw new KeyError(`${label} must be 32 bytes as 64 hex characters or base64 (generate one with: openssl rand -hex 32)`);
  }
  return key;
}

/**
 * Parses ENCRYPTION_KEY: one key ("<64 hex>" or base64), or several as "id:key,id:key" where the first encrypts.
 * Ids given without a key prefix are derived from the key.
 */
export function parseKeyring(value: string, label = 'ENCRYPTION_KEY'): Keyring {
  const keys = new Map<string, Buffer>();
  let current: string | undefined;
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    const key = decodeKey(colon > 0 ? part.slice(colon + 1) : part, label);
    const id = colon > 0 ? part.slice(0, colon) : keyIdOf(key);
    if (keys.has(id)) throw new KeyError(`${label} names the key id ${JSON.stringify(id)} twice`);
    keys.set(id, key);
    current ??= id;
  }
  if (current === undefined) throw new KeyError(`${label} is empty`);
  return { current, keys };
}

/**
 * The keyring from ENCRYPTION_KEY, or else from a key file that is created on first use, so a development
 * setup needs no configuration. `generated` tells the caller to warn.
 */
export function loadKeyring(envValue: string | undefined, keyFile: string): { keyring: Keyring; source: 'env' | 'file'; generated: boolean } {
  if (envValue !== undefined && envValue.trim() !== '') return { keyring: parseKeyring(envValue), source: 'env', generated: false };
  if (existsSync(keyFile)) return { keyring: parseKeyring(readFileSync(keyFile, 'utf8'), keyFile), source: 'file', generated: false };
  mkdirSync(dirname(keyFile), { recursive: true });
  const key = createHash('sha256').update(crypto.getRandomValues(new Uint8Array(32))).digest('hex');
  writeFileSync(keyFile, key + '\n', { mode: 0o600, flag: 'wx' });
  return { keyring: parseKeyring(key, keyFile), source: 'file', generated: true };
}
