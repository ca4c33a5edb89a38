import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { catalog, compileScenario, type ChannelId, type CompileResult, type Diagnostic } from '../compiler/index.js';
import { bold, cyan, dim, red, yellow, type Io } from './io.js';

export interface Loaded extends CompileResult {
  readonly file: string;
}

/** Reads and compiles one scenario file; an unreadable file becomes a diagnostic like any other. */
export async function loadScenario(io: Io, file: string, channels?: readonly ChannelId[]): Promise<Loaded> {
  const shown = relative(io.cwd, resolve(io.cwd, file)) || file;
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    const d: Diagnostic = {
      code: 'FILE_UNREADABLE',
      severity: catalog.FILE_UNREADABLE.severity,
      message: catalog.FILE_UNREADABLE.message({ reason }),
      file: shown,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
    };
    return { file: shown, diagnostics: [d] };
  }
  return { file: shown, ...compileScenario(text, { file: shown, fileExists: shippedFileExists(resolve(io.cwd, file)), ...(channels ? { channels } : {}) }) };
}

/** Whether a media file shipped with a scenario exists: its path is relative to the scenario file's folder. */
export function shippedFileExists(scenarioPath: string): (relativePath: string) => boolean {
  const folder = dirname(scenarioPath);
  return (relativePath) => {
    try {
      return statSync(resolve(folder, relativePath)).isFile();
    } catch {
      return false;
    }
  };
}

export function formatDiagnostic(d: Diagnostic, color: boolean): string {
  const sev = d.severity === 'error' ? red(color, 'error') : d.severity === 'warning' ? yellow(color, 'warning') : cyan(color, 'info');
  return `${bold(color, `${d.file}:${d.line}:${d.column}`)} ${sev} ${dim(color, d.code)} ${d.message}`;
}

export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[], to: 'stdout' | 'stderr' = 'stdout'): void {
  for (const d of diagnostics) io[to](`${formatDiagnostic(d, io.color)}\n`);
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}`;
}
