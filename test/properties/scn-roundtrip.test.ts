/**
 * Properties of the .scn text language against the JSON form, on generated scenarios
 * (test/support/scenario-arbitrary.ts, test/support/scn-arbitrary.ts, test/support/mutation-arbitrary.ts):
 *
 *   1. JSON -> .scn -> JSON keeps the meaning: the same IR (the hash aside) and diagnostics, and for scenarios
 *      the checker rejects, the same AST and the same diagnostic codes;
 *   2. `fmt` (formatScn) is idempotent, keeps every comment and the meaning, whatever the layout it starts from;
 *   3. printing a scenario as .scn and reading it back gives the same AST, for every feature of the language;
 *   4. reading, compiling and formatting .scn text is total: no exception, diagnostics inside the text, an IR
 *      exactly when there is no error, at most one syntax issue per line.
 *
 * Knobs (fixed defaults, so CI is reproducible; see test/support/fc-settings.ts):
 *   FC_RUNS  cases per property (default 100)
 *   FC_SEED  the seed (default 20261124); a failure prints the seed and path to replay it
 *
 * Each property also counts what it saw and asserts the counts, so it cannot pass vacuously.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileScenario,
  convertScenario,
  formatScn,
  hasErrors,
  printScn,
  readScenario,
  withoutPlaces,
  type Diagnostic,
  type IrScenario,
  type ScenarioAst,
} from '../../compiler/index.js';
import { scnExpression } from '../../compiler/print/scn.js';
import { parseScn } from '../../grammar/index.js';
import { fcOptions, runs } from '../support/fc-settings.js';
import { structuralMutationArb } from '../support/mutation-arbitrary.js';
import { scenarioDocArb, scenarioText } from '../support/scenario-arbitrary.js';
import { DSL_KEYWORDS, mutatedScnArb, relayoutArb, scnNoiseArb, wideDocArb, wideDocText, wrongScenarioArb } from '../support/scn-arbitrary.js';

const meaning = (ir: IrScenario | undefined) => ir && { ...ir, hash: undefined };
/** Diagnostic codes as a multiset (sorted), with their severities. */
const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.severity} ${d.code}`).sort();
const sorted = (xs: Iterable<string>): string[] => [...xs].sort();
/** The diagnostics of checking only: those of compiling that reading alone does not give. */
function checkCodes(text: string, file: string): string[] {
  const read = codes(readScenario(text, file).diagnostics);
  const all = codes(compileScenario(text, { file }).diagnostics);
  for (const c of read) {
    const i = all.indexOf(c);
    if (i >= 0) all.splice(i, 1);
  }
  return all;
}

/** Converts, failing with the reason when the converter refuses. */
function convert(text: string, from: string, to: string): string {
  const r = convertScenario(text, from, to);
  if (r.text === undefined) throw new Error(`${from} -> ${to} refused: ${r.failure ?? JSON.stringify(codes(r.diagnostics))}\n${text}`);
  expect(r.notes).toEqual([]);
  return r.text;
}

/**
 * Whether an expression fits on its .scn line: something there, no `#` outside quotes (a comment starts there) and,
 * on a `when` line, every quote closed (else the quote runs on over `go STEP`).
 */
