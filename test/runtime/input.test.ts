import { describe, expect, it } from 'vitest';
import { parseInput } from '../../runtime/engine/index.js';
import type { IrInput } from '../../compiler/index.js';

const input = (type: IrInput['type'], validation: IrInput['validation'] = {}, buttons: IrInput['buttons'] = []): IrInput => ({
  type,
  variable: 'v',
  validation,
  errorMessage: { parts: [] },
  sensitive: false,
  buttons,
});
const text = (t: string | undefined) => ({ type: 'user.input' as const, text: t });
const value = (i: IrInput, t: string | undefined) => {
  const r = parseInput(i, text(t));
  return r.ok ? r.value : 'INVALID';
};

describe('input validation', () => {
  it.each([
    ['text', '  Ann  ', 'Ann'],
    ['text', '   ', 'INVALID'],
    ['text', undefined, 'INVALID'],
    ['number', '12', 12],
    ['number', '-3.5', -3.5],
    ['number', '3,5', 3.5],
    ['number', '1e5', 'INVALID'],
    ['number', 'twelve', 'INVALID'],
    ['integer', '42', 42],
    ['integer', '4.2', 'INVALID'],
    ['integer', '99999999999999999999', 'INVALID'],
    ['email', 'ann@example.com', 'ann@example.com'],
    ['email', 'ann@example', 'INVALID'],
    ['email', 'a b@example.com', 'INVALID'],
    ['phone', '+1 (555) 123-4567', '+15551234567'],
    ['phone', '555-12', 'INVALID'],
    ['phone', '12345678901234567', 'INVALID'],
    ['date', '2024-02-29', '2024-02-29'],
    ['date', '2023-02-29', 'INVALID'],
    ['date', '29.02.2024', 'INVALID'],
  ] as const)('%s %j -> %j', (type, t, expected) => {
    expect(value(input(type), t)).toEqual(expected);
  });

  it('applies min, max, length and pattern rules', () => {
    expect(value(input('integer', { min: 13, max: 120 }), '12')).toBe('INVALID');
    expect(value(input('integer', { min: 13, max: 120 }), '13')).toBe(13);
    expect(value(input('integer', { min: 13, max: 120 }), '121')).toBe('INVALID');
    expect(value(input('text', { minLength: 2, maxLength: 3 }), 'A')).toBe('INVALID');
    expect(value(input('text', { minLength: 2, maxLength: 3 }), 'Ann')).toBe('Ann');
    expect(value(input('text', { pattern: '^[A-Z]{3}$' }), 'ABC')).toBe('ABC');
    expect(value(input('text', { pattern: '^[A-Z]{3}$' }), 'abc')).toBe('INVALID');
  });

  it('accepts a pressed button by value, typed text or value case-insensitively, nothing else', () => {
    const b = input('button', {}, [
      { text: 'Tell me more', value: 'more_info' },
      { text: 'Goodbye', value: 'end' },
    ]);
    expect(parseInput(b, { type: 'user.input', press: 'end' })).toEqual({ ok: true, value: 'end' });
    expect(parseInput(b, { type: 'user.input', press: 'other' })).toEqual({ ok: false });
    expect(value(b, ' goodbye ')).toBe('end');
    expect(value(b, 'MORE_INFO')).toBe('more_info');
    expect(value(b, 'bye')).toBe('INVALID');
  });
});
