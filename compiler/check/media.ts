import type { Template } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { Loc } from '../diagnostics/types.js';
import type { IrMediaInput, IrValueType } from '../ir/types.js';
import type { InputAst, Located, MediaAst, SourceString, StepAst } from '../scenario/ast.js';
import { CONTACT_FIELDS, FILE_FIELDS, isFileKind, LOCATION_FIELDS, MEDIA_INPUT_KINDS, type MediaFieldType, type MediaInputKind } from '../semantics/media.js';
import type { CheckedMedia, CheckedTemplate } from './model.js';
import { spanLoc } from './parse-strings.js';
import { checkNoSecret } from './calls.js';

/** The largest file an input takes when the scenario says nothing: what Telegram's getFile downloads. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** Asked of the host for each shipped file path (relative to the scenario's folder); absent, paths are not checked. */
export type FileExists = (relativePath: string) => boolean;

const UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*$/i;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const HTTP = /^https?:\/\//i;

/** A size in bytes: a positive whole number, or a number and a unit (binary multiples: 1KB = 1024 bytes). */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  const m = SIZE.exec(value);
  if (!m) return undefined;
  const bytes = Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** The value type a media input stores, and the fields its value has (the union for a list mixing files and cards). */
export function mediaValueType(media: IrMediaInput): { type: IrValueType; fields: Readonly<Record<string, MediaFieldType>>; noun: string } {
  const files = media.kinds.filter(isFileKind);
  const cards = media.kinds.filter((k) => !isFileKind(k));
  if (cards.length === 0) return media.maxCount > 1 ? { type: 'files', fields: {}, noun: 'list of files' } : { type: 'file', fields: FILE_FIELDS, noun: 'file' };
  if (files.length === 0 && cards.length === 1) return cards[0] === 'location' ? { type: 'location', fields: LOCATION_FIELDS, noun: 'location' } : { type: 'contact', fields: CONTACT_FIELDS, noun: 'contact' };
  const fields = { ...(files.length > 0 ? FILE_FIELDS : {}), ...(cards.includes('location') ? LOCATION_FIELDS : {}), ...(cards.includes('contact') ? CONTACT_FIELDS : {}) };
  return { type: 'unknown', fields, noun: 'media value' };
}

const TEXT_RULES = [
  ['min', 'min'],
  ['max', 'max'],
  ['minLength', 'min_length'],
  ['maxLength', 'max_length'],
  ['pattern', 'pattern'],
] as const;
const FILE_RULES = [
  ['maxBytes', 'max_bytes'],
  ['mime', 'mime'],
  ['minCount', 'min_count'],
  ['maxCount', 'max_count'],
] as const;

/** Reports media rules on an input that does not take files (called for every non-media input). */
export function checkNoFileRules(reporter: Reporter, input: InputAst, type: string): void {
  const v = input.validation ?? {};
  for (const [key, rule] of FILE_RULES) {
    const r = v[key];
    if (r) reporter.report('MEDIA_RULE_NOT_APPLICABLE', r.loc, { rule, type, fix: 'it limits the files a media input takes (photo, document, video, audio, voice); remove it' });
  }
}

/** The kinds a media input takes, or undefined when the type is not media (a list must hold media kinds only). */
export function mediaKinds(reporter: Reporter, input: InputAst): MediaInputKind[] | undefined {
  const allowed = MEDIA_INPUT_KINDS.map((k) => `"${k}"`).join(', ');
  if (!input.kinds) return input.type && (MEDIA_INPUT_KINDS as readonly string[]).includes(input.type.value) ? [input.type.value as MediaInputKind] : undefined;
  const kinds: MediaInputKind[] = [];
  for (const k of input.kinds.items) {
    if (!(MEDIA_INPUT_KINDS as readonly string[]).includes(k.value)) {
      reporter.report('INVALID_VALUE', k.loc, { field: 'expected_input type', value: JSON.stringify(k.value), allowed: `in a list, media kinds only: ${allowed}` });
    } else if (!kinds.includes(k.value as MediaInputKind)) kinds.push(k.value as MediaInputKind);
  }
  if (input.kinds.items.length === 0) reporter.report('INVALID_VALUE', input.kinds.loc, { field: 'expected_input type', value: '[]', allowed: allowed });
  return kinds.length > 0 ? kinds : undefined;
}

