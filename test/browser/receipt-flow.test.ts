// The receipt example end to end in the web chat, on the real server: a photo attached with the keyboard is
// uploaded, taken by the photo step, stored by the agenda's fetch and shown back by the bot with the location the
// browser shared. Runs where the example exists (it comes with the engine's media support).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../runtime/log/index.js';
import { startServer, type RunningServer } from '../../runtime/server/index.js';
import { png } from '../runtime/http/webchat-media-fixture.js';
import { launchBrowser, screenshot, SKIP, tabTo, WAIT_MS } from './support.js';

const HOOK_MS = 60_000;
const EXAMPLE = resolve('examples/receipt.json');

describe.skipIf(SKIP || !existsSync(EXAMPLE))('the receipt example in the web chat', () => {
  let browser: Browser;
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarist-receipt-'));
    const config = join(dir, 'scenarist.config.json');
    writeFileSync(config, JSON.stringify({ bots: [{ id: 'receipt', scenario: EXAMPLE }] }));
    const env = { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: join(dir, 'db.sqlite'), DATA_DIR: dir, SCENARIST_CONFIG: config, ENCRYPTION_KEY: 'c'.repeat(64), BOT_FILE_LOGGING: 'false', BOT_LOG_LEVEL: 'error' };
    [browser, server] = await Promise.all([launchBrowser(), startServer({ logger: silentLogger(), env })]);
  }, HOOK_MS);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, HOOK_MS);
  afterEach(async ({ task }) => {
    if (page && task.result?.state === 'fail') await screenshot(page, `receipt-failed-${task.name}`);
    await context?.close();
  });

  it('takes a photo and a location, and shows both back', async () => {
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, geolocation: { latitude: 48.8584, longitude: 2.2945 }, permissions: ['geolocation'] });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('filechooser', () => undefined);
    await page.goto(`${server.url}/?bot=receipt`);
    await page.locator('#log li.msg.bot', { hasText: 'Send me a photo of your receipt.' }).waitFor();

    const attach = page.getByRole('button', { name: /^Attach a photo/ });
    await tabTo(page, attach, { back: true });
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Enter');
    const bytes = png(500, 42);
    await (await chooser).setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: bytes });
    await page.locator('#log li.msg.bot', { hasText: 'Where did you buy it?' }).waitFor();

    await tabTo(page, page.getByRole('button', { name: 'Send my location' }), { back: true });
    await page.keyboard.press('Enter');
    await page.locator('#log li.msg.bot', { hasText: 'Saved.' }).waitFor();

    // The bot's copy of the photo comes from this session's media route, with its caption.
    const shown = page.locator('#log li.msg.bot').getByRole('img', { name: 'Image: receipt.png' });
    await expect.poll(() => shown.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    expect(await page.locator('#log li.msg.bot', { has: page.getByRole('img', { name: 'Image: receipt.png' }) }).textContent()).toContain(`receipt.png, ${bytes.length} bytes`);
    expect(await page.locator('#log li.msg.bot').getByRole('link', { name: 'Open 48.85840, 2.29450 on OpenStreetMap' }).count()).toBe(1);
    await screenshot(page, 'chat-receipt-example');
  });
});
