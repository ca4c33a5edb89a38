import type { Expr, Literal } from './ast.js';

// Canonical source: lowercase keywords, double-quoted strings, only the parentheses precedence needs.

const PREC = { or: 1, and: 2, not: 3, test: 4, sum: 5, product: 6, unary: 7, atom: 8 } as const;

function precedence(e: Expr): number {
  switch (e.kind) {
    case 'or':
      return PREC.or;
    case 'and':
      return PREC.and;
    case 'not':
      return PREC.not;
    case 'compare':
    case 'contains':
    case 'matches':
    case 'in':
    case 'is':
      return PREC.test;
    case 'arith':
      return e.op === '+' || e.op === '-' ? PREC.sum : PREC.product;
    case 'neg':
      return PREC.unary;
    case 'literal':
      // A negative number prints with a leading minus, which reads back as unary minus.
      return typeof e.value === 'number' && (e.value < 0 || Object.is(e.value, -0)) ? PREC.unary : PREC.atom;
    case 'ref':
      return PREC.atom;
  }
}

export function printExpression(expr: Expr): string {
  return at(expr, PREC.or);
}

/** Prints `e` where the grammar expects precedence `min` or tighter, adding parentheses otherwise. */
function at(e: Expr, min: number): string {
  const text = bare(e);
  return precedence(e) < min ? `(${text})` : text;
}

function bare(e: Expr): string {
  switch (e.kind) {
    case 'or':
      return `${at(e.left, PREC.or)} or ${at(e.right, PREC.and)}`;
    case 'and':
      return `${at(e.left, PREC.and)} and ${at(e.right, PREC.not)}`;
    case 'not':
      return `not ${at(e.operand, PREC.not)}`;
    case 'compare':
      return `${at(e.left, PREC.sum)} ${e.op} ${at(e.right, PREC.sum)}`;
    case 'contains':
      return `${at(e.subject, PREC.sum)} contains ${at(e.needle, PREC.sum)}`;
    case 'matches':
      return `${at(e.subject, PREC.sum)} matches ${quoteString(e.pattern)}`;
    case 'in': {
      const items = e.list.map((item) => at(item, PREC.or)).join(', ');
      return `${at(e.subject, PREC.sum)} ${e.negated ? 'not in' : 'in'} [${items}]`;
    }
    case 'is':
      return `${at(e.subject, PREC.sum)} is ${e.negated ? 'not ' : ''}${e.test}`;
    case 'arith': {
      const p = e.op === '+' || e.op === '-' ? PREC.sum : PREC.product;
      return `${at(e.left, p)} ${e.op} ${at(e.right, p + 1)}`;
    }
    case 'neg':
      return `-${at(e.operand, PREC.unary)}`;
    case 'literal':
      return printLiteral(e.value);
    case 'ref':
      return e.path.join('.');
  }
}

export function printLiteral(value: Literal): string {
  if (typeof value === 'string') return quoteString(value);
  if (typeof value === 'number') return printNumber(value);
  return String(value);
}

/** Double-quoted with escapes the lexer reads back; works per UTF-16 unit so lone surrogates survive. */
export function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Plain decimal digits (the grammar has no exponent form); NaN and Infinity have no source form. */
export function printNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  if (n < 0 || Object.is(n, -0)) return `-${printNumber(-n)}`;
  const text = String(n);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const [whole, frac = ''] = text.slice(0, e).split('.') as [string, string?];
  const digits = whole + frac;
  const point = whole.length + Number(text.slice(e + 1));
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}