/** The limits of a media input; reports the rules that cannot apply to it. */
export function checkMediaInput(reporter: Reporter, input: InputAst, kinds: readonly MediaInputKind[]): IrMediaInput {
  const v = input.validation ?? {};
  const type = kinds.join(', ');
  for (const [key, rule] of TEXT_RULES) {
    const r = v[key];
    if (r) reporter.report('MEDIA_RULE_NOT_APPLICABLE', r.loc, { rule, type, fix: 'media inputs are limited by max_bytes, mime, min_count and max_count; remove it' });
  }
  const takesFiles = kinds.some(isFileKind);
  if (!takesFiles) {
    for (const [key, rule] of FILE_RULES) {
      const r = v[key];
      if (r) reporter.report('MEDIA_RULE_NOT_APPLICABLE', r.loc, { rule, type, fix: 'a location or contact is not a file; remove it' });
    }
  }
  let maxBytes = DEFAULT_MAX_BYTES;
  if (v.maxBytes && takesFiles) {
    const bytes = parseSize(v.maxBytes.value);
    if (bytes === undefined) reporter.report('MEDIA_SIZE', v.maxBytes.loc, { value: String(v.maxBytes.value) });
    else maxBytes = bytes;
    if (bytes !== undefined && bytes > DEFAULT_MAX_BYTES) reporter.report('MEDIA_SIZE_OVER_LIMIT', v.maxBytes.loc, { value: `${bytes} bytes`, limit: '20 MB' });
  }
  const mime: string[] = [];
  for (const m of takesFiles ? (v.mime?.items ?? []) : []) {
    if (MIME.test(m.value.trim())) mime.push(m.value.trim().toLowerCase());
    else reporter.report('MEDIA_MIME', m.loc, { value: m.value });
  }
  const count = (c: Located<number> | undefined, rule: string): number | undefined => {
    if (!c || !takesFiles) return undefined;
    if (c.value >= 1) return c.value;
    reporter.report('WRONG_TYPE', c.loc, { field: rule, expected: 'a whole number of at least 1', actual: String(c.value) });
    return undefined;
  };
  let minCount = count(v.minCount, 'min_count') ?? 1;
  let maxCount = count(v.maxCount, 'max_count') ?? Math.max(1, minCount);
  if (minCount > maxCount) {
    reporter.report('VALIDATION_RANGE', v.minCount!.loc, { low: `min_count ${minCount}`, high: `max_count ${maxCount}` });
    [minCount, maxCount] = [maxCount, maxCount];
  }
  const out: { -readonly [K in keyof IrMediaInput]: IrMediaInput[K] } = { kinds: [...kinds], maxBytes, minCount, maxCount };
  if (v.mime && takesFiles) out.mime = mime;
  return out;
}

/** Where a message's file comes from, told from its text. */
type SourceKind = { kind: 'url' } | { kind: 'path'; path: string } | { kind: 'var'; name: string; span: { start: number; end: number } } | { kind: 'bad'; fix: string };

function classifySource(text: string, template: Template | undefined): SourceKind {
  const only = template?.parts.length === 1 ? template.parts[0] : undefined;
  if (only?.kind === 'value') {
    if (only.path.length === 1 && only.filters.length === 0) return { kind: 'var', name: only.path[0]!, span: only.pathSpan };
    return { kind: 'bad', fix: 'a variable source is exactly "{{name}}", with no field or filter' };
  }
  if (HTTP.test(text)) return { kind: 'url' };
  if (SCHEME.test(text) && !/^[a-z]:[\\/]/i.test(text)) return { kind: 'bad', fix: 'only http:// and https:// URLs are fetched' };
  if (text.includes('{{')) return { kind: 'bad', fix: 'a file path holds no template; use an http(s) URL, or exactly "{{variable}}"' };
  if (text.trim() === '') return { kind: 'bad', fix: 'write a URL, a file path relative to the scenario, or "{{variable}}"' };
  if (/[\u0000-\u001f]/.test(text)) return { kind: 'bad', fix: 'a file path holds no control characters (line breaks, tabs)' };
  if (/^[\\/]/.test(text) || /^[a-z]:[\\/]/i.test(text)) return { kind: 'bad', fix: 'a file path is relative to the scenario file\'s folder, not absolute' };
  if (text.includes('\\')) return { kind: 'bad', fix: 'separate the folders of a path with "/", on every system' };
  let depth = 0;
  for (const part of text.split('/')) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return { kind: 'bad', fix: 'a file path stays inside the scenario file\'s folder; move the file there' };
    // The runtime ships no hidden file: .env and .git stay private.
    if (part.startsWith('.') && part !== '.' && part !== '..') return { kind: 'bad', fix: 'a hidden file or folder (a name starting with ".") is never shipped; rename it' };
  }
  return { kind: 'path', path: text };
}

const LAT = { field: 'latitude', expected: 'a number from -90 to 90', limit: 90 } as const;
const LON = { field: 'longitude', expected: 'a number from -180 to 180', limit: 180 } as const;

