import { grammarIssue, quoteForMessage, type GrammarIssue } from './issues.js';

/**
 * Regex safety for user-written patterns (`matches "..."` and input validation).
 * A small scanner rejects the constructs behind catastrophic backtracking. It is deliberately
 * conservative: a safe pattern may be refused, the classic dangerous shapes must not pass.
 */

export const MAX_PATTERN_LENGTH = 200;
export const MAX_REPEAT_COUNT = 1000;

/** 'u' when the pattern is valid in unicode mode, '' when only valid without it, undefined if invalid. */
export function regexFlags(pattern: string): 'u' | '' | undefined {
  for (const flags of ['u', ''] as const) {
    try {
      new RegExp(pattern, flags);
      return flags;
    } catch {
      // try the next, more lenient mode
    }
  }
  return undefined;
}

export function checkRegex(pattern: string): GrammarIssue | undefined {
  const whole = (code: 'REGEX_INVALID' | 'REGEX_UNSAFE', message: string) => grammarIssue(code, message, 0, pattern.length);
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return whole('REGEX_UNSAFE', `Pattern is ${pattern.length} characters long; keep it under ${MAX_PATTERN_LENGTH}.`);
  }
  if (regexFlags(pattern) === undefined) {
    let reason = 'invalid syntax';
    try {
      new RegExp(pattern);
    } catch (e) {
      reason = String((e as Error).message).split(': ').pop() ?? reason;
    }
    return whole('REGEX_INVALID', `Invalid pattern ${quoteForMessage(pattern)}: ${reason}; fix the regular expression.`);
  }
  return findUnsafe(pattern);
}

interface Frame {
  start: number;
  /** Contains a quantifier whose count can vary (`*`, `+`, `?`, `{1,3}`). */
  variable: boolean;
  /** First atom of each `|` alternative; '*' when it is not a plain literal character. */
  firstAtoms: string[];
  atAltStart: boolean;
}

interface Quantifier {
  min: number;
  max: number;
  length: number;
}

const QUANT = /^(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})/;

function readQuantifier(pattern: string, i: number): Quantifier | undefined {
  const m = QUANT.exec(pattern.slice(i, i + 30));
  if (!m) return undefined;
  let length = m[0].length;
  if (pattern[i + length] === '?') length++; // lazy modifier, not another quantifier
  if (m[1] === '*') return { min: 0, max: Infinity, length };
  if (m[1] === '+') return { min: 1, max: Infinity, length };
  if (m[1] === '?') return { min: 0, max: 1, length };
  const min = Number(m[2]);
  const max = m[3] === undefined ? min : m[4] === '' ? Infinity : Number(m[4]);
  return { min, max, length };
}

/** Skips a character class starting at `[`; returns the index just after its `]`. */
function skipClass(pattern: string, i: number): number {
  for (let j = i + 1; j < pattern.length; j++) {
    if (pattern[j] === '\\') j++;
    else if (pattern[j] === ']') return j + 1;
  }
  return pattern.length;
}

const HANG = 'which can hang on some inputs';

/** `message` has a `%` where the offending part of the pattern goes. */
function unsafe(pattern: string, start: number, end: number, message: string): GrammarIssue {
  return grammarIssue('REGEX_UNSAFE', message.replace('%', quoteForMessage(pattern.slice(start, end))), start, end);
}

function findUnsafe(pattern: string): GrammarIssue | undefined {
  const stack: Frame[] = [{ start: 0, variable: false, firstAtoms: [], atAltStart: true }];
  let i = 0;
  while (i < pattern.length) {
    const frame = stack[stack.length - 1]!;
    const ch = pattern[i]!;
    let atom = '*';
    let closed: Frame | undefined;
    if (ch === '(') {
      if (pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i)) {
        return unsafe(pattern, i, i + 4, 'Pattern uses a lookbehind (%), which is not allowed; rewrite it without.');
      }
      if (frame.atAltStart) frame.firstAtoms.push('*');
      frame.atAltStart = false;
      const prefix = /^\(\?(?::|=|!|<[A-Za-z_$][\w$]*>)/.exec(pattern.slice(i, i + 40));
      stack.push({ start: i, variable: false, firstAtoms: [], atAltStart: true });
      i += prefix ? prefix[0].length : 1;
      continue;
    }
    if (ch === '|') {
      frame.atAltStart = true;
      i++;
      continue;
    }
    if (ch === ')') {
      closed = stack.length > 1 ? stack.pop() : undefined;
      i++;
    } else if (ch === '[') {
      i = skipClass(pattern, i);
    } else if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) {
        return unsafe(pattern, i, i + 2, 'Pattern uses a backreference (%), which can be very slow; rewrite it without.');
      }
      atom = /[dDwWsSbBpPux]/.test(next) ? '*' : next;
      i += 2;
    } else {
      atom = ch === '.' || ch === '^' || ch === '$' ? '*' : ch;
      i++;
    }
    const owner = stack[stack.length - 1]!;
    if (!closed && owner.atAltStart) owner.firstAtoms.push(atom);
    owner.atAltStart = false;
    const q = readQuantifier(pattern, i);
    if (q) i += q.length;
    if (q && (q.min > MAX_REPEAT_COUNT || (q.max > MAX_REPEAT_COUNT && q.max !== Infinity))) {
      const count = q.max === Infinity ? q.min : q.max;
      return unsafe(pattern, i - q.length, i, `Pattern repeats up to ${count} times (%); keep counts at ${MAX_REPEAT_COUNT} or less.`);
    }
    const repeats = q !== undefined && q.max > 1;
    if (closed && repeats && closed.variable) {
      return unsafe(pattern, closed.start, i, `Pattern repeats a group that itself repeats (%), ${HANG}; remove one repetition.`);
    }
    if (closed && repeats && overlappingAlternatives(closed.firstAtoms)) {
      const message = `Pattern repeats alternatives that can overlap (%), ${HANG}; make them start differently.`;
      return unsafe(pattern, closed.start, i, message);
    }
    if (closed?.variable || (q && q.min !== q.max)) owner.variable = true;
  }
  return undefined;
}

function overlappingAlternatives(firstAtoms: string[]): boolean {
  if (firstAtoms.length < 2) return false;
  return firstAtoms.includes('*') || new Set(firstAtoms).size < firstAtoms.length;
}

const cache = new Map<string, RegExp | null>();
const CACHE_LIMIT = 1000;

/** A compiled pattern, or undefined when it is invalid or unsafe. Cached by pattern text. */
export function compileSafeRegex(pattern: string): RegExp | undefined {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit ?? undefined;
  let compiled: RegExp | null = null;
  if (!checkRegex(pattern)) compiled = new RegExp(pattern, regexFlags(pattern) ?? '');
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, compiled);
  return compiled ?? undefined;
}
