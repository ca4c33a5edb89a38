import type { Reporter } from '../diagnostics/reporter.js';
import { MEDIA_ITEM_TYPES, type ContactCardAst, type Located, type LocationCardAst, type MediaAst, type StepAst, type ValidationAst } from '../scenario/ast.js';
import { jsonTypeName, locOf, type JsonNode } from './json-tree.js';
import { ObjectReader } from './object-reader.js';
import { sourceString } from './source-string.js';

const FILE_ITEM_TYPES = ['image', 'video', 'audio', 'document'];

/** A step's `media`: one item or a list of them. Each item has exactly one key naming what it is. */
export function readJsonMedia(node: JsonNode | undefined, where: string, reporter: Reporter, text: string): StepAst['media'] {
  if (!node) return undefined;
  const nodes = node.type === 'array' ? (node.children ?? []) : [node];
  const items: MediaAst[] = [];
  for (const child of nodes) {
    const item = readItem(child, where, reporter, text);
    if (item) items.push(item);
  }
  return { loc: locOf(node), items };
}

function readItem(node: JsonNode, where: string, reporter: Reporter, text: string): MediaAst | undefined {
  const within = `a media item of ${where}`;
  if (node.type !== 'object') {
    reporter.report('WRONG_TYPE', locOf(node), { field: 'media', expected: 'an object such as {"image": "https://…"}', actual: jsonTypeName(node) });
    return undefined;
  }
  const o = new ObjectReader(node, within, reporter, text);
  const kinds = MEDIA_ITEM_TYPES.filter((k) => o.has(k));
  if (kinds.length !== 1) {
    reporter.report('MEDIA_ITEM_KIND', locOf(node), { where: within, found: kinds.map((k) => `"${k}"`).join(', ') });
    if (kinds.length === 0) return undefined;
  }
  const kind = kinds[0]!;
  const type: Located<string> = { value: kind, loc: o.keyLoc(kind)! };
  const isFile = FILE_ITEM_TYPES.includes(kind);
  const value = o.raw(kind)!;
  let item: MediaAst = { loc: locOf(node), type };
  if (value.type === 'string') item = { ...item, source: sourceString(value, text) };
  else if (!isFile && value.type === 'object') {
    item = kind === 'location' ? { ...item, location: readLocation(value, within, reporter, text) } : { ...item, contact: readContact(value, within, reporter, text) };
  } else {
    const expected = isFile ? 'a URL, a file path or "{{variable}}"' : `an object or "{{variable}}"`;
    reporter.report('WRONG_TYPE', locOf(value), { field: kind, expected, actual: jsonTypeName(value) });
  }
  if (isFile) {
    const caption = o.string('caption');
    if (caption) item = { ...item, caption };
  }
  o.finish(isFile ? [kind, 'caption'] : [kind]);
  return item;
}

function readLocation(node: JsonNode, within: string, reporter: Reporter, text: string): LocationCardAst {
  const where = `the location of ${within}`;
  const o = new ObjectReader(node, where, reporter, text);
  const card: LocationCardAst = { loc: locOf(node), latitude: o.number('latitude'), longitude: o.number('longitude'), title: o.string('title'), address: o.string('address') };
  for (const field of ['latitude', 'longitude']) if (!o.has(field)) reporter.report('MISSING_FIELD', locOf(node), { field, where });
  o.finish(['latitude', 'longitude', 'title', 'address']);
  return card;
}

function readContact(node: JsonNode, within: string, reporter: Reporter, text: string): ContactCardAst {
  const where = `the contact of ${within}`;
  const o = new ObjectReader(node, where, reporter, text);
  const card: ContactCardAst = { loc: locOf(node), phone: o.string('phone'), firstName: o.string('first_name'), lastName: o.string('last_name') };
  for (const field of ['phone', 'first_name']) if (!o.has(field)) reporter.report('MISSING_FIELD', locOf(node), { field, where });
  o.finish(['phone', 'first_name', 'last_name']);
  return card;
}

/** The media rules of `validation`: `max_bytes` (a number or "5MB"), `mime`, `min_count`, `max_count`. */
export function readMediaValidation(vo: ObjectReader, reporter: Reporter, text: string): Partial<ValidationAst> {
  const out: { -readonly [K in keyof ValidationAst]?: ValidationAst[K] } = {};
  const bytes = vo.raw('max_bytes');
  if (bytes) {
    if (bytes.type === 'number' || bytes.type === 'string') out.maxBytes = { value: bytes.value as number | string, loc: locOf(bytes) };
    else reporter.report('WRONG_TYPE', locOf(bytes), { field: 'max_bytes', expected: 'a number of bytes or a size such as "5MB"', actual: jsonTypeName(bytes) });
  }
  const mime = vo.raw('mime');
  if (mime) {
    const list = mime.type === 'array' ? (mime.children ?? []) : [mime];
    const items = list.flatMap((m) => {
      if (m.type === 'string') return [sourceString(m, text)];
      reporter.report('WRONG_TYPE', locOf(m), { field: 'mime', expected: 'a type such as "image/jpeg" or "image/*"', actual: jsonTypeName(m) });
      return [];
    });
    out.mime = { loc: locOf(mime), items };
  }
  const minCount = vo.number('min_count', true);
  const maxCount = vo.number('max_count', true);
  if (minCount) out.minCount = minCount;
  if (maxCount) out.maxCount = maxCount;
  return out;
}

/** `expected_input.type`: a type name, or a list of media kinds. */
export function readInputType(node: JsonNode | undefined, reporter: Reporter): { type?: Located<string>; kinds?: { loc: Located<string>['loc']; items: Located<string>[] } } {
  if (!node) return {};
  if (node.type === 'string') return { type: { value: String(node.value), loc: locOf(node) } };
  if (node.type !== 'array') {
    reporter.report('WRONG_TYPE', locOf(node), { field: 'type', expected: 'a string or a list of media kinds', actual: jsonTypeName(node) });
    return {};
  }
  const items = (node.children ?? []).flatMap((c) => {
    if (c.type === 'string') return [{ value: String(c.value), loc: locOf(c) }];
    reporter.report('WRONG_TYPE', locOf(c), { field: 'type', expected: 'a media kind such as "photo"', actual: jsonTypeName(c) });
    return [];
  });
  return { type: items[0], kinds: { loc: locOf(node), items } };
}
