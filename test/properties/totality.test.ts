/**
 * e. Totality: the parsers and the compiler turn any input into results and diagnostics, never exceptions.
 * FC_RUNS / FC_SEED: see test/support/fc-settings.ts.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig, type Diagnostic, type IrScenario } from '../../compiler/index.js';
import { parseExpression, parseTemplate, type GrammarIssue } from '../../grammar/index.js';
import { Dialog } from '../../runtime/engine/index.js';
import { fcOptions, runs } from '../support/fc-settings.js';
import { structuralMutationArb, textMutationArb } from '../support/mutation-arbitrary.js';
import { ReferenceDialog } from '../support/reference-interpreter.js';
import { scenarioDocArb, scenarioText } from '../support/scenario-arbitrary.js';
import { messageArb } from '../support/user-input-arbitrary.js';

const TOKENS = [
  '(', ')', '[', ']', ',', '.', ' ', 'and', 'OR', 'not', 'NOT', '&&', '||', '!', '==', '!=', '=', '<', '<=', '>', '>=', '+', '-', '*', '/',
  '"', "'", '"a"', "'b'", '"\\"', '\\', 'x', 'choice', 'user.first_name', 'user.', '1', '2.5', '1e3', '-0', 'contains', 'matches', '"(a+)+$"',
  'in', 'is', 'empty', 'set', 'true', 'false', 'null', '{{', '}}', '{', '}', '|', ':', 'default', 'default:', 'upper', 'nope', '\n', '\u00e9', '\ud800',
];

/** Arbitrary text: UTF-16 code units, full Unicode, and strings built from expression/template tokens. */
const sourceArb = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 30 }),
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 400 }).map((t) => t.join('')),
);

function checkIssues(issues: readonly GrammarIssue[], length: number): void {
  expect(Array.isArray(issues)).toBe(true);
  for (const i of issues) {
    expect(typeof i.code).toBe('string');
    expect(i.message).not.toMatch(/internal error/i);
    expect(i.span.start).toBeGreaterThanOrEqual(0);
    expect(i.span.start).toBeLessThanOrEqual(i.span.end);
    expect(i.span.end).toBeLessThanOrEqual(length);
  }
}

/** Lines as the compiler counts them: \n, \r\n and a lone \r end a line. */
const lineLengths = (text: string): number[] => text.split(/\r\n|\n|\r/).map((l) => l.length);

function checkCompile(text: string): ReturnType<typeof compileScenario> {
  const result = compileScenario(text, { file: 'fuzz.json' });
  const lines = lineLengths(text);
  const errors = result.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
  // An IR exactly when there is no error.
  expect(result.ir === undefined, JSON.stringify(result.diagnostics.map((d) => d.code))).toBe(errors.length > 0);
  if (result.ir === undefined) expect(errors.length).toBeGreaterThan(0);
  for (const d of result.diagnostics) {
    expect(d.line, JSON.stringify(d)).toBeGreaterThanOrEqual(1);
    expect(d.column, JSON.stringify(d)).toBeGreaterThanOrEqual(1);
    expect(d.line, JSON.stringify(d)).toBeLessThanOrEqual(lines.length);
    expect(d.column, JSON.stringify(d)).toBeLessThanOrEqual(lines[d.line - 1]! + 1);
    expect(d.endLine > d.line || (d.endLine === d.line && d.endColumn >= d.column), JSON.stringify(d)).toBe(true);
    expect(d.file).toBe('fuzz.json');
    expect(['error', 'warning', 'info']).toContain(d.severity);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.message).not.toMatch(/internal error|\[object Object\]/i);
    if (!text.includes('undefined')) expect(d.message, JSON.stringify(d)).not.toMatch(/\bundefined\b/);
  }
  return result;
}

describe('e. parsers and compiler are total', () => {
  it('parseExpression returns an expression or issues, never throws', () => {
    fc.assert(
      fc.property(sourceArb, (source) => {
        const r = parseExpression(source);
        expect(r.expr !== undefined || r.issues.length > 0).toBe(true);
        checkIssues(r.issues, source.length);
      }),
      fcOptions,
    );
  });

  it('parseTemplate returns a template or issues, never throws', () => {
    fc.assert(
      fc.property(sourceArb, (source) => {
        const r = parseTemplate(source);
        expect(r.template !== undefined || r.issues.length > 0).toBe(true);
        checkIssues(r.issues, source.length);
      }),
      fcOptions,
    );
  });

  it('compileScenario never throws on arbitrary text and JSON, and places every diagnostic in the text', () => {
    const jsonish = fc.oneof(fc.json(), fc.jsonValue().map((v) => JSON.stringify(v)), sourceArb);
    fc.assert(fc.property(jsonish, (text) => void checkCompile(text)), fcOptions);
  });

  it('compileScenario never throws on character-level mutations of valid scenarios', () => {
    let compiled = 0;
    fc.assert(fc.property(textMutationArb, (text) => void (checkCompile(text).ir && compiled++)), fcOptions);
    // Some mutations keep the document valid (inside a message, say), most do not.
    expect(compiled).toBeLessThan(runs);
  });

  it('compileScenario never throws on structural mutations of valid scenarios; the survivors run like the reference', () => {
    const stats = { compiled: 0, rejected: 0, codes: new Set<string>() };
    fc.assert(
      fc.property(structuralMutationArb, fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), (text, picks) => {
        const result = checkCompile(text);
        result.diagnostics.forEach((d) => stats.codes.add(d.code));
        if (!result.ir) {
          stats.rejected++;
          return;
        }
        stats.compiled++;
        // Whatever compiles also runs: the engine neither throws nor disagrees with the reference interpreter.
        const messages = fc.sample(messageArb(result.ir), { seed: picks[0]!, numRuns: picks.length });
        const engine = new Dialog(emitMachineConfig(result.ir));
        const ref = new ReferenceDialog(result.ir);
        messages.forEach((m, i) => {
          const a = engine.send(m);
          const b = ref.send(m);
          const same = isDeepStrictEqual(a.effects, b.effects) && a.step === b.step && isDeepStrictEqual(engine.vars, ref.vars);
          if (!same) {
            throw new Error(`engine and reference differ at message ${i} of ${JSON.stringify(messages)}\nengine ${JSON.stringify(a)} ${JSON.stringify(engine.vars)}\nreference ${JSON.stringify(b)} ${JSON.stringify(ref.vars)}\nscenario ${text}`);
          }
        });
        engine.stop();
      }),
      fcOptions,
    );
    expect(stats.rejected).toBeGreaterThan(runs / 10);
    expect(stats.compiled).toBeGreaterThan(runs / 20);
    expect(stats.codes.size).toBeGreaterThan(Math.min(10, runs / 5));
  });

  it('a generated scenario compiles to the same IR however it is formatted (the hash is of the source text)', () => {
    const meaning = (ir: IrScenario | undefined) => ir && { ...ir, hash: undefined };
    fc.assert(
      fc.property(scenarioDocArb, (doc) => {
        const pretty = compileScenario(scenarioText(doc), { file: 'a.json' });
        const compact = compileScenario(JSON.stringify(doc), { file: 'a.json' });
        expect(meaning(compact.ir)).toEqual(meaning(pretty.ir));
        expect(compact.diagnostics.map((d) => d.code)).toEqual(pretty.diagnostics.map((d) => d.code));
        expect(compact.diagnostics.map((d) => d.message)).toEqual(pretty.diagnostics.map((d) => d.message));
      }),
      fcOptions,
    );
  });
});
