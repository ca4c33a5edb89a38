// Strings in .scn files are JSON string literals, so a scenario's texts read and convert the same in both forms.

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** The value of a string token; a malformed one (`valid` false, reported elsewhere) is decoded as far as it goes. */
export function decodeString(image: string, valid: boolean): string {
  if (valid) return JSON.parse(image) as string;
  const body = image.endsWith('"') && image.length > 1 ? image.slice(1, -1) : image.slice(1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\' || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const next = body[++i]!;
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += ESCAPES[next] ?? next;
  }
  return out;
}

/** What is wrong with a string token, and where (an index into the image); undefined when it is valid. */
export function stringProblem(image: string): { message: string; at: number } | undefined {
  for (let i = 1; i < image.length; i++) {
    const c = image.charCodeAt(i);
    if (c === 34) {
      return i === image.length - 1 ? undefined : { message: 'Unexpected text after the closing quote.', at: i + 1 };
    }
    if (c === 92) {
      const next = image.charAt(i + 1);
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(image.slice(i + 2, i + 6))) {
          return { message: 'Invalid escape "\\u": write \\u and four hex digits, e.g. \\u00e9.', at: i };
        }
        i += 5;
      } else if (next in ESCAPES) i++;
      else {
        const shown = next === '' ? '\\' : `\\${next}`;
        const hint = next === '' ? '' : ` To write a backslash, double it: "\\\\${next}".`;
        return { message: `Invalid escape "${shown}" in a string: use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX.${hint}`, at: i };
      }
    } else if (c < 32) {
      const name = c === 9 ? 'A tab' : 'A control character';
      return { message: `${name} cannot stand in a string as is: write it as an escape, e.g. \\t or \\n.`, at: i };
    }
  }
  return { message: 'Unclosed string: add the closing " before the end of the line.', at: 0 };
}
