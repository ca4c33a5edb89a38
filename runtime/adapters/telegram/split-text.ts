/**
 * Telegram refuses a message longer than 4096 characters. It counts UTF-16 code units after entity parsing; we send
 * plain text (no parse_mode), so a JavaScript string's `length` is Telegram's count.
 */
export const TELEGRAM_TEXT_LIMIT = 4096;

const isSpace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0b || code === 0x0c;
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** 2: a blank line (paragraph), 1: a line break, 0: spaces within a line. */
type Level = 0 | 1 | 2;

interface Cut {
  /** Where the part ends. */
  readonly end: number;
  /** Where the next part starts: the whitespace between them is dropped. */
  readonly next: number;
}

/** The end of the whitespace run starting at `from`, and the kind of break it is. */
function whitespaceRun(text: string, from: number): { end: number; level: Level } {
  let end = from;
  let newlines = 0;
  while (end < text.length && isSpace(text.charCodeAt(end))) {
    if (text.charCodeAt(end) === 0x0a) newlines++;
    end++;
  }
  return { end, level: newlines >= 2 ? 2 : newlines === 1 ? 1 : 0 };
}

/**
 * Where to cut the text starting at `start`, whose rest is longer than `limit`. The best break is the last one of
 * the highest level that still leaves the part at least half full; else the last break of any level; a hard cut
 * (never inside a surrogate pair) only when the window holds no break at all (a single word longer than the limit).
 */
function findCut(text: string, start: number, limit: number): Cut {
  const last: [Cut | undefined, Cut | undefined, Cut | undefined] = [undefined, undefined, undefined];
  let any: Cut | undefined;
  // A break is whitespace after a non-space character, at most `limit` characters into the part.
  for (let i = start + 1; i <= start + limit; i++) {
    if (!isSpace(text.charCodeAt(i)) || isSpace(text.charCodeAt(i - 1))) continue;
    const run = whitespaceRun(text, i);
    const cut = { end: i, next: run.end };
    last[run.level] = cut;
    any = cut;
    i = run.end - 1;
  }
  const half = start + Math.ceil(limit / 2);
  for (const level of [2, 1, 0] as const) {
    const cut = last[level];
    if (cut && cut.end >= half) return cut;
  }
  if (any) return any;
  let end = start + limit;
  if (limit > 1 && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end--;
  // A part made only of whitespace (leading blanks longer than the limit): drop the rest of that run.
  const next = isSpace(text.charCodeAt(end - 1)) ? whitespaceRun(text, end).end : end;
  return { end, next };
}

/**
 * Splits `text` into parts of at most `limit` UTF-16 code units, at a blank line, else a line break, else a space;
 * the whitespace at each cut is dropped. A word longer than the limit is cut hard, never inside a surrogate pair.
 * A text within the limit comes back as it is.
 */
export function splitText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`splitText: limit must be a positive integer, not ${limit}`);
  const parts: string[] = [];
  let start = 0;
  while (text.length - start > limit) {
    const cut = findCut(text, start, limit);
    parts.push(text.slice(start, cut.end));
    start = cut.next;
  }
  if (start < text.length || parts.length === 0) parts.push(text.slice(start));
  return parts;
}
