import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';
import { grammarIssue, quoteForMessage, type GrammarIssue } from './issues.js';

/**
 * User-written patterns (`matches "..."` and input validation `pattern`) run on RE2 (the re2js port):
 * matching takes time linear in the text, whatever the pattern, so no pattern can hang the event loop.
 * RE2 syntax, no flags: `(?i)` and friends are written in the pattern. Check time and run time share
 * `compileRegex`, so a pattern that `check` accepts is exactly the one that runs.
 */

export const MAX_PATTERN_LENGTH = 200;
/** RE2 program instructions. The cost per character grows with it: this bounds a 1000-character match to milliseconds. */
export const MAX_PATTERN_SIZE = 1000;
/** RE2's own limit on a repetition count (`{n,m}`); nested counts multiply. */
export const MAX_REPEAT_COUNT = 1000;

/** What a compiled pattern offers: an unanchored search, like `RegExp.prototype.test`. */
export interface CompiledRegex {
  test(text: string): boolean;
}

type Compiled = { readonly regex: CompiledRegex } | { readonly issue: GrammarIssue };

// Patterns are compiled once and kept (least recently used out first), so a message never recompiles one.
const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 1000;

function compiled(pattern: string): Compiled {
  const hit = cache.get(pattern);
  if (hit) {
    cache.delete(pattern);
    cache.set(pattern, hit);
    return hit;
  }
  const result = compile(pattern);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(pattern, result);
  return result;
}

/** The problem with a pattern (REGEX_INVALID or REGEX_TOO_LARGE, spanning its offending part), or undefined. */
export function checkRegex(pattern: string): GrammarIssue | undefined {
  const result = compiled(pattern);
  return 'issue' in result ? result.issue : undefined;
}

/** The compiled pattern, or undefined when `checkRegex` reports a problem. Cached by pattern text. */
export function compileRegex(pattern: string): CompiledRegex | undefined {
  const result = compiled(pattern);
  return 'regex' in result ? result.regex : undefined;
}

function compile(pattern: string): Compiled {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    const message = `Pattern is ${pattern.length} characters long; keep it to ${MAX_PATTERN_LENGTH}.`;
    return { issue: grammarIssue('REGEX_TOO_LARGE', message, MAX_PATTERN_LENGTH, pattern.length) };
  }
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    return { issue: invalid(pattern, error) };
  }
  if (regex.programSize() > MAX_PATTERN_SIZE) {
    const message =
      `Pattern ${quoteForMessage(pattern)} compiles to ${regex.programSize()} instructions, over the limit of ${MAX_PATTERN_SIZE}; ` +
      'use smaller repetition counts (`{0,50}` rather than `{0,1000}`, fewer repeated groups).';
    return { issue: grammarIssue('REGEX_TOO_LARGE', message, 0, pattern.length) };
  }
  return { regex };
}

function invalid(pattern: string, error: RE2JSException): GrammarIssue {
  if (!(error instanceof RE2JSSyntaxException)) {
    return grammarIssue('REGEX_INVALID', `Invalid pattern ${quoteForMessage(pattern)}: ${error.message}.`, 0, pattern.length);
  }
  const what = error.getDescription();
  if (what === 'expression too large') {
    const message = `Pattern ${quoteForMessage(pattern)} is too large (its repetitions multiply); use smaller repetition counts.`;
    return grammarIssue('REGEX_TOO_LARGE', message, 0, pattern.length);
  }
  const fragment = error.getPattern() ?? '';
  const [start, end] = locate(pattern, what, fragment);
  const part = quoteForMessage(pattern.slice(start, end));
  return grammarIssue('REGEX_INVALID', explain(what, fragment, part), start, end);
}

/** The message for an RE2 syntax error: JavaScript-only constructs get their RE2 spelling or rewrite. */
function explain(what: string, fragment: string, part: string): string {
  const unsupported = (name: string, fix: string) =>
    `Pattern uses ${name} (${part}), which the linear-time regex engine does not support; ${fix}.`;
  if (/^\(\?<?[=!]/.test(fragment)) return unsupported('a lookaround', 'rewrite the pattern without it, or combine conditions with "and" / "and not"');
  if (/^\\([1-9]|k)/.test(fragment)) return unsupported('a backreference', 'rewrite the pattern without it');
  if (/^\\u/.test(fragment)) return unsupported('a JavaScript escape', 'write the character itself or "\\x{00E9}"');
  if (/^\\c/.test(fragment)) return unsupported('a JavaScript escape', 'write "\\x{01}" for a control character');
  if (/^\\[pP]/.test(fragment)) {
    return `Unknown Unicode class ${part}; use a general category such as \\p{L}, \\p{Lu}, \\p{N} or a script such as \\p{Greek}.`;
  }
  if (what === 'invalid repeat count') {
    return `Invalid repetition ${part}: counts go up to ${MAX_REPEAT_COUNT}, nested counts multiply, and the lower bound comes first.`;
  }
  return `Invalid pattern at ${part}: ${what}; fix the regular expression.`;
}

/** Where in the pattern the error lies: RE2 names the offending text, or the whole pattern for unbalanced parentheses. */
function locate(pattern: string, what: string, fragment: string): [number, number] {
  if (what === 'missing closing )' || what === 'unexpected )') {
    const at = unbalancedParen(pattern);
    if (at !== undefined) return [at, at + 1];
  }
  if (what === 'trailing backslash at end of expression') return [pattern.length - 1, pattern.length];
  if (what === 'duplicate capture group name') {
    const at = pattern.lastIndexOf(`<${fragment}>`);
    if (at >= 0) return [at + 1, at + 1 + fragment.length];
  }
  const at = occurrence(pattern, what, fragment);
  if (at < 0) return [0, pattern.length];
  const lookaround = /^\(\?<?[=!]/.exec(fragment);
  return [at, at + (lookaround?.[0].length ?? fragment.length)];
}

/** Where `fragment` caused the error: of its occurrences, the first whose prefix of the pattern already fails the same way. */
function occurrence(pattern: string, what: string, fragment: string): number {
  const first = fragment === '' ? -1 : pattern.indexOf(fragment);
  if (first < 0 || pattern.indexOf(fragment, first + 1) < 0) return first;
  for (let at = first; at >= 0; at = pattern.indexOf(fragment, at + 1)) {
    try {
      RE2JS.compile(pattern.slice(0, at + fragment.length));
    } catch (error) {
      if (error instanceof RE2JSSyntaxException && error.getDescription() === what) return at;
    }
  }
  return first;
}

/** The first `)` that closes nothing, else the innermost `(` left open. Skips escapes, `\Q…\E` and classes. */
function unbalancedParen(pattern: string): number | undefined {
  const open: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        i = end < 0 ? pattern.length : end + 1;
      } else i++;
    } else if (ch === '[') i = classEnd(pattern, i);
    else if (ch === '(') open.push(i);
    else if (ch === ')' && open.pop() === undefined) return i;
  }
  return open.at(-1);
}

/** Index of the `]` that closes the class opened at `start` (a leading `]` is a literal, `[:alpha:]` is one item). */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern.startsWith('[:', i) && pattern.indexOf(':]', i + 2) >= 0) i = pattern.indexOf(':]', i + 2) + 1;
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}
