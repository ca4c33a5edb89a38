import { grammarIssue, quoteForMessage, type GrammarIssue } from './issues.js';

/**
 * Regex safety for user-written patterns (`matches "..."` and input validation).
 * A small scanner rejects the constructs behind catastrophic backtracking. It is deliberately
 * conservative: a safe pattern may be refused, the classic dangerous shapes must not pass.
 * One file on purpose: the scanner and the rules it feeds read best side by side.
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
  return new Scanner(pattern, regexFlags(pattern) ?? '').scan();
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

/** A long repetition seen earlier that a later one could compete with for the same characters. */
interface Pending {
  start: number;
  /** Characters the repeated atom matches; undefined means "anything" (groups, odd escapes). */
  chars: RegExp | undefined;
  literals: string;
}

interface Frame {
  start: number;
  /** Contains a quantifier whose count can vary (`*`, `+`, `?`, `{1,3}`). */
  variable: boolean;
  /** First atom of each `|` alternative; '*' when it is not a plain literal character. */
  firstAtoms: string[];
  atAltStart: boolean;
  hasAlt: boolean;
  /** `(?=` / `(?!`: consumes nothing, so it separates nothing. */
  lookahead: boolean;
  /** Pending repetitions already cut off, inside this group's current alternative, by a character they cannot match. */
  separated: Set<Pending>;
  /** Pending repetitions created in this group's current alternative. */
  created: Pending[];
  /** Those of earlier alternatives: hidden from later alternatives, back in play after the group. */
  parked: Pending[];
}

const ESCAPE = /^\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|[pP]\{[^}]*\}|0\d*|[\s\S])/;
/** Wide ranges count as long repetitions: `.{0,900}` competes like `.*`. */
const LONG_RANGE = 20;
const SAMPLE = [...Array.from({ length: 256 }, (_, c) => String.fromCharCode(c)), '\u0100', 'Ж', '中', '\u2028', '\u{1F600}'];

function isLong(q: Quantifier): boolean {
  return q.max === Infinity || q.max - q.min > LONG_RANGE;
}

function newFrame(start: number, lookahead = false): Frame {
  return { start, variable: false, firstAtoms: [], atAltStart: true, hasAlt: false, lookahead, separated: new Set(), created: [], parked: [] };
}

function overlaps(a: Pending, chars: RegExp | undefined, literals: string): boolean {
  if (!a.chars || !chars) return true;
  const both = [...SAMPLE, ...a.literals, ...literals];
  return both.some((c) => a.chars!.test(c) && chars.test(c));
}

class Scanner {
  private readonly stack: Frame[] = [newFrame(0)];
  private readonly pending: Pending[] = [];
  private i = 0;

  constructor(
    private readonly pattern: string,
    private readonly flags: string,
  ) {}

