/**
 * A strict little XML reader for the tests, enough for the SVG we emit (elements, attributes, text, the five
 * predefined entities and numeric references): it throws on anything not well-formed, and returns the tree with
 * attribute values and text decoded, so tests can compare them with the raw scenario strings.
 */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text, decoded (not its children's). */
  readonly text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*$/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`raw "<" in ${where}`);
  // Forbidden in XML 1.0 however they are written.
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(raw)) throw new Error(`control character in ${where}`);
  return raw.replace(/&([#\w]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`bare "&" in ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const code = /^#x([0-9a-fA-F]+)$/.exec(ref)?.[1] ?? /^#([0-9]+)$/.exec(ref)?.[1];
    if (code === undefined) throw new Error(`unknown entity &${ref}; in ${where}`);
    return String.fromCodePoint(Number.parseInt(code, ref.startsWith('#x') ? 16 : 10));
  });
}

function parseAttrs(source: string, tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const rest = source.replace(/\s+([^\s=]+)="([^"]*)"|\s+([^\s=]+)='([^']*)'/g, (_, n1: string, v1: string, n2: string, v2: string) => {
    const name = n1 ?? n2;
    if (!NAME.test(name)) throw new Error(`bad attribute name ${name} on <${tag}>`);
    if (name in attrs) throw new Error(`duplicate attribute ${name} on <${tag}>`);
    attrs[name] = decode(v1 ?? v2, `${tag}@${name}`);
    return '';
  });
  if (rest.trim()) throw new Error(`cannot read attributes ${JSON.stringify(rest)} of <${tag}>`);
  return attrs;
}

/** The root element; throws on any well-formedness error. */
export function parseXml(source: string): XmlElement {
  type Open = { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string };
  const stack: Open[] = [{ name: '#document', attrs: {}, children: [], text: '' }];
  const tag = /<(\/?)([^\s/>]+)((?:\s+[^\s=]+=(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
  let at = 0;
  while (at < source.length) {
    const lt = source.indexOf('<', at);
    const text = source.slice(at, lt === -1 ? source.length : lt);
    stack[stack.length - 1]!.text += decode(text, `text of <${stack[stack.length - 1]!.name}>`);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(source);
    if (!m) throw new Error(`malformed tag at ${lt}: ${source.slice(lt, lt + 40)}`);
    const [whole, closing, name, attrText, selfClosing] = m as unknown as [string, string, string, string, string];
    if (!NAME.test(name)) throw new Error(`bad element name ${name}`);
    if (closing) {
      const open = stack.pop()!;
      if (open.name !== name || attrText || selfClosing) throw new Error(`</${name}> closes <${open.name}>`);
      stack[stack.length - 1]!.children.push(open);
    } else {
      const element = { name, attrs: parseAttrs(attrText, name), children: [], text: '' };
      if (selfClosing) stack[stack.length - 1]!.children.push(element);
      else stack.push(element);
    }
    at = lt + whole.length;
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  const [doc] = stack;
  if (doc!.children.length !== 1 || doc!.text.trim()) throw new Error('not exactly one root element');
  return doc!.children[0]!;
}

/** Every element of the tree, depth first, the root included. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}

export const hasClass = (e: XmlElement, name: string): boolean => (e.attrs['class'] ?? '').split(/\s+/).includes(name);
