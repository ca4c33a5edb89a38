import { renderTemplate, type Template } from '../../grammar/index.js';
import type { FileValue, IrMedia, IrMediaInput, MediaValue, StoredFile } from '../../compiler/index.js';
import type { InboundEvent, IncomingFile, OutMedia, VarValue, Vars } from './types.js';

/**
 * Media in the engine: what a media input takes from a message (declared files, a location, a contact), the value a
 * `media.stored` event stores, how media values read in conditions and templates, and the media a `say` sends.
 */

/** A media input's reading of a message: a value to store at once, files to fetch first, or nothing it takes. */
export type MediaAnswer = { readonly ok: true; readonly value: VarValue } | { readonly ok: false; readonly fetch?: readonly IncomingFile[] };

const NOT_TAKEN: MediaAnswer = { ok: false };

/** Whether `mime` is one of `accepted` (exact, or `type/*`); everything is accepted when the list is absent. */
export function mimeMatches(mime: string, accepted: readonly string[] | undefined): boolean {
  if (accepted === undefined) return true;
  const m = mime.toLowerCase();
  return accepted.some((a) => {
    const p = a.toLowerCase();
    return p.endsWith('/*') ? m.startsWith(p.slice(0, -1)) : m === p;
  });
}

/** Declared files the input takes: every file of an accepted kind, count within bounds, declared size and type within limits. */
function filesTaken(spec: IrMediaInput, files: readonly IncomingFile[]): boolean {
  if (files.length < spec.minCount || files.length > spec.maxCount) return false;
  return files.every(
    (f) => spec.kinds.includes(f.kind) && (f.size === undefined || f.size <= spec.maxBytes) && (f.mime === undefined || mimeMatches(f.mime, spec.mime)),
  );
}

/**
 * A message read by a media input. The first kind listed that the message has decides: files are taken on what the
 * platform declared (and fetched before they are stored), a location or contact is the value itself. A `media.stored`
 * success is the stored file (the list of them when the input takes several).
 */
export function parseMedia(spec: IrMediaInput, event: InboundEvent): MediaAnswer {
  if (event.type === 'media.stored') return event.ok ? { ok: true, value: storedValue(spec, event.files) } : NOT_TAKEN;
  if (event.type !== 'user.input') return NOT_TAKEN;
  for (const kind of spec.kinds) {
    if (kind === 'location') {
      if (event.location) return { ok: true, value: event.location };
    } else if (kind === 'contact') {
      if (event.contact) return { ok: true, value: event.contact };
    } else if (event.files?.some((f) => f.kind === kind)) {
      return filesTaken(spec, event.files) ? { ok: false, fetch: event.files } : NOT_TAKEN;
    }
  }
  return NOT_TAKEN;
}

function storedValue(spec: IrMediaInput, files: readonly FileValue[]): VarValue {
  return spec.maxCount > 1 ? files : (files[0] ?? null);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A media value's field (`receipt.size`, `place.latitude`); undefined for anything else. */
export function mediaField(value: unknown, field: string): unknown {
  if (!isRecord(value) || Array.isArray(value) || typeof value['kind'] !== 'string') return undefined;
  return Object.hasOwn(value, field) ? value[field] : undefined;
}

/** How a template shows a variable: a file by its name, a location as "lat, lon", a contact as "First Last, phone", a file list by names. */
export function mediaText(value: unknown): unknown {
  if (!isRecord(value)) return value;
  if (Array.isArray(value)) return value.every(isFile) ? value.map((f: FileValue) => f.name).join(', ') : value;
  switch (value['kind']) {
    case 'location':
      return `${String(value['latitude'])}, ${String(value['longitude'])}`;
    case 'contact': {
      const name = [value['first_name'], value['last_name']].filter((s) => typeof s === 'string' && s !== '').join(' ');
      return name === '' ? value['phone'] : `${name}, ${String(value['phone'])}`;
    }
    default:
      return isFile(value) ? value.name : value;
  }
}

function isFile(v: unknown): v is FileValue {
  return isRecord(v) && typeof v['id'] === 'string' && typeof v['name'] === 'string' && typeof v['sha256'] === 'string';
}

const storedFile = (f: FileValue): StoredFile => ({ id: f.id, mime: f.mime, size: f.size, name: f.name, sha256: f.sha256 });

type Lookup = (path: readonly string[]) => unknown;

/**
 * A step's media, rendered: URL templates filled in (values percent-encoded), shipped paths kept, variables
 * resolved to the stored file (each file of a list) or the card they hold. A medium whose variable holds nothing
 * of its kind is left out.
 */
export function renderMedia(media: readonly IrMedia[], vars: Vars, lookup: Lookup, renderUrl: (t: Template) => string): OutMedia[] {
  const out: OutMedia[] = [];
  for (const m of media) {
    if (m.type === 'location' || m.type === 'contact') {
      if (m.source.kind === 'fixed') out.push({ kind: m.type, ...m.source.value } as OutMedia);
      else {
        const held = vars[m.source.variable];
        if (isRecord(held) && held['kind'] === m.type) out.push(held as unknown as MediaValue as OutMedia);
      }
      continue;
    }
    const caption = m.caption === undefined ? undefined : renderTemplate(m.caption, lookup);
    const withCaption = (source: Extract<OutMedia, { source: unknown }>['source'], first = true): OutMedia =>
      caption === undefined || !first ? { type: m.type, source } : { type: m.type, source, caption };
    const src = m.source;
    if (src.kind === 'url') out.push(withCaption({ url: renderUrl(src.url) }));
    else if (src.kind === 'path') out.push(withCaption({ path: src.path }));
    else {
      const held = vars[src.variable];
      const files = Array.isArray(held) ? held.filter(isFile) : isFile(held) ? [held] : [];
      files.forEach((f, i) => out.push(withCaption({ file: storedFile(f) }, i === 0)));
    }
  }
  return out;
}
