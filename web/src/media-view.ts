import { el } from './dom.js';

/** A stored file as the history references it. */
export interface FileRef {
  readonly id: string;
  readonly mime: string;
  readonly size: number;
  readonly name: string;
}

/** A medium of a history entry: a file (stored, by URL, or only declared), a location or a contact. */
export type MediaItem =
  | { readonly kind: 'location'; readonly latitude?: number; readonly longitude?: number; readonly title?: string; readonly address?: string; readonly masked?: boolean }
  | { readonly kind: 'contact'; readonly phone: string; readonly first_name: string; readonly last_name?: string }
  | { readonly kind: string; readonly file?: FileRef; readonly url?: string; readonly name?: string; readonly caption?: string };

type FileItem = Extract<MediaItem, { file?: FileRef }>;

/**
 * Where a stored file's bytes come from: the chat reads them from its session's URL; the dashboard fetches them with
 * its token and shows them from a blob URL.
 */
export type MediaSource = { readonly url: (file: FileRef) => string } | { readonly load: (file: FileRef) => Promise<string> };

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A map of the place on openstreetmap.org. */
export function mapLink(latitude: number, longitude: number): string {
  return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`;
}

/** Only web links are followed; anything else (javascript:, data:) is shown as text. */
function safeUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const visual = (kind: string, mime: string): 'image' | 'video' | 'audio' | 'file' => {
  if ((kind === 'image' || kind === 'photo') && mime.startsWith('image/')) return 'image';
  if (kind === 'video' && mime.startsWith('video/')) return 'video';
  if ((kind === 'audio' || kind === 'voice') && mime.startsWith('audio/')) return 'audio';
  // A document that is an image is still shown as a file: the sender chose to send a file.
  return 'file';
};

/** A decorative icon: not read out, the text next to it says what it is. */
const icon = (glyph: string): HTMLElement => el('span', { class: 'icon', 'aria-hidden': 'true' }, `${glyph} `);

const KIND_LABELS: Record<string, string> = { image: 'Image', photo: 'Photo', video: 'Video', audio: 'Audio', voice: 'Voice message', document: 'Document' };
const labelOf = (kind: string): string => KIND_LABELS[kind] ?? 'File';

function storedFile(m: FileItem, file: FileRef, source: MediaSource): HTMLElement {
  const shown = visual(m.kind, file.mime);
  const label = `${labelOf(m.kind)}: ${file.name}`;
  const describe = `${file.name} (${formatBytes(file.size)})`;
  if ('url' in source) {
    const url = source.url(file);
    if (shown === 'image') return el('a', { href: url, target: '_blank', rel: 'noopener', class: 'media-image' }, el('img', { src: url, alt: label, loading: 'lazy' }));
    if (shown === 'video') return el('video', { src: url, controls: '', preload: 'metadata', 'aria-label': label });
    if (shown === 'audio') return el('audio', { src: url, controls: '', preload: 'metadata', 'aria-label': label });
    return el('a', { href: url, download: file.name, class: 'media-file' }, icon('📄'), describe);
  }
  // Loaded with the admin token: images at once, everything else when asked for.
  if (shown === 'image') {
    const img = el('img', { alt: label, class: 'media-thumb' });
    void source.load(file).then(
      (src) => (img.src = src),
      () => img.replaceWith(el('span', { class: 'media-missing' }, `${label} (not available)`)),
    );
    return img;
  }
  const button = el('button', { type: 'button', class: 'link media-file' }, icon('📄'), `Download ${describe}`);
  button.addEventListener('click', () => {
    void source.load(file).then(
      (src) => {
        const a = el('a', { href: src, download: file.name });
        document.body.append(a);
        a.click();
        a.remove();
      },
      () => (button.textContent = `${describe}: not available`),
    );
  });
  return button;
}

function fileItem(m: FileItem, source: MediaSource): HTMLElement {
  const figure = el('figure', { class: 'media' });
  if (m.file) figure.append(storedFile(m, m.file, source));
  else if (m.url !== undefined) {
    // Media by URL is linked, not embedded: the page loads nothing from other sites (its CSP allows only this one).
    const href = safeUrl(m.url);
    const text = `${labelOf(m.kind)}: ${m.url}`;
    figure.append(href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow', class: 'media-link' }, icon('🔗'), text) : el('span', {}, text));
  } else figure.append(el('span', { class: 'media-note' }, icon('📎'), `${labelOf(m.kind)}${m.name ? `: ${m.name}` : ''}`));
  if (m.caption) figure.append(el('figcaption', {}, m.caption));
  return figure;
}

function location(m: Extract<MediaItem, { kind: 'location' }>): HTMLElement {
  if (m.masked || m.latitude === undefined || m.longitude === undefined) return el('div', { class: 'media location' }, icon('📍'), 'Location (hidden)');
  const coords = `${m.latitude.toFixed(5)}, ${m.longitude.toFixed(5)}`;
  const box = el('div', { class: 'media location' }, el('span', {}, icon('📍'), `${m.title ? `${m.title}: ` : 'Location: '}${coords}`));
  if (m.address) box.append(el('span', { class: 'address' }, m.address));
  box.append(el('a', { href: mapLink(m.latitude, m.longitude), target: '_blank', rel: 'noopener noreferrer', 'aria-label': `Open ${coords} on OpenStreetMap` }, 'Open the map'));
  return box;
}

function contact(m: Extract<MediaItem, { kind: 'contact' }>): HTMLElement {
  const name = [m.first_name, m.last_name].filter(Boolean).join(' ');
  const card = el('div', { class: 'media contact', role: 'group', 'aria-label': `Contact ${name}` }, el('strong', {}, icon('👤'), name));
  const tel = m.phone.replace(/[^\d+]/g, '');
  card.append(tel ? el('a', { href: `tel:${tel}` }, m.phone) : el('span', {}, m.phone));
  return card;
}

/** One medium, as elements made from text only (never HTML). */
export function renderMedia(m: MediaItem, source: MediaSource): HTMLElement {
  if (m.kind === 'location') return location(m as Extract<MediaItem, { kind: 'location' }>);
  if (m.kind === 'contact') return contact(m as Extract<MediaItem, { kind: 'contact' }>);
  return fileItem(m as FileItem, source);
}
