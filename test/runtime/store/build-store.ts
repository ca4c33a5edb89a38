/**
 * Transpiles runtime/store into a temporary directory for child processes, so a multi-process test runs the
 * current source (not a possibly stale dist/). The directory links the project's node_modules.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';

export function buildStoreForChildProcesses(): { dir: string; entry: string } {
  const root = resolve('.');
  const dir = mkdtempSync(join(tmpdir(), 'scenarist-store-build-'));
  const out = join(dir, 'store');
  mkdirSync(out);
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const name of readdirSync(join(root, 'runtime/store')).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(root, 'runtime/store', name), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, esModuleInterop: true, verbatimModuleSyntax: false },
    });
    writeFileSync(join(out, name.replace(/\.ts$/, '.js')), outputText);
  }
  return { dir, entry: join(out, 'index.js') };
}
