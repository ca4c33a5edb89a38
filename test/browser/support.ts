// Shared by the browser tests: Chromium through playwright-core (never downloaded), a quiet server on a temp
// SQLite file, and screenshots under test-artifacts/screenshots/.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { silentLogger } from '../../runtime/log/index.js';
import { startServer, type RunningServer } from '../../runtime/server/index.js';

export { freePort } from '../support/free-port.js';

/** `SKIP_BROWSER_TESTS=1` turns the browser tests off; otherwise a missing Chromium fails them. */
export const SKIP = process.env['SKIP_BROWSER_TESTS'] === '1';
/** Long enough for a cold page on a slow 2-core machine; every wait is on a condition, never a sleep. */
export const WAIT_MS = 15_000;
export const ADMIN_TOKEN = 'browser-tests-admin-token-0123';
const SHOTS = resolve('test-artifacts', 'screenshots');

// The page's globals, for the callbacks that run in it (this project type-checks without the DOM library).
declare const document: { readonly activeElement: { readonly outerHTML: string } | null };

export const BOTS = {
  'spec-example': 'examples/spec-example.json',
  'signup-validation': 'examples/signup-validation.json',
  'loan-conditions': 'examples/loan-conditions.json',
  'menu-loop': 'examples/menu-loop.scn',
  'order-follow-up': 'examples/order-follow-up.json',
} as const;
export type BotId = keyof typeof BOTS;

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium was not found at ${executablePath}. Install it (apt-get install chromium), point CHROMIUM_PATH at a Chromium binary, ` +
        'or set SKIP_BROWSER_TESTS=1 to skip the browser tests.',
    );
  }
  return chromium.launch({ executablePath, args: ['--no-sandbox'], timeout: 60_000 });
}

/** A page with the waits of these tests; 1280 wide like the screenshots in docs/. */
export async function openPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.png`), fullPage: true }).catch(() => undefined);
}

export interface TestServer {
  readonly server: RunningServer;
  readonly dir: string;
  readonly url: string;
  /** Starts again on the same SQLite file and port (after close). */
  restart(): Promise<TestServer>;
  close(): Promise<void>;
}

/** A server with the example bots on a temp SQLite file; `dir` reuses an earlier server's files. */
export async function startTestServer(options: { dir?: string; port?: number } = {}): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'scenarist-browser-'));
  const config = join(dir, 'scenarist.config.json');
  if (!options.dir) writeFileSync(config, JSON.stringify({ bots: Object.entries(BOTS).map(([id, file]) => ({ id, scenario: resolve(file) })) }));
  const server = await startServer({
    logger: silentLogger(),
    env: {
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATABASE_URL: join(dir, 'db.sqlite'),
      DATA_DIR: dir,
      SCENARIST_CONFIG: config,
      ENCRYPTION_KEY: 'b'.repeat(64),
      ADMIN_TOKEN,
      BOT_FILE_LOGGING: 'false',
      BOT_LOG_LEVEL: 'error',
      // Every test posts from 127.0.0.1.
      WEBCHAT_RATE_LIMIT: '100000',
    },
  });
  let closed = false;
  return {
    server,
    dir,
    url: server.url,
    restart: () => startTestServer({ dir, port: server.port }),
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
}

let sessions = 0;
/** A web chat session id (16+ characters of A-Za-z0-9_-), unique in this process. */
export const newSession = (label: string): string => `${label}-${process.pid}-${++sessions}-${Date.now()}`.replace(/[^A-Za-z0-9_-]/g, '-').padEnd(16, '0');

let messageIds = 0;
/** Posts one message or button press as the chat page does. */
export async function post(url: string, bot: string, session: string, message: { text: string } | { press: string }): Promise<void> {
  const response = await fetch(`${url}/chat/api/bots/${bot}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ session, id: `m${++messageIds}x${process.pid}`, ...message }),
  });
  if (!response.ok) throw new Error(`POST ${bot} ${JSON.stringify(message)}: HTTP ${response.status} ${await response.text()}`);
}

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails after `max` presses. Tab wraps around the page. */
export async function tabTo(page: Page, target: Locator, { back = false, max = 30 } = {}): Promise<number> {
  for (let presses = 0; presses <= max; presses++) {
    if (await target.evaluate((node) => node === document.activeElement)) return presses;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  const active = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`Tab did not reach the element in ${max} presses; the focus is on ${active}`);
}
