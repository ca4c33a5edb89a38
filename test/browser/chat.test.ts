// The web chat in headless Chromium: whole dialogs by mouse and by keyboard, reload, server restart, escaping.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, launchBrowser, openPage, screenshot, SKIP, startTestServer, tabTo, WAIT_MS, type TestServer } from './support.js';

const HOOK_MS = 60_000;

// The page's globals, for the callbacks that run in it (this project type-checks without the DOM library).
declare const document: { readonly activeElement: { readonly id: string } | null };
declare const localStorage: { getItem(key: string): string | null };

/** The log as lines "bot: …", "user: …", "note: …": the visible text of each entry, without the buttons. */
function logLines(page: Page): Promise<string[]> {
  return page.$$eval('#log > li', (items) =>
    items.map((li) => {
      const kind = ['bot', 'user', 'note'].find((k) => li.classList.contains(k)) ?? li.className;
      const text = [...li.childNodes].filter((n) => n.nodeType === 3 /* a text node */).map((n) => n.textContent).join('');
      return `${kind}: ${text}`;
    }),
  );
}

/** Waits until the log ends with `lines` (the newest entries). */
async function waitForTail(page: Page, ...lines: string[]): Promise<void> {
  await expect.poll(async () => (await logLines(page)).slice(-lines.length), { timeout: WAIT_MS }).toEqual(lines);
}

/** The button with this label in the choices of the newest bot message. */
const latestChoice = (page: Page, label: string) => page.locator('#log li.msg.bot .choices').last().getByRole('button', { name: label, exact: true });

