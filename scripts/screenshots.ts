// Regenerates docs/screenshots/chat.png and dashboard.png: run with `npm run screenshots` (needs Chromium:
// apt-get install chromium, or CHROMIUM_PATH). The bots of scenarist.config.json run on a temp SQLite file, and a
// clock running behind the real one spreads the scripted dialogs over the last hour.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { silentLogger } from '../runtime/log/index.js';
import { startServer } from '../runtime/server/index.js';

const BOT = 'loan-conditions';
const OUT = resolve('docs', 'screenshots');
const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const MINUTE = 60_000;

// The page's globals, for the callbacks that run in it (this project type-checks without the DOM library).
declare const document: { readonly activeElement: { blur?: () => void } | null };
declare const localStorage: { getItem(key: string): string | null };

type Turn = { text: string } | { press: string };
const text = (t: string): Turn => ({ text: t });
const press = (value: string): Turn => ({ press: value });

/** Dialogs of the loan bot, oldest first: some finished through each ending, some still waiting at a question. */
const DIALOGS: Turn[][] = [
  [text('/start'), text('6200'), text('41'), press('home')],
  [text('/start'), text('3500'), text('29'), press('car')],
  [text('/start'), text('about 2k'), text('2000'), text('44'), press('car')],
  [text('/start'), text('800'), text('19'), press('education')],
  [text('/start'), text('4100'), text('35'), press('education')],
  [text('/start'), text('1200'), text('16')],
  [text('/start'), text('/help'), text('5400'), text('52'), press('home')],
  [text('/start'), text('3900'), text('33')],
  [text('/start'), text('2750,50'), text('27')],
  [text('/start'), text('4800')],
  [text('/start'), text('5100')],
  [text('/start')],
];

const executablePath = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`Chromium was not found at ${executablePath}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'scenarist-screenshots-'));
let behind = 58 * MINUTE;
const server = await startServer({
  logger: silentLogger(),
  clock: () => Date.now() - behind,
  env: {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: join(dir, 'db.sqlite'),
    DATA_DIR: dir,
    SCENARIST_CONFIG: resolve('scenarist.config.json'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ADMIN_TOKEN,
    BOT_FILE_LOGGING: 'false',
    BOT_LOG_LEVEL: 'error',
    SCENARIO_REFRESH_SECONDS: '0',
  },
});
try {
  await scriptDialogs(server.url);
  behind = 0;
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    mkdirSync(OUT, { recursive: true });
    const session = await shootChat(browser, server.url);
    await shootDashboard(browser, server.url, session);
    console.log(`wrote ${join(OUT, 'chat.png')} and ${join(OUT, 'dashboard.png')}`);
  } finally {
    await browser.close();
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Posts DIALOGS as the chat page would: a turn every half minute, dialogs minutes apart, the last 2 minutes ago. */
async function scriptDialogs(url: string): Promise<void> {
  const gap = Math.floor((behind - 2 * MINUTE) / DIALOGS.length);
  for (const turns of DIALOGS) {
    const session = randomBytes(18).toString('base64url');
    for (const [i, turn] of turns.entries()) {
      const response = await fetch(`${url}/chat/api/bots/${BOT}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ session, id: `m${i}`, ...turn }),
      });
      if (!response.ok) throw new Error(`${JSON.stringify(turn)}: HTTP ${response.status} ${await response.text()}`);
      behind -= 30_000;
    }
    behind -= gap - turns.length * 30_000;
  }
}

/** One dialog typed and clicked in the page, with a refused answer; returns its session id. */
async function shootChat(browser: Browser, url: string): Promise<string> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(20_000);
  await page.goto(`${url}/?bot=${BOT}`);
  await botSays(page, 'What is your monthly income in USD?');
  for (const [answer, reply] of [
    ['around 4k', 'Please enter your monthly income as a number, e.g. 3500 or 2750,50.'],
    ['4200', 'How old are you?'],
    ['34', 'What is the loan for?'],
  ] as const) {
    await page.fill('#text', answer);
    await page.press('#text', 'Enter');
    await botSays(page, reply);
  }
  await page.locator('#log .choices').last().getByRole('button', { name: 'Home' }).click();
  await botSays(page, 'Good news: you qualify for our home loan with a 20-year term!');
  await page.locator('#log li.note', { hasText: 'The conversation has ended.' }).waitFor();
  // No focus ring in the picture.
  await page.evaluate(() => document.activeElement?.blur?.());
  await page.screenshot({ path: join(OUT, 'chat.png') });
  const session = await page.evaluate((bot) => localStorage.getItem(`scenarist.webchat.session.${bot}`), BOT);
  if (!session) throw new Error('the chat page kept no session id');
  return session;
}

/** The whole dashboard, tall enough for the graph not to scroll, with the web chat's transcript open. */
async function shootDashboard(browser: Browser, url: string, session: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  page.setDefaultTimeout(20_000);
  await page.goto(`${url}/dashboard?bot=${BOT}#token=${ADMIN_TOKEN}`);
  await page.locator('#graph svg').waitFor();
  await page.locator(`#recent tr[data-chat="${session}"]`).getByRole('button', { name: 'Show transcript' }).click();
  await page.locator('#recent ol.transcript li').last().waitFor();
  await page.evaluate(() => document.activeElement?.blur?.());
  await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true });
}

async function botSays(page: Page, message: string): Promise<void> {
  await page.locator('#log li.msg.bot', { hasText: message }).last().waitFor();
}