function fitsOnALine(expr: string, when: boolean): boolean {
  const e = scnExpression(expr);
  let quote = '';
  for (let i = 0; i < e.length; i++) {
    const c = e[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return false;
  }
  return e !== '' && (quote === '' || !when);
}

const representable = (ast: ScenarioAst): boolean =>
  ast.steps.every(
    (s) =>
      s.set.every((a) => fitsOnALine(a.expr.value, false)) &&
      (s.next?.kind !== 'conditional' || s.next.conditions.every((c) => !c.if || fitsOnALine(c.if.value, true))),
  );

describe('1. JSON -> .scn -> JSON keeps the meaning', () => {
  it('a generated scenario compiles to the same IR, with the same diagnostics, in all three forms', () => {
    const stats = { ir: 0, rejected: 0, warnings: 0 };
    fc.assert(
      fc.property(scenarioDocArb, (doc) => {
        const json = scenarioText(doc);
        const a = compileScenario(json, { file: 'a.json' });
        const scn = convert(json, 'a.json', 'a.scn');
        const b = compileScenario(scn, { file: 'a.scn' });
        const json2 = convert(scn, 'a.scn', 'a.json');
        const c = compileScenario(json2, { file: 'a.json' });
        expect(meaning(b.ir), scn).toEqual(meaning(a.ir));
        expect(meaning(c.ir), json2).toEqual(meaning(a.ir));
        expect(codes(b.diagnostics), scn).toEqual(codes(a.diagnostics));
        expect(codes(c.diagnostics), json2).toEqual(codes(a.diagnostics));
        // The ASTs too (they decide what the checker says about scenarios it rejects).
        expect(withoutPlaces(b.ast)).toEqual(withoutPlaces(a.ast));
        expect(withoutPlaces(c.ast)).toEqual(withoutPlaces(a.ast));
        if (a.ir) stats.ir++;
        else stats.rejected++;
        stats.warnings += a.diagnostics.filter((d) => d.severity === 'warning').length;
      }),
      fcOptions,
    );
    expect(stats.ir).toBeGreaterThan(runs * 0.8);
    expect(stats.warnings).toBeGreaterThan(runs);
  });

  it('a scenario the checker rejects reads back as the same AST, with the same diagnostic codes', () => {
    const stats = { rejected: 0, compiled: 0, unreadable: 0, unrepresentable: 0, codes: new Set<string>() };
    fc.assert(
      fc.property(fc.oneof({ weight: 3, arbitrary: wrongScenarioArb }, { weight: 1, arbitrary: structuralMutationArb }), (json) => {
        const read = readScenario(json, 'a.json');
        if (!read.ast || hasErrors(read.diagnostics)) {
          // Reading found errors: nothing to convert, and the converter says so.
          expect(convertScenario(json, 'a.json', 'a.scn').text).toBeUndefined();
          stats.unreadable++;
          return;
        }
        const scn = convertScenario(json, 'a.json', 'a.scn');
        if (!representable(read.ast)) {
          // An empty expression, or one with a `#` outside quotes or an open quote, cannot stand on a .scn line.
          expect(scn.failure, json).toMatch(/would not read back/);
          stats.unrepresentable++;
          return;
        }
        if (scn.text === undefined) throw new Error(`JSON -> .scn refused: ${scn.failure}\n${json}`);
        const scnRead = readScenario(scn.text, 'a.scn');
        expect(codes(scnRead.diagnostics), scn.text).toEqual([]);
        const json2 = convert(scn.text, 'a.scn', 'a.json');
        expect(withoutPlaces(scnRead.ast), scn.text).toEqual(withoutPlaces(read.ast));
        expect(withoutPlaces(readScenario(json2, 'a.json').ast), json2).toEqual(withoutPlaces(read.ast));
        // What the checker says is the same (reading JSON may add warnings of its own, e.g. unknown fields).
        const checked = checkCodes(json, 'a.json');
        expect(checkCodes(scn.text, 'a.scn'), scn.text).toEqual(checked);
        expect(checkCodes(json2, 'a.json'), json2).toEqual(checked);
        const ir = compileScenario(json, { file: 'a.json' }).ir;
        expect(meaning(compileScenario(scn.text, { file: 'a.scn' }).ir)).toEqual(meaning(ir));
        if (ir) stats.compiled++;
        else {
          stats.rejected++;
          checked.forEach((c) => c.startsWith('error') && stats.codes.add(c));
        }
      }),
      fcOptions,
    );
    const shown = JSON.stringify({ ...stats, codes: [...stats.codes] });
    expect(stats.rejected, shown).toBeGreaterThan(runs / 10);
    expect(stats.compiled, shown).toBeGreaterThan(runs / 20);
    expect(stats.unreadable, shown).toBeGreaterThan(0);
    expect(stats.codes.size, shown).toBeGreaterThan(Math.min(5, runs / 20));
  });
});

const commentTexts = (text: string): string[] => sorted(parseScn(text).comments.map((c) => c.text));

describe('2. fmt is idempotent, keeps the comments and the meaning', () => {
  it('formats any layout of a scenario to a fixed point that reads as the same AST, comments kept', () => {
    const stats = { comments: 0, crlf: 0, cr: 0, tabs: 0, moved: 0, tail: 0 };
    fc.assert(
      fc.property(relayoutArb, (r) => {
        const original = withoutPlaces(readScenario(r.canonical, 'x.scn').ast);
        const read = readScenario(r.text, 'x.scn');
        expect(codes(read.diagnostics.filter((d) => d.severity === 'error')), r.text).toEqual([]);
        expect(withoutPlaces(read.ast), r.text).toEqual(original);

        const once = formatScn(r.text, 'x.scn').text;
        if (once === undefined) throw new Error(`fmt refused:\n${r.text}`);
        expect(formatScn(once, 'x.scn').text, once).toBe(once);
        expect(withoutPlaces(readScenario(once, 'x.scn').ast), once).toEqual(original);
        // Every comment put in is seen, and kept.
        expect(commentTexts(r.text), r.text).toEqual(sorted(r.comments));
        expect(commentTexts(once), once).toEqual(sorted(r.comments));
        // Without comments, the layout comes back to the canonical one.
        expect(formatScn(r.bare, 'x.scn').text, r.bare).toBe(r.canonical);

        stats.comments += r.comments.length;
        if (r.text.includes('\r\n')) stats.crlf++;
        if (/\r(?!\n)/.test(r.text)) stats.cr++;
        if (/^\t/m.test(r.text)) stats.tabs++;
        if (r.bare.replace(/\s+/g, ' ') !== r.canonical.replace(/\s+/g, ' ')) stats.moved++;
        // Comments after the last statement end the formatted text.
        if (once.trimEnd().split('\n').pop()!.startsWith('#')) stats.tail++;
      }),
      fcOptions,
    );
    expect(stats.comments, JSON.stringify(stats)).toBeGreaterThan(runs);
    for (const k of ['crlf', 'cr', 'tabs', 'moved', 'tail'] as const) expect(stats[k], JSON.stringify(stats)).toBeGreaterThan(runs / 20);
  });
});

const STATEMENT_WORDS = [
  'scenario', 'description', 'start', 'command', 'step', 'type', 'set', 'say', 'button', 'ask', 'min', 'max',
  'min_length', 'max_length', 'pattern', 'error', 'attempts', 'on', 'sensitive', 'go', 'when', 'else',
  'wait', 'timeout', 'remind', 'expire',
];
const KEYWORD_NAME = new RegExp(`^\\s*(?:step|go|start|else go|on fail go|ask \\S+ ->) (?:${DSL_KEYWORDS.join('|')}|"set"|"when")$`, 'm');

describe('3. printing as .scn and reading back is the identity on the AST', () => {
  it('for documents that use every feature of the language', () => {
    const seen = new Set<string>();
    const stats = { keywordNames: 0, quotedNames: 0, escapes: 0, unicode: 0, exponents: 0, negative: 0, hashInExpr: 0 };
    fc.assert(
      fc.property(wideDocArb, (doc) => {
        const json = wideDocText(doc);
        const read = readScenario(json, 'x.json');
        expect(codes(read.diagnostics), json).toEqual([]);
        const printed = printScn(read.ast!);
        const back = readScenario(printed, 'x.scn');
        expect(codes(back.diagnostics).filter((c) => c.includes(' SCN_')), printed).toEqual([]);
        expect(codes(back.diagnostics), printed).toEqual([]);
        expect(withoutPlaces(back.ast), printed).toEqual(withoutPlaces(read.ast));
        // The converter prints the same, the canonical text is already formatted, and it converts back to JSON.
        expect(convert(json, 'x.json', 'x.scn')).toBe(printed);
        expect(formatScn(printed, 'x.scn').text).toBe(printed);
        expect(withoutPlaces(readScenario(convert(printed, 'x.scn', 'x.json'), 'x.json').ast)).toEqual(withoutPlaces(read.ast));

        for (const line of printed.split('\n')) seen.add(/^\s*(\S*)/.exec(line)![1]!);
        if (KEYWORD_NAME.test(printed)) stats.keywordNames++;
        if (/^(?:step|\s+go|\s+set) "/m.test(printed)) stats.quotedNames++;
        if (printed.includes('\\')) stats.escapes++;
        if (/[^\x00-\x7f]/.test(printed)) stats.unicode++;
        if (/^\s+(?:min|max) -?\d+(?:\.\d+)?e/m.test(printed)) stats.exponents++;
        if (/^\s+(?:min|max) -\d+\.\d/m.test(printed)) stats.negative++;
        if (/^\s+(?:set .* = |when ).*"[^"]*#/m.test(printed)) stats.hashInExpr++;
        ['text', 'number', 'integer', 'email', 'phone', 'date', 'button'].forEach((t) => printed.includes(`ask ${t} ->`) && seen.add(`ask ${t}`));
      }),
      fcOptions,
    );
    const missing = [...STATEMENT_WORDS, 'ask text', 'ask number', 'ask integer', 'ask email', 'ask phone', 'ask date', 'ask button'].filter((w) => !seen.has(w));
    expect(missing).toEqual([]);
    for (const [k, n] of Object.entries(stats)) expect(n, `${k}: ${JSON.stringify(stats)}`).toBeGreaterThan(runs / 50);
  });
});

/** Lines as the compiler counts them: \n, \r\n and a lone \r end a line. */
const lineLengths = (text: string): number[] => text.split(/\r\n|\n|\r/).map((l) => l.length);
const lineStarts = (text: string): number[] => {
  const starts = [0];
  const re = /\r\n|\n|\r/g;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index + m[0].length);
  return starts;
};
const lineAt = (starts: readonly number[], offset: number): number => starts.filter((s) => s <= offset).length;

interface TotalityStats {
  compiled: number;
  rejected: number;
  formatted: number;
  issues: number;
  codes: Set<string>;
  slowest: number;
}

function checkScn(text: string, stats: TotalityStats): void {
  const started = performance.now();
  const result = compileScenario(text, { file: 'fuzz.scn' });
  const formatted = formatScn(text, 'fuzz.scn');
  const parsed = parseScn(text);
  stats.slowest = Math.max(stats.slowest, performance.now() - started);

  const lines = lineLengths(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(result.ir === undefined, JSON.stringify(codes(result.diagnostics))).toBe(errors.length > 0);
  for (const d of result.diagnostics) {
    stats.codes.add(d.code);
    expect(d.file).toBe('fuzz.scn');
    expect(d.line, JSON.stringify(d)).toBeGreaterThanOrEqual(1);
    expect(d.column, JSON.stringify(d)).toBeGreaterThanOrEqual(1);
    expect(d.line, JSON.stringify(d)).toBeLessThanOrEqual(lines.length);
    expect(d.column, JSON.stringify(d)).toBeLessThanOrEqual(lines[d.line - 1]! + 1);
    // The end too; a span may take in the line break after the last column (\r\n is two characters).
    expect(d.endLine, JSON.stringify(d)).toBeLessThanOrEqual(lines.length);
    expect(d.endColumn, JSON.stringify(d)).toBeLessThanOrEqual(lines[d.endLine - 1]! + 2);
    expect(d.endLine > d.line || (d.endLine === d.line && d.endColumn >= d.column), JSON.stringify(d)).toBe(true);
    expect(['error', 'warning', 'info']).toContain(d.severity);
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.message).not.toMatch(/internal error|\[object Object\]/i);
  }

  // At most one syntax issue per line, in file order, inside the text.
  const starts = lineStarts(text);
  const issueLines = parsed.issues.map((i) => lineAt(starts, i.start));
  expect(new Set(issueLines).size, JSON.stringify(parsed.issues)).toBe(issueLines.length);
  expect(issueLines).toEqual([...issueLines].sort((a, b) => a - b));
  for (const i of parsed.issues) {
    expect(i.start).toBeGreaterThanOrEqual(0);
    expect(i.start).toBeLessThanOrEqual(i.end);
    expect(i.end).toBeLessThanOrEqual(text.length);
  }
  stats.issues += parsed.issues.length;
  // Statements and comments are on the lines where they start (no token runs over a line break).
  for (const x of [...parsed.statements, ...parsed.comments]) expect(x.line, JSON.stringify(x)).toBe(lineAt(starts, x.start));

  // fmt refuses exactly what reads with errors; what it formats is a fixed point with the same AST.
  const read = readScenario(text, 'fuzz.scn');
  expect(formatted.text === undefined).toBe(hasErrors(read.diagnostics));
  if (formatted.text !== undefined) {
    stats.formatted++;
    expect(formatScn(formatted.text, 'fuzz.scn').text, formatted.text).toBe(formatted.text);
    expect(withoutPlaces(readScenario(formatted.text, 'fuzz.scn').ast), formatted.text).toEqual(withoutPlaces(read.ast));
    expect(commentTexts(formatted.text)).toEqual(commentTexts(text));
  }
  if (result.ir) stats.compiled++;
  else stats.rejected++;
}

describe('4. reading, compiling and formatting .scn is total', () => {
  const newStats = (): TotalityStats => ({ compiled: 0, rejected: 0, formatted: 0, issues: 0, codes: new Set(), slowest: 0 });

  it('on arbitrary text and DSL-flavoured noise', () => {
    const stats = newStats();
    fc.assert(fc.property(scnNoiseArb, (text) => checkScn(text, stats)), fcOptions);
    expect(stats.rejected).toBeGreaterThan(runs / 2);
    expect(stats.issues).toBeGreaterThan(runs);
    expect(stats.codes.size).toBeGreaterThan(Math.min(5, runs / 20));
    expect(stats.slowest).toBeLessThan(5000);
  });

  it('on valid .scn text with lines deleted, duplicated, swapped and characters inserted or deleted', () => {
    const stats = newStats();
    fc.assert(fc.property(mutatedScnArb, (text) => checkScn(text, stats)), fcOptions);
    expect(stats.rejected, JSON.stringify({ ...stats, codes: [...stats.codes] })).toBeGreaterThan(runs / 4);
    expect(stats.formatted, JSON.stringify({ ...stats, codes: [...stats.codes] })).toBeGreaterThan(runs / 20);
    expect(stats.compiled + stats.rejected).toBe(runs);
    expect(stats.codes.size).toBeGreaterThan(Math.min(15, runs / 5));
    expect(stats.slowest).toBeLessThan(5000);
  });
});