describe.skipIf(SKIP)('the web chat page', () => {
  let browser: Browser;
  let server: TestServer;
  let page: Page;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
  }, HOOK_MS);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, HOOK_MS);
  afterEach(async ({ task }) => {
    if (page && task.result?.state === 'fail') await screenshot(page, `chat-failed-${task.name}`);
    await page?.context().close();
  });

  it('plays the menu loop to its end, pressing buttons with the mouse and with the keyboard alone', async () => {
    page = await openPage(browser);
    await page.goto(`${server.url}/?bot=menu-loop`);
    await waitForTail(page, 'note: Conversation started', 'bot: Welcome to Scenarist Cafe!', 'bot: Menu, visit 1. Last viewed: Nothing yet.');
    expect(await page.locator('#log .choices').last().getByRole('button').allTextContents()).toEqual(['Drinks', 'Food', 'Exit']);

    await latestChoice(page, 'Drinks').click();
    await waitForTail(page, 'user: Drinks', 'bot: Drinks: coffee, tea, lemonade.', 'bot: Menu, visit 2. Last viewed: Drinks.');
    // The answered choices are closed; only the newest can be pressed.
    expect(await page.locator('#log .choices').first().getByRole('button', { disabled: false }).count()).toBe(0);

    // Keyboard only: pressing a button gave the focus back to the message box; Shift+Tab goes back to the choices.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('text');
    await tabTo(page, latestChoice(page, 'Food'), { back: true });
    await page.keyboard.press('Enter');
    await waitForTail(page, 'user: Food', 'bot: Food: soup, salad, pancakes.', 'bot: Menu, visit 3. Last viewed: Food.');
    await tabTo(page, latestChoice(page, 'Exit'), { back: true });
    await page.keyboard.press('Space');
    await waitForTail(page, 'user: Exit', 'bot: Goodbye! Menu visits: 3.', 'note: The conversation has ended. ');
    await screenshot(page, 'chat-menu-loop-ended');

    const again = page.locator('#log li.note').last().getByRole('button', { name: 'Start again' });
    await tabTo(page, again, { back: true });
    await page.keyboard.press('Enter');
    await waitForTail(page, 'note: Conversation started', 'bot: Welcome to Scenarist Cafe!', 'bot: Menu, visit 1. Last viewed: Nothing yet.');
  });

  it('is driven by the keyboard alone through typed answers, retries included, to the end', async () => {
    page = await openPage(browser);
    await page.goto(`${server.url}/?bot=signup-validation`);
    await waitForTail(page, "bot: Let's create your account. Send /cancel at any time to stop.", 'bot: How old are you?');
    // The message box has the focus from the start: type and press Enter, nothing else.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('text');
    const answer = async (text: string) => {
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
    };
    await answer('twelve');
    await waitForTail(page, 'user: twelve', 'bot: Please enter your age as a whole number between 13 and 120.');
    await answer('34');
    await waitForTail(page, 'user: 34', "bot: What's your email address?");
    await answer('Ann@Example.com');
    await waitForTail(page, 'user: Ann@Example.com', 'bot: And your phone number?');
    await answer('+1 555 123 4567');
    await waitForTail(page, 'user: +1 555 123 4567', 'bot: All set! Age: 34, email: ann@example.com, phone: +15551234567.', 'note: The conversation has ended. ');
    expect(await page.inputValue('#text')).toBe('');
    expect(await page.locator('#log li.msg.user.pending').count()).toBe(0);
  });

  it('announces the conversation: a polite live log that new bot messages are appended to', async () => {
    page = await openPage(browser);
    await page.goto(`${server.url}/?bot=spec-example`);
    const log = page.locator('#log');
    expect(await log.getAttribute('role')).toBe('log');
    expect(await log.getAttribute('aria-live')).toBe('polite');
    await waitForTail(page, 'bot: Welcome to our bot!', "bot: What's your name?");
    const before = await log.locator('li.msg.bot').count();
    await page.$eval('#log > li', (li) => li.setAttribute('data-seen', 'yes'));
    await page.keyboard.type('Ann');
    await page.keyboard.press('Enter');
    await waitForTail(page, 'user: Ann', 'bot: Nice to meet you, Ann!');
    // Appended, not re-rendered (a screen reader would read it all again): the first entry is the same node.
    expect(await log.locator('li.msg.bot').count()).toBe(before + 1);
    expect(await page.locator('#log > li').first().getAttribute('data-seen')).toBe('yes');
    expect(await page.locator('#log > li:last-child').evaluate((li) => li.classList.contains('bot'))).toBe(true);
    // The skip link, the first stop of the page, leads to the message box.
    await tabTo(page, page.locator('.skip-link'), { back: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('text');
    // Every control is reachable with Tab, the choices included.
    for (const id of ['bot', 'restart']) await tabTo(page, page.locator(`#${id}`));
    await tabTo(page, latestChoice(page, 'Goodbye'));
    for (const id of ['text', 'send']) await tabTo(page, page.locator(`#${id}`));
  });

  it('keeps the transcript over a reload, without duplicates, and goes on where it was', async () => {
    page = await openPage(browser);
    await page.goto(`${server.url}/?bot=spec-example`);
    await waitForTail(page, "bot: What's your name?");
    await page.fill('#text', 'Ann');
    await page.press('#text', 'Enter');
    await waitForTail(page, 'user: Ann', 'bot: Nice to meet you, Ann!');
    const before = await logLines(page);
    const session = await page.evaluate(() => localStorage.getItem('scenarist.webchat.session.spec-example'));

    await page.reload();
    await waitForTail(page, 'bot: Nice to meet you, Ann!');
    // Wait for the stream to be ready: a second /start would show up as a new note.
    await expect.poll(() => page.locator('#log .choices button:enabled').count()).toBe(2);
    expect(await logLines(page)).toEqual(before);
    expect(await page.evaluate(() => localStorage.getItem('scenarist.webchat.session.spec-example'))).toBe(session);

    await latestChoice(page, 'Tell me more').click();
    await waitForTail(page, 'user: Tell me more', 'bot: This bot was built with Scenarist: a JSON scenario compiled into a state machine.', 'bot: Goodbye, Ann!', 'note: The conversation has ended. ');
    expect((await logLines(page)).filter((l) => l === 'note: Conversation started')).toHaveLength(1);
  });

  it('shows hostile text as text, never as HTML', async () => {
    page = await openPage(browser);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${server.url}/?bot=spec-example`);
    await waitForTail(page, "bot: What's your name?");
    const hostile = '<img src=x onerror=alert(1)><b>bold</b>';
    await page.fill('#text', hostile);
    await page.press('#text', 'Enter');
    await waitForTail(page, `user: ${hostile}`, `bot: Nice to meet you, ${hostile}!`);
    expect(await page.locator('#log img, #log b').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });
});

describe.skipIf(SKIP)('the web chat across a server restart', () => {
  let browser: Browser;
  let server: TestServer | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  }, HOOK_MS);
  afterAll(async () => {
    await page?.context().close();
    await browser?.close();
    await server?.close();
  }, HOOK_MS);
  afterEach(async ({ task }) => {
    if (page && task.result?.state === 'fail') await screenshot(page, `chat-failed-${task.name}`);
  });

  it('reconnects by itself to a server restarted on the same database and port, and the dialog goes on', async () => {
    server = await startTestServer({ port: await freePort() });
    const url = server.url;
    page = await openPage(browser);
    await page.goto(`${url}/?bot=spec-example`);
    await waitForTail(page, "bot: What's your name?");
    await page.fill('#text', 'Bob');
    await page.press('#text', 'Enter');
    await waitForTail(page, 'user: Bob', 'bot: Nice to meet you, Bob!');
    const before = await logLines(page);

    await server.close();
    await expect.poll(() => page!.textContent('#status')).toBe('Reconnecting…');
    // A press while the server is down fails visibly and can be retried.
    await latestChoice(page, 'Goodbye').click();
    const pressed = page.locator('#log li.msg.user').last();
    await pressed.locator('button.retry').waitFor();
    expect(await pressed.getAttribute('class')).toContain('failed');
    expect(await page.textContent('#status')).toBe('The message could not be sent: no connection.');

    server = await server.restart();
    expect(server.url).toBe(url);
    // The page is not reloaded: the EventSource reconnects and resumes after the last revision it saw.
    await expect.poll(() => page!.textContent('#status'), { timeout: WAIT_MS }).toBe('');
    await pressed.locator('button.retry').click();
    await waitForTail(page, 'user: Goodbye', 'bot: Goodbye, Bob!', 'note: The conversation has ended. ');
    expect(await logLines(page)).toEqual([...before, 'user: Goodbye', 'bot: Goodbye, Bob!', 'note: The conversation has ended. ']);
    expect(await pressed.getAttribute('class')).toBe('msg user');
  });
});
