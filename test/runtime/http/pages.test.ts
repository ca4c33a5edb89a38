import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFixture, type AppFixture } from './app-fixture.js';

let f: AppFixture;
beforeAll(async () => {
  f = await appFixture();
});
afterAll(async () => {
  await f.close();
});

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const etagOf = (body: Buffer) => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${f.url}${path}`, { headers });

describe('pages and assets', () => {
  it.each([
    ['/', 'text/html; charset=utf-8'],
    ['/dashboard', 'text/html; charset=utf-8'],
    ['/assets/chat.js', 'text/javascript; charset=utf-8'],
    ['/assets/dashboard.js', 'text/javascript; charset=utf-8'],
    ['/assets/base.css', 'text/css; charset=utf-8'],
    ['/assets/favicon.svg', 'image/svg+xml'],
  ])('%s is served with its type, the security headers and an ETag of its content', async (path, type) => {
    const r = await get(path);
    const body = Buffer.from(await r.arrayBuffer());
    expect(r.status).toBe(200);
    expect(body.length).toBeGreaterThan(0);
    expect({
      type: r.headers.get('content-type'),
      csp: r.headers.get('content-security-policy'),
      nosniff: r.headers.get('x-content-type-options'),
      referrer: r.headers.get('referrer-policy'),
      cache: r.headers.get('cache-control'),
      etag: r.headers.get('etag'),
    }).toEqual({ type, csp: CSP, nosniff: 'nosniff', referrer: 'no-referrer', cache: 'no-cache', etag: etagOf(body) });
  });

  it('pages are HTML documents that load their scripts from this origin', async () => {
    for (const [path, script] of [
      ['/', '/assets/chat.js'],
      ['/dashboard', '/assets/dashboard.js'],
    ] as const) {
      const html = await (await get(path)).text();
      expect(html.slice(0, 15).toLowerCase(), path).toBe('<!doctype html>');
      expect(html, path).toContain(`src="${script}"`);
    }
  });

  it('answers 304 to a matching If-None-Match and 200 to a stale one', async () => {
    for (const path of ['/', '/dashboard', '/assets/chat.js']) {
      const first = await get(path);
      const etag = first.headers.get('etag')!;
      await first.arrayBuffer();
      const again = await get(path, { 'if-none-match': etag });
      expect([again.status, await again.text(), again.headers.get('etag'), again.headers.get('content-security-policy')], path).toEqual([304, '', etag, CSP]);
      const stale = await get(path, { 'if-none-match': '"stale"' });
      expect(stale.status, path).toBe(200);
      await stale.arrayBuffer();
    }
  });

  it.each(['/assets/nope.js', '/assets/chat.html', '/assets/dashboard.html', '/assets/chat.js.map', '/assets/..%2fpackage.json', '/assets/%2e%2e%2fpackage.json', '/assets/..%2F..%2Fpackage.json', '/assets/%2Fetc%2Fpasswd'])(
    '%s is not found',
    async (path) => {
      const r = await get(path);
      expect([r.status, await r.json()]).toEqual([404, { error: { code: 'NOT_FOUND', message: 'no such file' } }]);
    },
  );

  it('does not serve paths outside /assets', async () => {
    for (const path of ['/assets/../package.json', '/package.json', '/web/chat.html', '/dist/web/chat.js']) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(await r.text(), path).not.toContain('"name": "scenarist"');
    }
  });
});
