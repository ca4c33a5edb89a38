// Media in the web chat and the dashboard, in headless Chromium: attaching an image with the keyboard, sending a
// location (from the browser, and typed), the bot's media from the history, and media in a dashboard transcript.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ParsedUpdate } from '../../runtime/adapters/types.js';
import { WebChatAdapter } from '../../runtime/adapters/webchat/index.js';
import { mediaFixture, MEDIA_ADMIN_TOKEN, PHOTO_MAX_BYTES, png, type MediaFixture } from '../runtime/http/webchat-media-fixture.js';
import { launchBrowser, newSession, screenshot, SKIP, tabTo, WAIT_MS } from './support.js';

const HOOK_MS = 60_000;

// The page's globals, for the callbacks that run in it (this project type-checks without the DOM library).
declare const localStorage: { setItem(key: string, value: string): void; getItem(key: string): string | null };

describe.skipIf(SKIP)('media in the web chat', () => {
  let browser: Browser;
  let f: MediaFixture;
  let context: BrowserContext | undefined;
  let page: Page;

  beforeAll(async () => {
    [browser, f] = await Promise.all([launchBrowser(), mediaFixture({ pages: true })]);
  }, HOOK_MS);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  }, HOOK_MS);
  afterEach(async ({ task }) => {
    if (page && task.result?.state === 'fail') await screenshot(page, `media-failed-${task.name}`);
    await context?.close();
    context = undefined;
    vi.restoreAllMocks();
  });

  /** A page at phone width (the controls must fit), optionally with a session of its own and a position. */
  async function open(bot: string, options: { session?: string; geolocation?: { latitude: number; longitude: number }; width?: number } = {}): Promise<Page> {
    context = await browser.newContext({
      viewport: { width: options.width ?? 390, height: 844 },
      ...(options.geolocation ? { geolocation: options.geolocation, permissions: ['geolocation'] } : {}),
    });
    if (options.session) await context.addInitScript(([key, value]) => localStorage.setItem(key!, value!), [`scenarist.webchat.session.${bot}`, options.session]);
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    // Keeps file chooser interception on for the page's life: each waitForEvent would otherwise switch it on
    // asynchronously, and a key press that beats it opens a real (invisible) chooser instead.
    page.on('filechooser', () => undefined);
    await page.goto(`${f.url}/?bot=${bot}`);
    return page;
  }

  /** The messages the adapter read, from now on. */
  function parsedUpdates(): ParsedUpdate[] {
    const seen: ParsedUpdate[] = [];
    vi.spyOn(f.adapter, 'parseUpdate').mockImplementation((u) => {
      const parsed = WebChatAdapter.prototype.parseUpdate.call(f.adapter, u);
      seen.push(parsed);
      return parsed;
    });
    return seen;
  }

  const userImage = (p: Page) => p.locator('#log li.msg.user img').last();
  const loaded = (p: Page) => userImage(p).evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0);

  it('attaches an image with the keyboard alone, checked by the page, and shows it in the conversation', async () => {
    await open('receipt');
    await page.locator('#log li.msg.bot', { hasText: 'Send a photo of the receipt.' }).waitFor();
    const attach = page.getByRole('button', { name: 'Attach a photo' });
    await attach.waitFor();
    expect(await page.locator('#expects').textContent()).toBe('Attach a photo, at most 293 KB (image/png, image/jpeg).');
    // At a phone's width nothing sticks out sideways.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const updates = parsedUpdates();

    // Too big: refused in the page, nothing uploaded.
    const puts = f.media.puts.length;
    await tabTo(page, attach, { back: true });
    let chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Enter');
    await (await chooser).setFiles({ name: 'huge.png', mimeType: 'image/png', buffer: png(PHOTO_MAX_BYTES) });
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^huge\.png is \d+ bytes: this step takes files up to 300000 bytes\.$/);
    expect(f.media.puts.length).toBe(puts);

    // The focus went back to the button: Enter again, a good file this time.
    await expect.poll(() => attach.evaluate((node) => node === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
    chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('Enter');
    const bytes = png(200, 9);
    await (await chooser).setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: bytes });
    const bubble = page.locator('#log li.msg.user', { has: page.getByRole('img', { name: 'Photo: receipt.png' }) });
    await bubble.waitFor();
    // Confirmed by the stream: the dialog took the message.
    await expect.poll(() => bubble.getAttribute('class')).toBe('msg user');
    await expect.poll(() => loaded(page)).toBe(true);
    const stored = f.media.puts.slice(puts).filter((p) => p.ok);
    expect(stored).toEqual([{ ok: true, file: expect.objectContaining({ mime: 'image/png', size: bytes.length, name: 'receipt.png' }) }]);
    const id = (stored[0] as { file: { id: string } }).file.id;
    expect(updates.map((u) => (u.kind === 'message' ? u.message : u))).toEqual([{ files: [{ kind: 'photo', ref: id, mime: 'image/png', size: bytes.length, name: 'receipt.png' }] }]);

    // The turn that stores the upload writes a history line with it: the page shows the photo once, not twice.
    const session = await page.evaluate(() => localStorage.getItem('scenarist.webchat.session.receipt'));
    await f.addHistory(f.key('receipt', session!), [
      { direction: 'in', step: 'ask_photo', media: [{ kind: 'photo', file: (await f.media.stat(id))! }] },
      { direction: 'out', step: 'ask_place', text: 'Got it.' },
    ]);
    await page.locator('#log li.msg.bot', { hasText: 'Got it.' }).waitFor();
    expect(await page.locator('#log li.msg.user img').count()).toBe(1);
    await screenshot(page, 'chat-attached-photo');
  });

  it('sends the browser location, and typed coordinates where the browser has none', async () => {
    await open('place', { geolocation: { latitude: 48.8584, longitude: 2.2945 } });
    await page.locator('#log li.msg.bot', { hasText: 'Where are you?' }).waitFor();
    const updates = parsedUpdates();
    const locate = page.getByRole('button', { name: 'Send my location' });
    await tabTo(page, locate, { back: true });
    await page.keyboard.press('Enter');
    const sent = page.locator('#log li.msg.user', { hasText: 'Location: 48.85840, 2.29450' });
    await sent.waitFor();
    await expect.poll(() => sent.getAttribute('class')).toBe('msg user');
    expect(updates.map((u) => (u.kind === 'message' ? u.message : u))).toEqual([{ location: { kind: 'location', latitude: 48.8584, longitude: 2.2945 } }]);
    await context!.close();

    // No permission: the page asks for the coordinates instead, and the keyboard does the rest.
    await open('place');
    await page.locator('#log li.msg.bot', { hasText: 'Where are you?' }).waitFor();
    const typed = parsedUpdates();
    await tabTo(page, page.getByRole('button', { name: 'Send my location' }), { back: true });
    await page.keyboard.press('Enter');
    const latitude = page.getByLabel('Latitude');
    await expect.poll(() => latitude.evaluate((node) => node === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
    await page.keyboard.type('-33.8568');
    await page.keyboard.press('Tab');
    await page.keyboard.type('151.2153');
    await page.keyboard.press('Enter');
    await page.locator('#log li.msg.user', { hasText: 'Location: -33.85680, 151.21530' }).waitFor();
    await expect.poll(() => typed.map((u) => (u.kind === 'message' ? u.message : u))).toEqual([{ location: { kind: 'location', latitude: -33.8568, longitude: 151.2153 } }]);
    await screenshot(page, 'chat-typed-location');
  });

  it('shares a contact typed into its form, with the keyboard alone', async () => {
    await open('card');
    await page.locator('#log li.msg.bot', { hasText: 'Whom should we call?' }).waitFor();
    const updates = parsedUpdates();
    await tabTo(page, page.getByRole('button', { name: 'Share a contact' }), { back: true });
    await page.keyboard.press('Enter');
    const first = page.getByLabel('First name');
    await expect.poll(() => first.evaluate((node) => node === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
    await page.keyboard.type('Ada');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Lovelace');
    await page.keyboard.press('Tab');
    await page.keyboard.type('+44 20 7946 0000');
    await page.keyboard.press('Enter');
    const sent = page.locator('#log li.msg.user', { hasText: 'Contact: Ada Lovelace, +44 20 7946 0000' });
    await sent.waitFor();
    await expect.poll(() => sent.getAttribute('class')).toBe('msg user');
    expect(updates.map((u) => (u.kind === 'message' ? u.message : u))).toEqual([{ contact: { kind: 'contact', phone: '+44 20 7946 0000', first_name: 'Ada', last_name: 'Lovelace' } }]);
    expect(await page.locator('#contact-form').isHidden()).toBe(true);
  });

  it("shows the bot's media from the history: an image, a document, a location, a contact and a link", async () => {
    const session = newSession('history-media');
    expect((await f.post('receipt', { session, text: '/start' })).status).toBe(200);
    const image = await f.media.put([png(40, 200)], { maxBytes: 10_000, name: 'menu.png' });
    const doc = await f.media.put([Buffer.from('Total: 12.50\n')], { maxBytes: 10_000, name: 'total.txt', declaredMime: 'text/plain' });
    if (!image.ok || !doc.ok) throw new Error('refused');
    await f.addHistory(f.key('receipt', session), [
      { direction: 'out', step: 'ask_photo', text: 'Our menu', media: [{ kind: 'image', file: image.file, caption: 'Our menu' }] },
      { direction: 'out', step: 'ask_photo', media: [{ kind: 'document', file: doc.file }] },
      { direction: 'out', step: 'ask_photo', media: [{ kind: 'location', latitude: 51.5007, longitude: -0.1246, title: 'Big Ben' }] },
      { direction: 'out', step: 'ask_photo', media: [{ kind: 'contact', phone: '+44 20 7946 0000', first_name: 'Ada', last_name: 'Lovelace' }] },
      { direction: 'out', step: 'ask_photo', media: [{ kind: 'video', url: 'https://example.com/tour.mp4' }] },
    ]);
    await open('receipt', { session, width: 1280 });
    const log = page.locator('#log');
    const img = log.getByRole('img', { name: 'Image: menu.png' });
    await img.waitFor();
    await expect.poll(() => img.evaluate((node) => (node as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    expect(await log.locator('li.msg.bot', { has: page.getByRole('img', { name: 'Image: menu.png' }) }).evaluate((li) => li.childNodes[1]?.textContent)).toBe('Our menu');
    const download = log.getByRole('link', { name: 'total.txt (13 B)', exact: true });
    expect(await download.getAttribute('download')).toBe('total.txt');
    const text = await page.request.get(`${f.url}${await download.getAttribute('href')}`);
    expect([text.status(), await text.text()]).toEqual([200, 'Total: 12.50\n']);
    expect(await log.getByText('Big Ben: 51.50070, -0.12460').count()).toBe(1);
    expect(await log.getByRole('link', { name: 'Open 51.50070, -0.12460 on OpenStreetMap' }).getAttribute('href')).toBe('https://www.openstreetmap.org/?mlat=51.5007&mlon=-0.1246#map=16/51.5007/-0.1246');
    const card = log.getByRole('group', { name: 'Contact Ada Lovelace' });
    expect(await card.getByRole('link').getAttribute('href')).toBe('tel:+442079460000');
    // Media on other sites are links: the page loads nothing from elsewhere.
    const link = log.getByRole('link', { name: 'Video: https://example.com/tour.mp4' });
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(await log.locator('video').count()).toBe(0);
    await screenshot(page, 'chat-bot-media');
  });

  it("shows a user's photo once after a reload: the stored file takes the place of the file as sent", async () => {
    const session = newSession('reload-upload');
    expect((await f.post('receipt', { session, text: '/start' })).status).toBe(200);
    const image = await f.media.put([png(30, 120)], { maxBytes: 10_000, name: 'mine.png' });
    if (!image.ok) throw new Error('refused');
    const { id, name, mime, size } = image.file;
    // As the engine writes them: the message with the file as declared, then the turn that stored it.
    await f.addHistory(f.key('receipt', session), [{ direction: 'in', step: 'ask_photo', updateId: 'upload-1', media: [{ kind: 'photo', name, mime, size }] }]);
    await f.addHistory(f.key('receipt', session), [
      { direction: 'in', step: 'ask_photo', media: [{ kind: 'photo', file: image.file }] },
      { direction: 'out', step: 'ask_place', text: 'Where did you buy it?' },
    ]);
    await open('receipt', { session });
    await page.locator('#log li.msg.bot', { hasText: 'Where did you buy it?' }).waitFor();
    const mine = page.locator('#log li.msg.user');
    expect(await mine.count()).toBe(1);
    const img = mine.getByRole('img', { name: 'Photo: mine.png' });
    await expect.poll(() => img.evaluate((node) => (node as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    expect(await img.evaluate((node) => node.getAttribute('src'))).toBe(`/chat/api/bots/receipt/sessions/${session}/media/${id}`);
    expect(await mine.locator('.media-note').count()).toBe(0);
  });

  it('shows media in a dashboard transcript, fetched with the admin token', async () => {
    const session = newSession('dashboard-media');
    expect((await f.post('receipt', { session, text: '/start' })).status).toBe(200);
    const image = await f.media.put([png(20, 77)], { maxBytes: 10_000, name: 'receipt.png' });
    if (!image.ok) throw new Error('refused');
    await f.addHistory(f.key('receipt', session), [
      { direction: 'in', step: 'ask_photo', media: [{ kind: 'photo', file: image.file }] },
      { direction: 'in', step: 'ask_place', media: [{ kind: 'location', latitude: 40.6892, longitude: -74.0445 }] },
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    // The admin API's file route (GET /api/media/:id) answers the page, with the token it sent.
    const authorized: { status: number; authorization: string | null }[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/media/')) authorized.push({ status: response.status(), authorization: response.request().headers()['authorization'] ?? null });
    });
    await page.goto(`${f.url}/dashboard?bot=receipt#token=${MEDIA_ADMIN_TOKEN}`);
    const row = page.locator(`#recent tr[data-chat="${session}"]`);
    await row.getByRole('button', { name: 'Show transcript' }).click();
    const thumb = page.getByRole('img', { name: 'Photo: receipt.png' });
    await thumb.waitFor();
    await expect.poll(() => thumb.evaluate((node) => (node as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
    expect(authorized).toEqual([{ status: 200, authorization: `Bearer ${MEDIA_ADMIN_TOKEN}` }]);
    expect(await page.getByRole('link', { name: 'Open 40.68920, -74.04450 on OpenStreetMap' }).count()).toBe(1);
    await screenshot(page, 'dashboard-transcript-media');
  });
});
