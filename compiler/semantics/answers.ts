import { compileRegex } from '../../grammar/index.js';
import type { InputType } from '../scenario/ast.js';
import type { IrValidation } from '../ir/types.js';

/**
 * What an answer to a typed question means: the value stored, or invalid. The checker uses it to know which
 * literals an input can produce; the engine uses it to validate answers.
 */
export type ParsedAnswer = { readonly ok: true; readonly value: string | number } | { readonly ok: false };

export interface AnswerSpec {
  readonly type: Exclude<InputType, 'button'>;
  readonly validation: IrValidation;
}

const INVALID: ParsedAnswer = { ok: false };
/** Longer answers are refused: no platform sends more, and patterns stay cheap. */
const MAX_INPUT_LENGTH = 4096;
const NUMBER = /^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$/;
const INTEGER = /^[+-]?\d+$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const PHONE = /^\+?[\d\s().-]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function lengthOk(input: AnswerSpec, text: string): boolean {
  const { minLength, maxLength } = input.validation;
  const n = [...text].length;
  return (minLength === undefined || n >= minLength) && (maxLength === undefined || n <= maxLength);
}

function rangeOk(input: AnswerSpec, value: number): boolean {
  const { min, max } = input.validation;
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

/** Patterns only ever see this much text, which bounds their cost (linear in the text; see grammar/regex.ts). */
const MAX_PATTERN_SUBJECT = 1000;

function patternOk(input: AnswerSpec, text: string): boolean {
  if (input.validation.pattern === undefined) return true;
  if (text.length > MAX_PATTERN_SUBJECT) return false;
  const re = compileRegex(input.validation.pattern);
  return re !== undefined && re.test(text);
}

/** Validates a typed answer (anything but a button press) and returns the value to store. */
export function parseAnswer(input: AnswerSpec, raw: string): ParsedAnswer {
  if (raw.length > MAX_INPUT_LENGTH) return INVALID;
  const text = raw.trim();
  if (text === '' || !patternOk(input, text)) return INVALID;
  switch (input.type) {
    case 'text':
      return lengthOk(input, text) ? { ok: true, value: text } : INVALID;
    case 'number':
    case 'integer': {
      if (!(input.type === 'number' ? NUMBER : INTEGER).test(text)) return INVALID;
      const value = Number(text.replace(',', '.'));
      if (!Number.isFinite(value) || (input.type === 'integer' && !Number.isSafeInteger(value))) return INVALID;
      return rangeOk(input, value) ? { ok: true, value } : INVALID;
    }
    case 'email':
      return text.length <= 254 && EMAIL.test(text) && lengthOk(input, text) ? { ok: true, value: text } : INVALID;
    case 'phone': {
      if (!PHONE.test(text)) return INVALID;
      const digits = text.replace(/\D/g, '');
      if (digits.length < 7 || digits.length > 15) return INVALID;
      const value = (text.startsWith('+') ? '+' : '') + digits;
      return lengthOk(input, value) ? { ok: true, value } : INVALID;
    }
    case 'date':
      return validDate(text) ? { ok: true, value: text } : INVALID;
  }
}