/**
 * The media of a step's message: sources told apart and checked (a shipped file through `fileExists`), captions
 * and URLs parsed as templates. Variable sources are checked against the variable's type later (checkMediaVariables).
 */
export function checkStepMedia(reporter: Reporter, step: StepAst, parse: (src: SourceString) => CheckedTemplate | undefined, fileExists?: FileExists): CheckedMedia[] | undefined {
  if (!step.media) return undefined;
  const out: CheckedMedia[] = [];
  for (const item of step.media.items) {
    const checked = checkItem(reporter, item, parse, fileExists);
    if (checked) out.push(checked);
  }
  return out;
}

function checkItem(reporter: Reporter, item: MediaAst, parse: (src: SourceString) => CheckedTemplate | undefined, fileExists?: FileExists): CheckedMedia | undefined {
  const type = item.type.value as CheckedMedia['type'];
  const base = { loc: item.loc, type };
  const caption = item.caption && parse(item.caption);
  if (caption) checkNoSecret(reporter, caption);
  if (item.source) {
    const src = item.source;
    const template = src.value.includes('{{') ? parse(src)?.template : undefined;
    if (src.value.includes('{{') && !template) return undefined;
    const source = classifySource(src.value, template);
    const isFile = type !== 'location' && type !== 'contact';
    if (source.kind === 'var') return { ...base, variable: { name: source.name, src, span: source.span }, ...(caption ? { caption } : {}) };
    if (!isFile) {
      const fix = type === 'location' ? 'a location is {"latitude": …, "longitude": …} or exactly "{{variable}}"' : 'a contact is {"phone": …, "first_name": …} or exactly "{{variable}}"';
      reporter.report('MEDIA_SOURCE', src.loc, { value: src.value, fix, card: type });
      return undefined;
    }
    if (source.kind === 'bad') {
      reporter.report('MEDIA_SOURCE', src.loc, { value: src.value, fix: source.fix });
      return undefined;
    }
    if (source.kind === 'url') {
      const url = parse(src);
      if (url) checkNoSecret(reporter, url);
      return url ? { ...base, url, ...(caption ? { caption } : {}) } : undefined;
    }
    if (fileExists && !fileExists(source.path)) reporter.report('MEDIA_FILE_MISSING', src.loc, { path: source.path });
    return { ...base, path: source.path, ...(caption ? { caption } : {}) };
  }
  if (item.location) {
    const l = item.location;
    const lat = coordinate(reporter, l.latitude, LAT);
    const lon = coordinate(reporter, l.longitude, LON);
    if (lat === undefined || lon === undefined) return undefined;
    const card: Record<string, string | number> = { latitude: lat, longitude: lon };
    if (l.title) card['title'] = l.title.value;
    if (l.address) card['address'] = l.address.value;
    return { ...base, card };
  }
  if (item.contact) {
    const c = item.contact;
    if (!c.phone || !c.firstName) return undefined;
    const card: Record<string, string | number> = { phone: c.phone.value, first_name: c.firstName.value };
    if (c.lastName) card['last_name'] = c.lastName.value;
    return { ...base, card };
  }
  return undefined;
}

function coordinate(reporter: Reporter, value: Located<number> | undefined, rule: { field: string; expected: string; limit: number }): number | undefined {
  if (!value) return undefined;
  if (Math.abs(value.value) <= rule.limit) return value.value;
  reporter.report('WRONG_TYPE', value.loc, { field: rule.field, expected: rule.expected, actual: String(value.value) });
  return undefined;
}

const WANTED: Readonly<Record<CheckedMedia['type'], { type: IrValueType; noun: string }>> = {
  image: { type: 'file', noun: 'a file' },
  video: { type: 'file', noun: 'a file' },
  audio: { type: 'file', noun: 'a file' },
  document: { type: 'file', noun: 'a file' },
  location: { type: 'location', noun: 'a location' },
  contact: { type: 'contact', noun: 'a contact' },
};

const NOUNS: Readonly<Record<IrValueType, string>> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
  unknown: 'values of several types',
  file: 'a file',
  files: 'a list of files',
  location: 'a location',
  contact: 'a contact',
};

/** A "{{var}}" source must name a variable holding that kind of media (unknown names are reported as reads). */
export function checkMediaVariable(reporter: Reporter, media: CheckedMedia, type: IrValueType | undefined): void {
  const v = media.variable;
  if (!v || type === undefined) return;
  const wanted = WANTED[media.type];
  if (type === wanted.type) return;
  const loc: Loc = spanLoc(v.src, v.span);
  reporter.report('MEDIA_VARIABLE_TYPE', loc, { variable: v.name, expected: wanted.noun, actual: NOUNS[type] });
}
