import { dirname, isAbsolute, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { hasErrors } from './compile.js';
import type { Diagnostic } from './diagnostics/types.js';
import { ScnComments } from './print/comments.js';
import { printJson } from './print/json.js';
import { printScn, scnExpression } from './print/scn.js';
import { formatOf, readScenario, type ScenarioFormat } from './read.js';
import type { ScenarioAst } from './scenario/ast.js';

export interface TextResult {
  /** The new text; missing when reading found errors, which `diagnostics` then lists. */
  readonly text?: string;
  /** What reading the input found (errors block the result; warnings do not). */
  readonly diagnostics: readonly Diagnostic[];
  /** What the output leaves out of the input, e.g. comments that JSON cannot hold. */
  readonly notes: readonly string[];
  /** Why there is no text although reading succeeded: the other format cannot say the same thing. */
  readonly failure?: string;
}

/** The canonical layout of a .scn file, comments kept. Needs a file that reads without errors; meaning is not checked. */
export function formatScn(text: string, file: string): TextResult {
  const read = readScenario(text, file);
  if (!read.ast || !read.scn || hasErrors(read.diagnostics)) return { diagnostics: read.diagnostics, notes: [] };
  return { text: printScn(read.ast, new ScnComments(text, read.scn)), diagnostics: read.diagnostics, notes: [] };
}

/** Prints a scenario in another format (chosen by the file names' extensions), and proves that it reads back the same. */
export function convertScenario(text: string, from: string, to: string): TextResult {
  const read = readScenario(text, from);
  if (!read.ast || hasErrors(read.diagnostics)) return { diagnostics: read.diagnostics, notes: [] };
  const target: ScenarioFormat = formatOf(to);
  const schema = read.scn ? undefined : schemaOf(text);
  const out = target === 'scn' ? printScn(read.ast, read.scn && new ScnComments(text, read.scn)) : printJson(read.ast, schema && schemaFrom(schema, from, to));
  const notes: string[] = [];
  if (target === 'scn' && schema !== undefined) notes.push('"$schema" is not kept: .scn has no such field');
  const comments = read.scn?.comments.length ?? 0;
  if (target === 'json' && comments > 0) notes.push(`${comments} comment${comments === 1 ? ' is' : 's are'} not kept: JSON has no comments`);
  const ignored = read.diagnostics.filter((d) => d.code === 'UNKNOWN_FIELD').length;
  if (ignored > 0) notes.push(`${ignored} unknown field${ignored === 1 ? ' is' : 's are'} left out (see the warnings)`);
  const back = readScenario(out, to);
  const difference = firstDifference(withoutPlaces(read.ast), withoutPlaces(back.ast));
  if (hasErrors(back.diagnostics) || difference !== undefined) {
    const why = difference ?? back.diagnostics.find((d) => d.severity === 'error')?.message;
    return { diagnostics: read.diagnostics, notes, failure: `the ${target} form would not read back as the same scenario: ${why}` };
  }
  return { text: out, diagnostics: read.diagnostics, notes };
}

/** The `$schema` string of a JSON scenario that read without errors, if it has one. */
function schemaOf(json: string): string | undefined {
  try {
    const doc = JSON.parse(json) as unknown;
    const schema = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)['$schema'] : undefined;
    return typeof schema === 'string' ? schema : undefined;
  } catch {
    return undefined;
  }
}

/** A relative `$schema` path points from the input's folder: point it from the output's, so editors still find it. */
function schemaFrom(schema: string, from: string, to: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(schema) || isAbsolute(schema) || dirname(from) === dirname(to)) return schema;
  return relative(dirname(to), join(dirname(from), schema)).replaceAll('\\', '/');
}

const EXPRESSION_FIELDS = new Set(['expr', 'if']);

/** Fields that say no more than their absence (JSON can write them, .scn need not): `"sensitive": false`, `"buttons": []`, `"validation": {}`. */
const saysNothing = (key: string, value: unknown): boolean =>
  (key === 'sensitive' && value === false) ||
  (key === 'buttons' && isDeepStrictEqual(value, { items: [] })) ||
  (key === 'validation' && isDeepStrictEqual(value, {}));

/** The AST as data: values only, no source places; expressions up to the layout that means nothing to them. */
export function withoutPlaces(ast: ScenarioAst | undefined): unknown {
  const strip = (v: unknown, key = ''): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x));
    if (v === null || typeof v !== 'object') return v;
    const leaf = (v as { value?: unknown }).value;
    if ('loc' in v && leaf !== undefined && typeof leaf !== 'object') {
      // A located value: only the value counts.
      return EXPRESSION_FIELDS.has(key) && typeof leaf === 'string' ? scnExpression(leaf) : leaf;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'loc' || k === 'stepsLoc' || x === undefined) continue;
      const value = strip(x, k);
      if (!saysNothing(k, value)) out[k] = value;
    }
    return out;
  };
  return strip(ast);
}

function firstDifference(a: unknown, b: unknown, path = 'scenario'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path}: ${JSON.stringify(a)} became ${JSON.stringify(b)}`;
}
