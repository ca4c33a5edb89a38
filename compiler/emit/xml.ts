/** XML text and attributes from untrusted strings (scenario texts and ids are user input). */

// Characters XML 1.0 forbids outright (most C0 controls, lone surrogates, U+FFFE, U+FFFF): no escape exists for
// them, so they become U+FFFD rather than make the document ill-formed.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Anything `escapeXml` might change: most text has none, and is returned as it is. */
const SPECIAL = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Safe in element content and in a double- or single-quoted attribute value. */
export function escapeXml(text: string): string {
  if (!SPECIAL.test(text)) return text;
  return text.replace(FORBIDDEN, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export type Attributes = Readonly<Record<string, string | number | undefined>>;

/** ` name="value"` for each defined value, in the given order. */
export function attributes(attrs: Attributes): string {
  let out = '';
  for (const name in attrs) {
    const value = attrs[name];
    // A number needs no escaping (a big graph has hundreds of thousands of coordinates).
    if (value !== undefined) out += ` ${name}="${typeof value === 'number' ? value : escapeXml(value)}"`;
  }
  return out;
}

/** An element; `children` is markup, already escaped. Without children it is self-closing. */
export function element(name: string, attrs: Attributes, children?: string): string {
  return children === undefined ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${children}</${name}>`;
}