  scan(): GrammarIssue | undefined {
    const p = this.pattern;
    while (this.i < p.length) {
      const frame = this.stack[this.stack.length - 1]!;
      const start = this.i;
      const ch = p[start]!;
      if (ch === '(') {
        if (p.startsWith('(?<=', start) || p.startsWith('(?<!', start)) {
          return unsafe(p, start, start + 4, 'Pattern uses a lookbehind (%), which is not allowed; rewrite it without.');
        }
        if (frame.atAltStart) frame.firstAtoms.push('*');
        frame.atAltStart = false;
        this.stack.push(newFrame(start, p.startsWith('(?=', start) || p.startsWith('(?!', start)));
        this.i += /^\(\?(?::|=|!|<[A-Za-z_$][\w$]*>)/.exec(p.slice(start, start + 40))?.[0].length ?? 1;
        continue;
      }
      if (ch === '|') {
        this.alternative(frame);
        continue;
      }
      if (ch === ')' && this.stack.length > 1) {
        this.i++;
        const issue = this.closeGroup(this.stack.pop()!);
        if (issue) return issue;
        continue;
      }
      let atom = '*';
      if (ch === '[') this.i = skipClass(p, start);
      else if (ch === '\\') {
        const next = p[start + 1] ?? '';
        if (/[1-9]/.test(next) || (next === 'k' && p[start + 2] === '<')) {
          return unsafe(p, start, start + 2, 'Pattern uses a backreference (%), which can be very slow; rewrite it without.');
        }
        atom = /[\w]/.test(next) ? '*' : next;
        this.i += ESCAPE.exec(p.slice(start, start + 20))?.[0].length ?? 2;
      } else {
        atom = ch === '.' || ch === '^' || ch === '$' ? '*' : ch;
        this.i++;
      }
      if (frame.atAltStart) frame.firstAtoms.push(atom);
      frame.atAltStart = false;
      const issue = this.atom(frame, start, p.slice(start, this.i));
      if (issue) return issue;
    }
    return undefined;
  }

  private alternative(frame: Frame): void {
    // Alternatives never follow one another: park the previous one's repetitions until the group ends.
    const parked = new Set(frame.created);
    for (let k = this.pending.length - 1; k >= 0; k--) if (parked.has(this.pending[k]!)) this.pending.splice(k, 1);
    frame.parked.push(...frame.created);
    Object.assign(frame, { atAltStart: true, hasAlt: true, separated: new Set(), created: [] });
    this.i++;
  }

  private quantifier(): Quantifier | GrammarIssue | undefined {
    const q = readQuantifier(this.pattern, this.i);
    if (!q) return undefined;
    this.i += q.length;
    if (q.min > MAX_REPEAT_COUNT || (q.max > MAX_REPEAT_COUNT && q.max !== Infinity)) {
      const count = q.max === Infinity ? q.min : q.max;
      return unsafe(this.pattern, this.i - q.length, this.i, `Pattern repeats up to ${count} times (%); keep counts at ${MAX_REPEAT_COUNT} or less.`);
    }
    return q;
  }

  private atom(frame: Frame, start: number, text: string): GrammarIssue | undefined {
    const q = this.quantifier();
    if (q && 'code' in q) return q;
    if (q && q.min !== q.max) frame.variable = true;
    if (/^[$^]$|^\\[bB]$/.test(text)) return undefined; // assertions match no characters
    let chars: RegExp | undefined;
    try {
      chars = new RegExp(`^(?:${text})$`, this.flags);
    } catch {
      chars = undefined;
    }
    const long = q !== undefined && isLong(q);
    const issue = long ? this.rivalry(start, chars, text) : undefined;
    if (issue) return issue;
    // A character that must appear and that an earlier repetition cannot match ends that repetition's reach.
    if (chars && (q?.min ?? 1) >= 1) {
      for (const entry of this.pending) if (!overlaps(entry, chars, text)) frame.separated.add(entry);
    }
    if (long) this.addPending(frame, start, chars, text);
    return undefined;
  }

  /** Unsafe when an earlier long repetition can match the same characters and more pattern follows. */
  private rivalry(start: number, chars: RegExp | undefined, literals: string): GrammarIssue | undefined {
    const rival = this.pending.find((e) => !this.stack.some((f) => f.separated.has(e)) && overlaps(e, chars, literals));
    if (!rival || /^\)*$/.test(this.pattern.slice(this.i))) return undefined;
    const message = `Pattern has repetitions that compete for the same text (%), ${HANG}; separate them with a character the first cannot match.`;
    return unsafe(this.pattern, Math.min(rival.start, start), this.i, message);
  }

  private addPending(frame: Frame, start: number, chars: RegExp | undefined, literals: string): void {
    const entry: Pending = { start, chars, literals };
    this.pending.push(entry);
    frame.created.push(entry);
  }

  private closeGroup(closed: Frame): GrammarIssue | undefined {
    const parent = this.stack[this.stack.length - 1]!;
    this.pending.push(...closed.parked);
    parent.created.push(...closed.created, ...closed.parked);
    const q = this.quantifier();
    if (q && 'code' in q) return q;
    const repeats = q !== undefined && q.max > 1;
    if (repeats && closed.variable) {
      return unsafe(this.pattern, closed.start, this.i, `Pattern repeats a group that itself repeats (%), ${HANG}; remove one repetition.`);
    }
    if (repeats && overlappingAlternatives(closed.firstAtoms)) {
      const message = `Pattern repeats alternatives that can overlap (%), ${HANG}; make them start differently.`;
      return unsafe(this.pattern, closed.start, this.i, message);
    }
    if (closed.variable || (q && q.min !== q.max)) parent.variable = true;
    if (q && isLong(q)) {
      const issue = this.rivalry(closed.start, undefined, '');
      if (issue) return issue;
      this.addPending(parent, closed.start, undefined, '');
      return undefined;
    }
    // A group that must match keeps the separations made inside it.
    if ((q?.min ?? 1) >= 1 && !closed.hasAlt && !closed.lookahead) for (const e of closed.separated) parent.separated.add(e);
    return undefined;
  }
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
