import { checkScenarioAst } from './check/index.js';
import { Reporter } from './diagnostics/reporter.js';
import type { Diagnostic } from './diagnostics/types.js';
import { buildIr } from './ir/build.js';
import type { IrScenario } from './ir/types.js';
import type { ScenarioAst } from './scenario/ast.js';
import { formatOf, readScenario } from './read.js';
import { LineIndex } from './source/text.js';
import type { ChannelId } from './channels/index.js';

export interface CompileResult {
  /** Present when there are no errors (warnings allowed). */
  readonly ir?: IrScenario;
  readonly ast?: ScenarioAst;
  /** Every diagnostic, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface CompileOptions {
  /** Shown in diagnostics; its extension picks the format: `.scn` is the text language, anything else JSON. */
  readonly file: string;
  /**
   * Whether a media file shipped with the bot exists, by its path relative to the scenario file's folder (`check`
   * and `compile` resolve it there). Without it, shipped paths are not checked.
   */
  readonly fileExists?: (relativePath: string) => boolean;
  /**
   * Channels the bot runs on: each message, button and input a channel cannot show as written is reported, with
   * what its adapter does instead. Absent, no channel is checked beyond Telegram's baseline limits.
   */
  readonly channels?: readonly ChannelId[];
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

/** Parses and checks a scenario; bad input comes back as diagnostics, never as an exception. */
export function compileScenario(text: string, options: CompileOptions): CompileResult {
  const reporter = new Reporter(options.file, new LineIndex(text), formatOf(options.file));
  const { ast } = readScenario(text, options.file, reporter);
  if (!ast) return { diagnostics: reporter.diagnostics() };
  const outcome = checkScenarioAst(ast, reporter, {
    ...(options.fileExists ? { fileExists: options.fileExists } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
  });
  const diagnostics = reporter.diagnostics();
  if (hasErrors(diagnostics)) return { ast, diagnostics };
  return { ast, diagnostics, ir: buildIr(outcome.scenario, outcome.variables, text) };
}
