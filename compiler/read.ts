import { extname } from 'node:path';
import { parseScn, type ScnParseResult } from '../grammar/index.js';
import { Reporter } from './diagnostics/reporter.js';
import type { Diagnostic } from './diagnostics/types.js';
import type { ScenarioAst } from './scenario/ast.js';
import { readJsonScenario } from './source/read-json-scenario.js';
import { readScnScenario } from './source/read-scn-scenario.js';
import { LineIndex } from './source/text.js';

export type ScenarioFormat = 'json' | 'scn';

/** `.scn` files are the text language; anything else is read as JSON. */
export const formatOf = (file: string): ScenarioFormat => (extname(file).toLowerCase() === '.scn' ? 'scn' : 'json');

export interface ReadResult {
  /** Missing only when the file is not a scenario at all (e.g. JSON that is not an object). */
  readonly ast?: ScenarioAst;
  /** What reading found: syntax and structure, before any check of meaning. */
  readonly diagnostics: readonly Diagnostic[];
  /** For .scn files: the statements and comments, which formatting needs. */
  readonly scn?: ScnParseResult;
}

/** Reads a scenario in either format into its source-level AST, without checking what it means. */
export function readScenario(text: string, file: string, reporter = new Reporter(file, new LineIndex(text), formatOf(file))): ReadResult {
  if (formatOf(file) === 'scn') {
    const scn = parseScn(text);
    const ast = readScnScenario(text, reporter, scn);
    return { ast, scn, diagnostics: reporter.diagnostics() };
  }
  return { ast: readJsonScenario(text, reporter), diagnostics: reporter.diagnostics() };
}
