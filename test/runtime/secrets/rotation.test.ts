/**
 * Key rotation through the store, restart by restart, on a SQLite file: the token stored under one key is read
 * under every documented ENCRYPTION_KEY form, moves to the first key when read under another, and a wrong key
 * leaves the stored credential as it was.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyIdOf, parseKeyring } from '../../../runtime/secrets/index.js';
import { loadBots } from '../../../runtime/server/load-bots.js';
import { openSqliteStore, type BotPlatformCredential } from '../../../runtime/store/index.js';
import { captureLogger } from '../../support/capture-logger.js';

const TOKEN = '123456789:AAEhBP0av28rotationTestToken_abcdef';
const K1 = '1'.repeat(64);
const K2 = '2'.repeat(64);
const K3 = Buffer.alloc(32, 3).toString('base64');
const WRONG = 'f'.repeat(64);
const id = (hex: string): string => keyIdOf(Buffer.from(hex, 'hex'));

describe('ENCRYPTION_KEY rotation, restart by restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-rotation-'));
  const file = join(dir, 'db.sqlite');
  const bots = [{ id: 'rotor', account: 'default', name: 'Rotor', scenario: resolve('examples/spec-example.json'), telegram: { groupDialogs: 'member' as const }, callsAllowedHosts: [] }];

  /** One server start: loads the bot with this ENCRYPTION_KEY (and token variable), then closes the store. */
  async function start(key: string, env: Record<string, string> = {}) {
    const store = openSqliteStore({ file });
    const { logger, lines } = captureLogger();
    try {
      const [bot] = await loadBots(bots, store, parseKeyring(key), env, logger, () => 1_000);
      const stored = await store.getCredential('rotor', 'telegram');
      return { token: bot!.telegram?.token, stored, errors: lines.filter((l) => l['level'] === 'ERROR') };
    } finally {
      await store.close();
    }
  }

  it('moves the token to the first key and reads it under every documented form', async () => {
    // K1 alone stores the token given in the environment.
    const first = await start(K1, { TELEGRAM_TOKEN_ROTOR: TOKEN });
    expect(first.token).toBe(TOKEN);
    expect(first.stored?.keyId).toBe(id(K1));

    // "K2,K1": read under K1, stored again under K2.
    const rotating = await start(`${K2},${K1}`);
    expect(rotating.token).toBe(TOKEN);
    expect(rotating.stored?.keyId).toBe(id(K2));
    expect(rotating.stored?.ciphertext).not.toBe(first.stored?.ciphertext);

    // K2 alone: the old key is gone and Telegram still works.
    const rotated = await start(K2);
    expect(rotated.token).toBe(TOKEN);
    expect(rotated.stored).toEqual(rotating.stored);

    // The id:key form reads what was stored under an id derived from the key, and moves it to its first id.
    const named = await start(`new:${K3},old:${K2}`);
    expect(named.token).toBe(TOKEN);
    expect(named.stored?.keyId).toBe('new');

    // A bare key reads what was stored under an explicit id.
    const bare = await start(K3);
    expect(bare.token).toBe(TOKEN);
    expect(bare.stored?.keyId).toBe(keyIdOf(Buffer.from(K3, 'base64')));
    expect(bare.errors).toEqual([]);

    // A wrong key: an error in the log, no Telegram, and the stored credential left as it was.
    const before = bare.stored as BotPlatformCredential;
    const wrong = await start(WRONG);
    expect(wrong.token).toBeUndefined();
    expect(wrong.errors).toHaveLength(1);
    expect(wrong.errors[0]).toMatchObject({ botId: 'rotor', err: { type: 'CredentialError' } });
    expect(wrong.stored).toEqual(before);
    const wrongNamed = await start(`${keyIdOf(Buffer.from(K3, 'base64'))}:${WRONG}`);
    expect(wrongNamed.token).toBeUndefined();
    expect(wrongNamed.stored).toEqual(before);

    // Nothing was lost: the right key reads it again.
    expect((await start(`${WRONG},${K3}`)).token).toBe(TOKEN);
  });
});
