// The dashboard in headless Chromium, after dialogs scripted through the web chat API: graph, live counts,
// funnel, rate chart, transcripts, live refresh, sign-in and keyboard access.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, launchBrowser, newSession, openPage, post, screenshot, SKIP, startTestServer, tabTo, WAIT_MS, type TestServer } from './support.js';

const HOOK_MS = 60_000;
const BOT = 'spec-example';
const STEPS = ['welcome', 'ask_name', 'greet_with_name', 'provide_info', 'goodbye', 'help'];

// The page's globals, for the callbacks that run in it (this project type-checks without the DOM library).
declare const document: { readonly activeElement: { readonly id: string } | null };
declare const window: { marker?: number };

/** Badge numbers by step; a step whose badge is hidden (class empty) counts 0. */
function badges(page: Page): Promise<Record<string, number>> {
  return page.$$eval('#graph svg [data-count-for]', (nodes) =>
    Object.fromEntries(nodes.map((g) => [g.getAttribute('data-count-for'), g.classList.contains('empty') ? 0 : Number(g.querySelector('text')?.textContent)])),
  );
}

/** Funnel rows as [step, reached, stopped, drop-off]. */
function funnel(page: Page): Promise<string[][]> {
  return page.$$eval('#funnel tbody tr[data-step]', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
}

describe.skipIf(SKIP)('the dashboard', () => {
  let browser: Browser;
  let server: TestServer;
  let page: Page | undefined;
  const chat: Record<'waiting' | 'ann' | 'bob' | 'cy' | 'dee', string> = {
    waiting: newSession('waiting'),
    ann: newSession('ann'),
    bob: newSession('bob'),
    cy: newSession('cy'),
    dee: newSession('dee'),
  };

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
    const say = (session: string, message: { text: string } | { press: string }) => post(server.url, BOT, session, message);
    // Two dialogs wait for a button, one for a name, two have ended (one through each button).
    for (const session of Object.values(chat)) await say(session, { text: '/start' });
    for (const [key, name] of [['ann', 'Ann'], ['bob', 'Bob'], ['cy', 'Cy'], ['dee', 'Dee']] as const) await say(chat[key], { text: name });
    await say(chat.cy, { press: 'more_info' });
    await say(chat.dee, { press: 'end' });
  }, HOOK_MS);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, HOOK_MS);
  afterEach(async ({ task }) => {
    if (page && task.result?.state === 'fail') await screenshot(page, `dashboard-failed-${task.name}`);
    await page?.context().close();
    page = undefined;
  });

  async function openBoard(): Promise<Page> {
    const p = await openPage(browser);
    await p.goto(`${server.url}/dashboard?bot=${BOT}#token=${ADMIN_TOKEN}`);
    await p.locator('#graph svg').waitFor();
    await p.locator('#recent tbody tr[data-chat]').first().waitFor();
    return p;
  }

  it('shows the graph, the live counts, the funnel, the rate chart and the recent dialogs, and follows new messages live', async () => {
    page = await openBoard();
    // The token link is read once and leaves the address bar.
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.$$eval('#graph svg [data-step]', (nodes) => nodes.map((n) => n.getAttribute('data-step')).sort())).toEqual([...STEPS].sort());
    await expect.poll(() => badges(page!)).toEqual({ welcome: 0, ask_name: 1, greet_with_name: 2, provide_info: 0, goodbye: 0, help: 0 });
    expect(await page.textContent('#live-total')).toBe('3 live dialogs in all.');
    expect(await funnel(page)).toEqual([
      ['welcome', '5', '0', '0%'],
      ['ask_name', '5', '1', '20%'],
      ['greet_with_name', '4', '2', '50%'],
      ['provide_info', '1', '0', '0%'],
      ['goodbye', '2', '0', '0%'],
      ['help', '0', '0', '—'],
    ]);
    expect(await page.textContent('#funnel-summary')).toBe('5 conversations in the last 24 hours; 2 finished (40%).');
    // 11 messages received (5 /start, 4 names, 2 presses) and 17 sent.
    expect(await page.textContent('#rate-summary')).toMatch(/; 28 in the last hour/);
    const bars = await page.$$eval('#rate svg rect', (rects) => rects.map((r) => Number(r.getAttribute('height'))));
    expect(bars).toHaveLength(120);
    expect(bars.filter((h) => h > 0).length).toBeGreaterThan(0);
    const rows = await page.$$eval('#recent tbody tr[data-chat]', (trs) => trs.map((tr) => [tr.getAttribute('data-chat'), ...[...tr.cells].slice(1, 4).map((td) => td.textContent)]));
    expect(rows).toHaveLength(5);
    // An ended dialog has no current step.
    expect(rows).toContainEqual([chat.cy, 'webchat', '—', 'ended']);
    expect(rows).toContainEqual([chat.waiting, 'webchat', 'ask_name', 'active']);
    await screenshot(page, 'dashboard-board');

    // Live: one more answer moves a dialog on; the page follows without a reload.
    await page.evaluate(() => (window.marker = 1));
    await post(server.url, BOT, chat.waiting, { text: 'Zed' });
    await expect.poll(() => badges(page!), { timeout: WAIT_MS }).toEqual({ welcome: 0, ask_name: 0, greet_with_name: 3, provide_info: 0, goodbye: 0, help: 0 });
    await expect.poll(() => funnel(page!), { timeout: WAIT_MS }).toContainEqual(['greet_with_name', '5', '3', '60%']);
    expect(await funnel(page)).toContainEqual(['ask_name', '5', '0', '0%']);
    expect(await page.textContent('#rate-summary')).toMatch(/; 30 in the last hour/);
    expect(await page.evaluate(() => window.marker)).toBe(1);
  });

  it('opens a transcript with the keyboard, and the focus survives a live refresh', async () => {
    page = await openBoard();
    const row = page.locator(`#recent tr[data-chat="${chat.cy}"]`);
    const toggle = row.getByRole('button', { name: 'Show transcript' });
    await tabTo(page, toggle, { max: 60 });
    await page.keyboard.press('Enter');
    const open = row.getByRole('button', { name: 'Hide transcript' });
    expect(await open.getAttribute('aria-expanded')).toBe('true');
    // The panel the button controls (its id follows the row's place, which a refresh may change).
    const transcriptOf = async () => page!.locator(`#${await open.getAttribute('aria-controls')} ol.transcript`);
    const transcript = await transcriptOf();
    await transcript.waitFor();
    const lines = await transcript.locator('li').evaluateAll((items) => items.map((li) => li.lastChild?.textContent));
    expect(lines).toEqual(['/start', 'Welcome to our bot!', "What's your name?", 'Cy', 'Nice to meet you, Cy!', '[pressed Tell me more]', expect.stringMatching(/^This bot was built/), 'Goodbye, Cy!']);
    await screenshot(page, 'dashboard-transcript');

    // A message elsewhere re-renders the table; a keyboard user must not be thrown back to the top of the page.
    const rows = await page.locator('#recent tbody tr[data-chat]').count();
    await post(server.url, BOT, newSession('late'), { text: '/start' });
    await expect.poll(() => page!.locator('#recent tbody tr[data-chat]').count(), { timeout: WAIT_MS }).toBe(rows + 1);
    // A refresh can be followed by another (a push notice, then the follow-up): the focus must be on the button after them.
    await expect.poll(() => open.evaluate((node) => node === document.activeElement), { timeout: WAIT_MS }).toBe(true);
    expect(await (await transcriptOf()).isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await row.getByRole('button', { name: 'Show transcript' }).getAttribute('aria-expanded')).toBe('false');
  });

  it('reaches every control with Tab', async () => {
    page = await openBoard();
    for (const id of ['bot', 'live-window', 'funnel-window', 'sign-out']) await tabTo(page, page.locator(`#${id}`));
    // The steps of the graph are focusable too, each named with its live count.
    const step = page.locator('#graph [data-step="greet_with_name"]');
    await tabTo(page, step);
    expect(await step.getAttribute('aria-label')).toMatch(/ \d+ live dialogs?$/);
  });

  it('signs in with a #token= link pasted into a tab that is already on the dashboard', async () => {
    page = await openPage(browser);
    await page.goto(`${server.url}/dashboard?bot=${BOT}`);
    await page.locator('#login').waitFor();
    await page.evaluate(() => (window.marker = 1));
    // Only the hash differs: the browser does not load the page again.
    await page.goto(`${server.url}/dashboard?bot=${BOT}#token=${ADMIN_TOKEN}`);
    await page.locator('#graph svg').waitFor({ timeout: WAIT_MS });
    expect(await page.isHidden('#login')).toBe(true);
    expect(await page.evaluate(() => window.marker)).toBe(1);
    // The token leaves the address bar, as with a link opened in a new tab.
    expect(new URL(page.url()).hash).toBe('');
  });

  it('refuses a wrong token at sign-in and opens the board with the right one', async () => {
    page = await openPage(browser);
    // A fake clock (that still runs) lets the test skip ahead to the dashboard's 30 s refresh.
    await page.clock.install();
    await page.goto(`${server.url}/dashboard?bot=${BOT}`);
    await page.locator('#login').waitFor();
    expect(await page.isHidden('#board')).toBe(true);
    // The sign-in form takes the focus: type and press Enter.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    await page.keyboard.type('not-the-admin-token-at-all');
    await page.keyboard.press('Enter');
    await expect.poll(() => page!.textContent('#login-error')).toBe('The admin token was refused. Enter the current one.');
    expect(await page.isHidden('#board')).toBe(true);
    await screenshot(page, 'dashboard-sign-in-refused');

    await page.fill('#token', ADMIN_TOKEN);
    await page.press('#token', 'Enter');
    await page.locator('#graph svg').waitFor();
    expect(await page.isHidden('#login')).toBe(true);
    expect(await page.$$eval('#funnel tbody tr[data-step]', (rows) => rows.length)).toBe(STEPS.length);
    // Signed out, the board stops refreshing: no refusal shows up later in the sign-in form.
    await page.click('#sign-out');
    await page.locator('#login').waitFor();
    const calls: string[] = [];
    page.on('request', (r) => calls.push(new URL(r.url()).pathname));
    await page.clock.runFor(65_000);
    // A request of ours after the timers: any the page made before it has been seen by then.
    expect(await page.evaluate(() => fetch('/healthz').then((r) => r.status))).toBe(200);
    expect(calls.filter((path) => path.startsWith('/api/'))).toEqual([]);
    expect(await page.textContent('#login-error')).toBe('');
    expect(await page.isHidden('#board')).toBe(true);
    // The token is forgotten: a reload asks again.
    await page.reload();
    await page.locator('#login').waitFor();
  });

  it("shows a dialog's pending timers, earliest first, under its transcript", async () => {
    const timed = 'order-follow-up';
    const session = newSession('pending');
    await post(server.url, timed, session, { text: '/start' });
    const read = await fetch(`${server.url}/api/bots/${timed}/dialogs/webchat/${session}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const { agenda } = (await read.json()) as { agenda: { name: string; due: number; step: string | null }[] };
    expect(agenda.map((e) => e.name)).toEqual(['reminder', 'timeout', 'expire']);
    page = await openPage(browser);
    await page.goto(`${server.url}/dashboard?bot=${timed}#token=${ADMIN_TOKEN}`);
    const row = page.locator(`#recent tr[data-chat="${session}"]`);
    await row.getByRole('button', { name: 'Show transcript' }).click();
    const items = page.locator(`ol.agenda-list[aria-label="Pending timers of chat ${session}"] li`);
    await items.first().waitFor();
    const shown = await items.evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-timer'), Number(li.getAttribute('data-due')), li.textContent]));
    expect(shown.map(([name, due]) => [name, due])).toEqual(agenda.map((e) => [e.name, e.due]));
    expect(shown.map(([, , text]) => text)).toEqual([
      expect.stringMatching(/^Reminder 1 · due .* \(in 2 min\) · step ask_order$/),
      expect.stringMatching(/^Timeout · due .* \(in 10 min\) · step ask_order$/),
      expect.stringMatching(/^Idle expiry · due .* \(in 7 d\)$/),
    ]);
    await screenshot(page, 'dashboard-pending-timers');
  });

  it('tells apart web chat sessions whose ids start alike, with the whole id in the title', async () => {
    const prefix = newSession('same-start-of-a-long-id');
    const sessions = [`${prefix}-first-one`, `${prefix}-second-one`];
    for (const s of sessions) await post(server.url, BOT, s, { text: '/start' });
    page = await openBoard();
    const cells = await page.$$eval('#recent tbody tr[data-chat] td:first-child', (tds) => tds.map((td) => [td.textContent, td.getAttribute('title')]));
    const ours = cells.filter(([, title]) => title !== null && title.startsWith(prefix));
    expect(ours.map(([, title]) => title).sort()).toEqual([...sessions].sort());
    expect(new Set(ours.map(([text]) => text)).size).toBe(2);
  });
});
