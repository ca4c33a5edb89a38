import type Router from '@koa/router';
import type { Context } from 'koa';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Everything is served from this origin: no CDN, and a script injected through a scenario text could not load
 * or send anything elsewhere. Inline styles are allowed for the graph's SVG, which carries its own <style>.
 * Images, video and audio may also come from blob: URLs, which only the page's own scripts can make: previews of
 * files the user picks, and files the dashboard fetched with its token. Media by URL on other sites are links.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The package root: the nearest folder above this module with the web/ pages (source and built layouts differ). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'web', 'chat.html')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('the web pages (web/chat.html) were not found next to the package');
}

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** Reads the pages and their assets once: a fixed set of files, so no request names a path on disk. */
function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const add = (name: string, file: string): void => {
    const type = TYPES[extname(file)];
    if (!type) return;
    const body = readFileSync(file);
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  };
  for (const f of readdirSync(join(root, 'web'))) add(f, join(root, 'web', f));
  const built = join(root, 'dist', 'web');
  if (!existsSync(built)) throw new Error(`the page scripts are not built (${built}): run npm run build`);
  for (const f of readdirSync(built)) if (f.endsWith('.js')) add(f, join(built, f));
  return assets;
}

/** `/` is the web chat, `/dashboard` the dashboard; their scripts and styles live under /assets/. */
export function mountPages(router: Router): void {
  const assets = loadAssets(packageRoot());
  const serve = (name: string) => (ctx: Context) => {
    const asset = assets.get(name);
    if (!asset) return ctx.throw(404, 'no such file');
    ctx.type = asset.type;
    // Revalidated each time: pages and scripts change together when the package is upgraded.
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('ETag', asset.etag);
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (ctx.get('if-none-match') === asset.etag) {
      ctx.status = 304;
      return;
    }
    ctx.body = asset.body;
  };
  router.get('/', serve('chat.html'));
  router.get('/dashboard', serve('dashboard.html'));
  router.get('/assets/:file', (ctx) => {
    const file = ctx.params['file'] ?? '';
    if (file.endsWith('.html')) return ctx.throw(404, 'no such file');
    return serve(file)(ctx);
  });
}
