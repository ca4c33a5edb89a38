// Platform credentials other than Telegram's token are stored as it is: encrypted in the store from the environment,
// read back on a start without the variables, moved to the first key on rotation, and masked in every log line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactText } from '../../../runtime/log/index.js';
import { keyIdOf, parseKeyring } from '../../../runtime/secrets/index.js';
import { loadBots } from '../../../runtime/server/load-bots.js';
import { openSqliteStore } from '../../../runtime/store/index.js';
import { captureLogger } from '../../support/capture-logger.js';

const K1 = '1'.repeat(64);
const K2 = '2'.repeat(64);
const WA = {
  WHATSAPP_TOKEN_SHOP: 'EAAGwhatsappAccessToken0123456789',
  WHATSAPP_APP_SECRET_SHOP: 'appsecret-abcdef-0123456789',
  WHATSAPP_VERIFY_TOKEN_SHOP: 'verify-me-please',
  WHATSAPP_PHONE_NUMBER_ID_SHOP: '1098765432',
};

describe('WhatsApp credentials in the store', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'scenarist-wacreds-')), 'db.sqlite');
  const bots = [{ id: 'shop', account: 'default', name: 'Shop', scenario: resolve('examples/spec-example.json'), telegram: { groupDialogs: 'member' as const }, callsAllowedHosts: [] }];

  async function start(key: string, env: Record<string, string> = {}) {
    const store = openSqliteStore({ file });
    const { logger, lines } = captureLogger();
    try {
      const [bot] = await loadBots(bots, store, parseKeyring(key), env, logger, () => 1_000);
      return { whatsapp: bot!.whatsapp, messenger: bot!.messenger, stored: await store.getCredential('shop', 'whatsapp'), lines };
    } finally {
      await store.close();
    }
  }

  it('stores them encrypted, runs on them without the variables, and rotates them', async () => {
    const first = await start(K1, WA);
    expect(first.whatsapp).toEqual({ accessToken: WA.WHATSAPP_TOKEN_SHOP, appSecret: WA.WHATSAPP_APP_SECRET_SHOP, verifyToken: WA.WHATSAPP_VERIFY_TOKEN_SHOP, phoneNumberId: WA.WHATSAPP_PHONE_NUMBER_ID_SHOP });
    const sealed = first.stored!;
    expect(Buffer.from(sealed.ciphertext).toString('latin1')).not.toContain(WA.WHATSAPP_TOKEN_SHOP);
    expect(sealed.keyId).toBe(keyIdOf(Buffer.from(K1, 'hex')));

    const again = await start(K1, WA);
    expect(again.stored!.ciphertext).toEqual(sealed.ciphertext); // unchanged variables: no new write

    const without = await start(K1);
    expect(without.whatsapp).toEqual(first.whatsapp);

    const rotated = await start(`${K2},${K1}`);
    expect(rotated.whatsapp).toEqual(first.whatsapp);
    expect(rotated.stored!.keyId).toBe(keyIdOf(Buffer.from(K2, 'hex')));

    const wrong = await start('f'.repeat(64));
    expect(wrong.whatsapp).toBeUndefined();
    expect(wrong.lines.some((l) => l['level'] === 'ERROR' && String(l['msg']).includes('WhatsApp credentials'))).toBe(true);
  });

  it('masks the token and secrets in log text once loaded', async () => {
    await start(K1, WA);
    const text = redactText(`token ${WA.WHATSAPP_TOKEN_SHOP} secret ${WA.WHATSAPP_APP_SECRET_SHOP}`, { pii: false });
    expect(text).not.toContain(WA.WHATSAPP_TOKEN_SHOP);
    expect(text).not.toContain(WA.WHATSAPP_APP_SECRET_SHOP);
  });

  it('names the variables missing from a half-done setup', async () => {
    const half = await start(K1, { WHATSAPP_TOKEN_SHOP: WA.WHATSAPP_TOKEN_SHOP });
    const line = half.lines.find((l) => l['level'] === 'ERROR' && Array.isArray(l['missing']));
    expect(line?.['missing']).toEqual(['WHATSAPP_APP_SECRET_SHOP', 'WHATSAPP_VERIFY_TOKEN_SHOP', 'WHATSAPP_PHONE_NUMBER_ID_SHOP']);
  });

  it('refuses a phone number id that is not digits, without stopping the start', async () => {
    const bad = await start(K1, { ...WA, WHATSAPP_PHONE_NUMBER_ID_SHOP: '+49 170 1234' });
    expect(bad.whatsapp).toBeUndefined();
  });
});

describe('Messenger credentials in the store', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'scenarist-mscreds-')), 'db.sqlite');
  const bots = [{ id: 'shop', account: 'default', name: 'Shop', scenario: resolve('examples/spec-example.json'), telegram: { groupDialogs: 'member' as const }, callsAllowedHosts: [] }];
  const MS = { MESSENGER_PAGE_TOKEN_SHOP: 'EAABpageToken0123456789', MESSENGER_APP_SECRET_SHOP: 'ms-app-secret-0123', MESSENGER_VERIFY_TOKEN_SHOP: 'ms-verify', MESSENGER_PAGE_ID_SHOP: '4455667788' };

  async function start(env: Record<string, string> = {}) {
    const store = openSqliteStore({ file });
    const { logger } = captureLogger();
    try {
      const [bot] = await loadBots(bots, store, parseKeyring(K1), env, logger, () => 1_000);
      return { messenger: bot!.messenger, stored: await store.getCredential('shop', 'messenger') };
    } finally {
      await store.close();
    }
  }

  it('stores them encrypted and runs on them without the variables', async () => {
    const first = await start(MS);
    expect(first.messenger).toEqual({ pageToken: MS.MESSENGER_PAGE_TOKEN_SHOP, appSecret: MS.MESSENGER_APP_SECRET_SHOP, verifyToken: MS.MESSENGER_VERIFY_TOKEN_SHOP, pageId: MS.MESSENGER_PAGE_ID_SHOP });
    expect(Buffer.from(first.stored!.ciphertext).toString('latin1')).not.toContain(MS.MESSENGER_PAGE_TOKEN_SHOP);
    expect((await start()).messenger).toEqual(first.messenger);
  });
});
