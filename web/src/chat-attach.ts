import { byId, el } from './dom.js';
import { formatBytes } from './media-view.js';

/** What the step waits for besides text (the server's `state` event). */
export interface Expects {
  readonly files?: { readonly kinds: readonly string[]; readonly maxBytes: number; readonly accept?: readonly string[]; readonly minCount: number; readonly maxCount: number };
  readonly location: boolean;
  readonly contact: boolean;
}

/** What the chat gives these controls: where to upload, and how to show and post a message. */
export interface AttachHost {
  uploadUrl(): string;
  /** A pending bubble of the user's, with these nodes in it. */
  bubble(text: string, ...nodes: Node[]): HTMLLIElement;
  post(body: Record<string, unknown>, bubble: HTMLLIElement): void;
  setStatus(text: string, error?: boolean): void;
  focusMessage(): void;
}

const attach = byId<HTMLButtonElement>('attach');
const picker = byId<HTMLInputElement>('file');
const locate = byId<HTMLButtonElement>('locate');
const typeCoords = byId<HTMLButtonElement>('type-location');
const hint = byId<HTMLParagraphElement>('expects');
const manual = byId<HTMLFormElement>('manual-location');
const latitude = byId<HTMLInputElement>('latitude');
const longitude = byId<HTMLInputElement>('longitude');
const cancelManual = byId<HTMLButtonElement>('manual-cancel');
const shareContact = byId<HTMLButtonElement>('share-contact');
const contactForm = byId<HTMLFormElement>('contact-form');
const contactFirst = byId<HTMLInputElement>('contact-first');
const contactLast = byId<HTMLInputElement>('contact-last');
const contactPhone = byId<HTMLInputElement>('contact-phone');
const cancelContact = byId<HTMLButtonElement>('contact-cancel');

const KIND_NAMES: Record<string, string> = { photo: 'a photo', video: 'a video', audio: 'an audio file', voice: 'a voice message', document: 'a file' };

let expects: Expects | undefined;

/** Whether `type` is one of `accept` (exact, or `image/*`); an unknown type is left to the server. */
function accepted(type: string, accept: readonly string[] | undefined): boolean {
  if (!accept || type === '') return true;
  const t = type.toLowerCase();
  return accept.some((a) => (a.endsWith('/*') ? t.startsWith(a.slice(0, -1).toLowerCase()) : t === a.toLowerCase()));
}

const list = (items: readonly string[]): string => (items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

/** Shows the controls the step asks for, with their limits in words. */
export function showExpects(next: Expects | undefined): void {
  expects = next;
  const files = next?.files;
  attach.hidden = !files;
  locate.hidden = typeCoords.hidden = !next?.location;
  if (!next?.location) manual.hidden = true;
  shareContact.hidden = !next?.contact;
  if (!next?.contact) contactForm.hidden = true;
  const parts: string[] = [];
  if (files) {
    const what = list(files.kinds.map((k) => KIND_NAMES[k] ?? k));
    attach.setAttribute('aria-label', `Attach ${what}`);
    picker.accept = files.accept?.join(',') ?? '';
    picker.multiple = files.maxCount > 1;
    const count = files.maxCount > 1 ? ` (${files.minCount} to ${files.maxCount} files)` : '';
    parts.push(`Attach ${what}${count}, at most ${formatBytes(files.maxBytes)}${files.accept ? ` (${files.accept.join(', ')})` : ''}.`);
  }
  if (next?.location) parts.push('Send your location, or type its coordinates.');
  if (next?.contact) parts.push('Share a contact: a name and a phone number.');
  hint.textContent = parts.join(' ');
  hint.hidden = parts.length === 0;
}

/** Checks the chosen files against the step before a byte is sent (the server checks again). */
function refusal(chosen: readonly File[]): string | undefined {
  const files = expects?.files;
  if (!files) return 'This step takes no files.';
  if (chosen.length < files.minCount || chosen.length > files.maxCount) return files.maxCount === 1 ? 'Attach one file.' : `Attach ${files.minCount} to ${files.maxCount} files.`;
  for (const f of chosen) {
    if (f.size > files.maxBytes) {
      // In bytes where the rounded sizes would read the same.
      const [size, max] = formatBytes(f.size) === formatBytes(files.maxBytes) ? [`${f.size} bytes`, `${files.maxBytes} bytes`] : [formatBytes(f.size), formatBytes(files.maxBytes)];
      return `${f.name} is ${size}: this step takes files up to ${max}.`;
    }
    if (!accepted(f.type, files.accept)) return `${f.name} is ${f.type}: this step takes ${files.accept!.join(', ')}.`;
  }
  return undefined;
}

async function upload(host: AttachHost, file: File): Promise<{ id: string; name: string }> {
  const response = await fetch(host.uploadUrl(), {
    method: 'POST',
    headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name) },
    body: file,
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    throw new Error(problem?.error?.message ?? `HTTP ${response.status}`);
  }
  return (await response.json()) as { id: string; name: string };
}

