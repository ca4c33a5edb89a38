import type Router from '@koa/router';
import type { Context } from 'koa';
import { isMediaId, type MediaStore } from '../media/index.js';
import type { StoredFile } from '../engine/index.js';
import { param } from './admin-context.js';

/** Types a browser may show inline; anything else is a download. */
const INLINE = /^(image|video|audio)\//;

/** `Content-Disposition` with the name quoted for old clients (ASCII, no quotes or backslashes) and exact in filename*. */
export function contentDisposition(file: Pick<StoredFile, 'mime' | 'name'>): string {
  const type = INLINE.test(file.mime) && file.mime !== 'image/svg+xml' ? 'inline' : 'attachment';
  const ascii = file.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/**
 * Streams a stored file with headers that keep a browser from running it: its stored type, nosniff, a sandbox
 * policy, and inline only for images, video and audio (an SVG can hold scripts: it is a download).
 */
export async function sendStoredFile(ctx: Context, media: MediaStore, id: string): Promise<void> {
  if (!isMediaId(id)) return ctx.throw(404, 'no such file: a file id is the 64 hex digits of its sha256');
  const file = await media.stat(id);
  const body = file && (await media.open(id));
  if (!file || !body) return ctx.throw(404, 'no such file');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', 'sandbox');
  ctx.set('Content-Disposition', contentDisposition(file));
  ctx.set('Cache-Control', 'private, max-age=31536000, immutable');
  ctx.type = file.mime;
  ctx.body = body;
  ctx.length = file.size;
}

/** GET /api/media/:id: a stored file, for the admin (behind the bearer token of /api). */
export function mountAdminMedia(router: Router, deps: { readonly media: MediaStore }): void {
  router.get('/api/media/:id', (ctx) => sendStoredFile(ctx, deps.media, param(ctx, 'id')));
}
