import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialError, decryptSecret, deriveWebhookSecret, encryptSecret, isStale, KeyError, loadKeyring, openSecret, parseKeyring } from '../../../runtime/secrets/index.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);
const TOKEN = '123456789:AAEhBP0av28BBbbbbbbbbbbbbbbbbbbbbbb';

describe('token encryption (AES-256-GCM)', () => {
  it('round-trips, and the ciphertext holds neither the token nor a fixed pattern', () => {
    const ring = parseKeyring(KEY_A);
    const one = encryptSecret(ring, 'bot', 'telegram', TOKEN);
    const two = encryptSecret(ring, 'bot', 'telegram', TOKEN);
    expect(decryptSecret(ring, 'bot', 'telegram', one)).toBe(TOKEN);
    expect(one.ciphertext).not.toBe(two.ciphertext); // a fresh IV each time
    expect(Buffer.from(one.ciphertext, 'base64').toString('latin1')).not.toContain('AAEhBP0av28');
    expect(one.keyId).toBe(ring.current);
  });

  it('fails closed with a wrong key, naming key ids but never the token', () => {
    const sealed = encryptSecret(parseKeyring(KEY_A), 'bot', 'telegram', TOKEN);
    const wrong = parseKeyring(KEY_B);
    expect(() => decryptSecret(wrong, 'bot', 'telegram', sealed)).toThrow(CredentialError);
    // Same id, other key material: authentication fails.
    const forged = parseKeyring(`${sealed.keyId}:${KEY_B}`);
    expect(() => decryptSecret(forged, 'bot', 'telegram', sealed)).toThrow(CredentialError);
    const error = thrown(() => decryptSecret(wrong, 'bot', 'telegram', sealed));
    expect(error).toBeInstanceOf(CredentialError);
    expect(String(error)).toContain(sealed.keyId);
    expect(String(error)).toContain(wrong.current);
    expect(String(error)).not.toContain(TOKEN);
  });

  it('binds the ciphertext to its bot and platform, and detects tampering', () => {
    const ring = parseKeyring(KEY_A);
    const sealed = encryptSecret(ring, 'bot', 'telegram', TOKEN);
    expect(() => decryptSecret(ring, 'other', 'telegram', sealed)).toThrow(CredentialError);
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => decryptSecret(ring, 'bot', 'telegram', { ...sealed, ciphertext: raw.toString('base64') })).toThrow(CredentialError);
    expect(() => decryptSecret(ring, 'bot', 'telegram', { ...sealed, ciphertext: 'AAAA' })).toThrow(/damaged/);
  });

  it('rotates keys: the first encrypts, all decrypt', () => {
    const old = parseKeyring(`old:${KEY_A}`);
    const sealed = encryptSecret(old, 'bot', 'telegram', TOKEN);
    const rotated = parseKeyring(`new:${KEY_B},old:${KEY_A}`);
    expect(rotated.current).toBe('new');
    expect(decryptSecret(rotated, 'bot', 'telegram', sealed)).toBe(TOKEN);
    expect(encryptSecret(rotated, 'bot', 'telegram', TOKEN).keyId).toBe('new');
  });

  it('opens a secret whose key id this ring does not name with the key that fits, and says which', () => {
    const derived = encryptSecret(parseKeyring(KEY_A), 'bot', 'telegram', TOKEN);
    const named = parseKeyring(`new:${KEY_B},old:${KEY_A}`);
    expect(openSecret(named, 'bot', 'telegram', derived)).toEqual({ plaintext: TOKEN, keyId: 'old' });
    expect(isStale(named, derived)).toBe(true);
    const explicit = encryptSecret(named, 'bot', 'telegram', TOKEN);
    const bare = parseKeyring(KEY_B);
    expect(openSecret(bare, 'bot', 'telegram', explicit)).toEqual({ plaintext: TOKEN, keyId: bare.current });
    expect(isStale(named, explicit)).toBe(false);
  });

  it('rejects keys that are not 32 bytes, with the fix in the message', () => {
    expect(() => parseKeyring('short')).toThrow(KeyError);
    expect(() => parseKeyring('abc'.repeat(30))).toThrow(/openssl rand -hex 32/);
    expect(() => parseKeyring('')).toThrow(/empty/);
    expect(parseKeyring(Buffer.alloc(32, 7).toString('base64')).keys.size).toBe(1);
  });

  it('generates a development key file once, readable by the owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-key-'));
    const file = join(dir, 'sub', 'encryption.key');
    const first = loadKeyring(undefined, file);
    expect(first.generated).toBe(true);
    expect(statSync(file).mode & 0o077).toBe(0);
    const second = loadKeyring(undefined, file);
    expect(second.generated).toBe(false);
    expect(second.keyring.current).toBe(first.keyring.current);
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(loadKeyring(KEY_A, file).source).toBe('env');
  });

  it('derives a webhook secret Telegram accepts, stable per token', () => {
    const s = deriveWebhookSecret(TOKEN);
    expect(s).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(deriveWebhookSecret(TOKEN)).toBe(s);
    expect(deriveWebhookSecret(TOKEN + 'x')).not.toBe(s);
    expect(s).not.toContain('AAEhBP0av28');
  });
});