/** A preview of a chosen file, from the browser's own copy (the server serves it once the conversation shows it). */
function preview(file: File): Node {
  const src = URL.createObjectURL(file);
  if (file.type.startsWith('image/')) return el('img', { src, alt: `Photo: ${file.name}`, class: 'media-image' });
  if (file.type.startsWith('video/')) return el('video', { src, controls: '', 'aria-label': `Video: ${file.name}` });
  if (file.type.startsWith('audio/')) return el('audio', { src, controls: '', 'aria-label': `Audio: ${file.name}` });
  return el('span', { class: 'media-file' }, `${file.name} (${formatBytes(file.size)})`);
}

async function sendFiles(host: AttachHost, chosen: File[]): Promise<void> {
  const problem = refusal(chosen);
  if (problem) {
    host.setStatus(problem, true);
    return;
  }
  host.setStatus(chosen.length === 1 ? `Uploading ${chosen[0]!.name}…` : `Uploading ${chosen.length} files…`);
  // The name as this upload answered it: the store names the same bytes as their first upload did.
  const ids: { id: string; name: string }[] = [];
  try {
    for (const f of chosen) {
      const { id, name } = await upload(host, f);
      ids.push({ id, name });
    }
  } catch (err) {
    host.setStatus(`The file could not be sent: ${(err as Error).message}`, true);
    return;
  }
  host.setStatus('');
  const figures = chosen.map((f) => el('figure', { class: 'media' }, preview(f)));
  host.post({ files: ids }, host.bubble('', ...figures));
}

function sendLocation(host: AttachHost, lat: number, lon: number): void {
  const text = `Location: ${lat.toFixed(5)}, ${lon.toFixed(5)}`;
  host.post({ location: { latitude: lat, longitude: lon } }, host.bubble(text));
  manual.hidden = true;
  host.focusMessage();
}

function openManual(host: AttachHost, why?: string): void {
  if (why) host.setStatus(why, true);
  manual.hidden = false;
  latitude.focus();
}

export function setupAttach(host: AttachHost): void {
  attach.addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    const chosen = [...(picker.files ?? [])];
    picker.value = '';
    if (chosen.length > 0) void sendFiles(host, chosen).finally(() => attach.focus());
  });
  locate.addEventListener('click', () => {
    if (!('geolocation' in navigator)) return openManual(host, 'This browser cannot tell your location: type its coordinates.');
    host.setStatus('Finding your location…');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        host.setStatus('');
        sendLocation(host, p.coords.latitude, p.coords.longitude);
      },
      () => openManual(host, 'Your location is not available: type its coordinates instead.'),
      { timeout: 15_000, maximumAge: 60_000 },
    );
  });
  typeCoords.addEventListener('click', () => openManual(host));
  cancelManual.addEventListener('click', () => {
    manual.hidden = true;
    typeCoords.focus();
  });
  shareContact.addEventListener('click', () => {
    contactForm.hidden = false;
    contactFirst.focus();
  });
  cancelContact.addEventListener('click', () => {
    contactForm.hidden = true;
    shareContact.focus();
  });
  contactForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const first = contactFirst.value.trim();
    const last = contactLast.value.trim();
    const phone = contactPhone.value.trim();
    const name = last ? `${first} ${last}` : first;
    host.post({ contact: { phone, first_name: first, ...(last ? { last_name: last } : {}) } }, host.bubble(`Contact: ${name}, ${phone}`));
    contactForm.reset();
    contactForm.hidden = true;
    host.focusMessage();
  });
  manual.addEventListener('submit', (e) => {
    e.preventDefault();
    const lat = latitude.valueAsNumber;
    const lon = longitude.valueAsNumber;
    if (!Number.isFinite(lat) || Math.abs(lat) > 90 || !Number.isFinite(lon) || Math.abs(lon) > 180) {
      host.setStatus('Latitude goes from -90 to 90 and longitude from -180 to 180.', true);
      return;
    }
    host.setStatus('');
    sendLocation(host, lat, lon);
    latitude.value = longitude.value = '';
  });
}
