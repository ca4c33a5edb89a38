import { compileRegex } from '../regex.js';
import type { Expr } from './ast.js';

/**
 * Semantics (total: never throws, never coerces surprisingly):
 * - `==` / `!=`: same-type strict equality; a number vs a numeric string compares as numbers
 *   ("5" == 5); undefined == null; other mixed types are unequal. `!=` is the negation of `==`.
 * - `< <= > >=`: numbers numerically, strings by code unit (ISO dates order correctly); else false.
 * - `and` / `or` / `not`: on truthiness (undefined, null, false, 0, NaN and "" are falsy); return booleans.
 * - `contains`: case-insensitive substring test of two strings; anything else is false.
 * - `matches`: RE2 search in a string subject (first 1000 chars); non-strings and refused patterns are false.
 * - `in`: `==` against any element. `is empty`: undefined, null, blank string or empty array.
 *   `is set`: neither undefined nor null.
 * - `+`: numbers add; if either side is a string, the string forms are joined (undefined/null as "").
 *   `- * /` need two numbers. Any non-finite result (overflow, division by zero) is null.
 * - An object or array returned by lookup is "set" and truthy but unequal to everything, and it
 *   makes arithmetic null. As a final result it evaluates to `true`, since Value has no object case.
 */

export type Value = string | number | boolean | null | undefined;

/** Stands in for an object or array found by lookup. */
class Opaque {
  constructor(readonly empty: boolean) {}
}
type Val = Value | Opaque;

export const MATCH_SUBJECT_LIMIT = 1000;

export function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  return !(typeof v === 'number' && Number.isNaN(v));
}

export function evaluate(expr: Expr, lookup: (path: readonly string[]) => unknown): Value {
  let lookupFailure: { error: unknown } | undefined;
  const read = (path: readonly string[]): Val => {
    try {
      return normalize(lookup(path));
    } catch (error) {
      lookupFailure = { error };
      throw error;
    }
  };
  try {
    const v = evalNode(expr, read);
    return v instanceof Opaque ? true : v;
  } catch (error) {
    // The caller's own lookup errors are theirs to see; malformed or absurdly deep ASTs yield undefined.
    if (lookupFailure) throw lookupFailure.error;
    return undefined;
  }
}

function normalize(raw: unknown): Val {
  switch (typeof raw) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return raw;
    default:
      if (raw === null) return null;
      return new Opaque(Array.isArray(raw) && raw.length === 0);
  }
}

function isTruthy(v: Val): boolean {
  return v instanceof Opaque || truthy(v);
}

const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

export function looseEquals(a: Val, b: Val): boolean {
  if (a instanceof Opaque || b instanceof Opaque) return false;
  if (a === undefined || a === null) return b === undefined || b === null;
  if (typeof a === typeof b) return a === b;
  if (typeof a === 'number' && typeof b === 'string') return NUMERIC.test(b) && a === Number(b);
  if (typeof a === 'string' && typeof b === 'number') return NUMERIC.test(a) && Number(a) === b;
  return false;
}

function order(op: string, a: Val, b: Val): boolean {
  const comparable = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!comparable) return false;
  const [x, y] = [a, b] as [number, number];
  if (op === '<') return x < y;
  if (op === '<=') return x <= y;
  if (op === '>') return x > y;
  return x >= y;
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

function stringForm(v: Val): string {
  return v === undefined || v === null ? '' : String(v);
}

function arith(op: string, a: Val, b: Val): Val {
  if (a instanceof Opaque || b instanceof Opaque) return null;
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) return stringForm(a) + stringForm(b);
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  if (op === '+') return finite(a + b);
  if (op === '-') return finite(a - b);
  if (op === '*') return finite(a * b);
  return b === 0 ? null : finite(a / b);
}

function isEmpty(v: Val): boolean {
  if (v instanceof Opaque) return v.empty;
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

// Direct recursion without closures or temporary arrays: this runs on every guard of every message.
function evalNode(e: Expr, read: (path: readonly string[]) => Val): Val {
  switch (e.kind) {
    case 'literal':
      return normalize(e.value);
    case 'ref':
      return read(e.path);
    case 'not':
      return !isTruthy(evalNode(e.operand, read));
    case 'and':
      return isTruthy(evalNode(e.left, read)) && isTruthy(evalNode(e.right, read));
    case 'or':
      return isTruthy(evalNode(e.left, read)) || isTruthy(evalNode(e.right, read));
    case 'neg': {
      const v = evalNode(e.operand, read);
      return typeof v === 'number' ? finite(-v) : null;
    }
    case 'compare': {
      const a = evalNode(e.left, read);
      const b = evalNode(e.right, read);
      if (e.op === '==') return looseEquals(a, b);
      if (e.op === '!=') return !looseEquals(a, b);
      return order(e.op, a, b);
    }
    case 'arith':
      return arith(e.op, evalNode(e.left, read), evalNode(e.right, read));
    case 'contains': {
      const s = evalNode(e.subject, read);
      const n = evalNode(e.needle, read);
      return typeof s === 'string' && typeof n === 'string' && s.toLowerCase().includes(n.toLowerCase());
    }
    case 'matches': {
      const s = evalNode(e.subject, read);
      const re = typeof s === 'string' ? compileRegex(e.pattern) : undefined;
      return re !== undefined && re.test((s as string).slice(0, MATCH_SUBJECT_LIMIT));
    }
    case 'in': {
      const s = evalNode(e.subject, read);
      let found = false;
      for (const item of e.list) {
        if (looseEquals(s, evalNode(item, read))) {
          found = true;
          break;
        }
      }
      return found !== e.negated;
    }
    case 'is': {
      const v = evalNode(e.subject, read);
      const result = e.test === 'empty' ? isEmpty(v) : v !== undefined && v !== null;
      return e.negated ? !result : result;
    }
    default:
      return undefined;
  }
}
