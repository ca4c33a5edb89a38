import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BotSecrets, keyIdOf, parseKeyring, putBotSecret, secretNameProblem, secretValueProblem } from '../../../runtime/secrets/index.js';
import { MemoryStore, openSqliteStore, type Store } from '../../../runtime/store/index.js';

const K1 = '1'.repeat(64);
const K2 = '2'.repeat(64);
const id = (hex: string): string => keyIdOf(Buffer.from(hex, 'hex'));

function secrets(store: Store, key = K1, env: Record<string, string> = {}) {
  let now = 1_000;
  const events: { type: string; name: string }[] = [];
  const s = new BotSecrets({ store, keyring: parseKeyring(key), env: (n) => env[n], clock: () => now, ttlMs: 60_000, onEvent: (e) => events.push(e) });
  return { s, events, advance: (ms: number) => (now += ms) };
}

describe('bot secrets', () => {
  it('reads the environment first, then the bot\'s own stored value', async () => {
    const store = new MemoryStore();
    const { s } = secrets(store, K1, { SHARED: 'from-env-value' });
    await s.set('a', 'SHARED', 'stored-a-value');
    await s.set('a', 'ONLY_A', 'only-a-value');
    expect(await s.resolve('a', ['SHARED', 'ONLY_A'])).toEqual({ ok: true, values: new Map([['SHARED', 'from-env-value'], ['ONLY_A', 'only-a-value']]) });
    expect(await s.resolve('b', ['ONLY_A'])).toEqual({ ok: false, missing: 'ONLY_A', reason: 'unset' });
  });

  it('keeps a decrypted value for the cache time; a change made elsewhere is seen after it, one made here at once', async () => {
    const store = new MemoryStore();
    const { s, advance } = secrets(store);
    await s.set('a', 'TOKEN', 'first-value');
    expect(await s.resolve('a', ['TOKEN'])).toMatchObject({ ok: true });
    // Another process (the CLI) writes the store directly.
    await putBotSecret(store, parseKeyring(K1), 'a', 'TOKEN', 'second-value', 2_000);
    expect(await s.resolve('a', ['TOKEN'])).toEqual({ ok: true, values: new Map([['TOKEN', 'first-value']]) });
    advance(60_000);
    expect(await s.resolve('a', ['TOKEN'])).toEqual({ ok: true, values: new Map([['TOKEN', 'second-value']]) });
    await s.set('a', 'TOKEN', 'third-value');
    expect(await s.resolve('a', ['TOKEN'])).toEqual({ ok: true, values: new Map([['TOKEN', 'third-value']]) });
    await s.delete('a', 'TOKEN');
    expect(await s.resolve('a', ['TOKEN'])).toMatchObject({ ok: false, missing: 'TOKEN' });
  });

  it('a value is bound to its bot: a ciphertext copied to another bot does not decrypt', async () => {
    const store = new MemoryStore();
    const { s, events } = secrets(store);
    await s.set('a', 'TOKEN', 'bot-a-value');
    const stored = (await store.getCredential('a', 'secret:TOKEN'))!;
    await store.putCredential({ ...stored, botId: 'b' });
    expect(await s.resolve('b', ['TOKEN'])).toEqual({ ok: false, missing: 'TOKEN', reason: 'undecryptable' });
    expect(events).toEqual([expect.objectContaining({ type: 'undecryptable', name: 'TOKEN' })]);
  });

  it('on SQLite on disk: a value under the old key is read after rotation and stored again under the first key', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'scenarist-bot-secrets-')), 'db.sqlite');
    const before = openSqliteStore({ file });
    await secrets(before, K1).s.set('a', 'TOKEN', 'rotating-value');
    await before.close();

    const rotating = openSqliteStore({ file });
    const r = secrets(rotating, `${K2},${K1}`);
    expect(await r.s.resolve('a', ['TOKEN'])).toEqual({ ok: true, values: new Map([['TOKEN', 'rotating-value']]) });
    expect((await rotating.getCredential('a', 'secret:TOKEN'))?.keyId).toBe(id(K2));
    expect(r.events.map((e) => e.type)).toEqual(['reencrypted']);
    await rotating.close();

    const rotated = openSqliteStore({ file });
    expect(await secrets(rotated, K2).s.resolve('a', ['TOKEN'])).toEqual({ ok: true, values: new Map([['TOKEN', 'rotating-value']]) });
    // A wrong key fails closed and leaves the stored value as it was.
    const kept = await rotated.getCredential('a', 'secret:TOKEN');
    expect(await secrets(rotated, 'f'.repeat(64)).s.resolve('a', ['TOKEN'])).toMatchObject({ ok: false, reason: 'undecryptable' });
    expect(await rotated.getCredential('a', 'secret:TOKEN')).toEqual(kept);
    await rotated.close();
  });

  it('rotate() moves every stored secret of the bot, and nothing else, to the first key', async () => {
    const store = new MemoryStore();
    await secrets(store, K1).s.set('a', 'ONE', 'value-one');
    await secrets(store, K1).s.set('a', 'TWO', 'value-two');
    await secrets(store, K1).s.set('b', 'ONE', 'value-b');
    const telegram = { botId: 'a', platform: 'telegram', keyId: id(K1), ciphertext: 'x', updatedAt: 1 };
    await store.putCredential(telegram);
    const r = secrets(store, `${K2},${K1}`);
    await r.s.rotate('a');
    expect((await store.listCredentials('a')).map((c) => [c.platform, c.keyId])).toEqual([
      ['secret:ONE', id(K2)],
      ['secret:TWO', id(K2)],
      ['telegram', id(K1)],
    ]);
    expect((await store.getCredential('b', 'secret:ONE'))?.keyId).toBe(id(K1));
    expect(await secrets(store, K2).s.resolve('a', ['ONE', 'TWO'])).toEqual({ ok: true, values: new Map([['ONE', 'value-one'], ['TWO', 'value-two']]) });
  });

  it('lists names and times only, and refuses bad names and values', async () => {
    const store = new MemoryStore();
    const { s } = secrets(store);
    await s.set('a', 'B_TOKEN', 'value-b');
    await s.set('a', 'A_TOKEN', 'value-a');
    await store.putCredential({ botId: 'a', platform: 'telegram', keyId: 'k', ciphertext: 'x', updatedAt: 1 });
    expect(await s.list('a')).toEqual([
      { name: 'A_TOKEN', updatedAt: 1_000 },
      { name: 'B_TOKEN', updatedAt: 1_000 },
    ]);
    expect(['CRM_TOKEN', 'A', '9_X', 'A'.repeat(64)].map(secretNameProblem)).toEqual([undefined, undefined, undefined, undefined]);
    expect(['', 'crm', 'A-B', 'A'.repeat(65), 'secret.A'].every((n) => secretNameProblem(n) !== undefined)).toBe(true);
    expect(['x', 'Bearer abc\tdef'].map(secretValueProblem)).toEqual([undefined, undefined]);
    expect(['', 'a\nb', 'a\rb', 'a\u0000b', 42, undefined, 'x'.repeat(8193)].every((v) => secretValueProblem(v) !== undefined)).toBe(true);
    await expect(s.set('a', 'bad-name', 'value')).rejects.toThrow(RangeError);
  });
});
