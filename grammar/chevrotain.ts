/**
 * Chevrotain, loaded from the one-file build it ships. Its package entry point loads some 700 modules (lodash-es
 * among them), which cost every command-line run about 0.4 s before any work; the bundle is the same code in one
 * file. Types still come from 'chevrotain' (`import type`), which loads nothing.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Chevrotain = typeof import('chevrotain');

async function load(): Promise<Chevrotain> {
  try {
    // The package exports only its entry point (lib/src/api.js); the bundle sits at lib/chevrotain.mjs.
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    return (await import(pathToFileURL(join(dirname(entry), '..', 'chevrotain.mjs')).href)) as Chevrotain;
  } catch {
    return import('chevrotain');
  }
}

const chevrotain = await load();

export const { CstParser, EOF, Lexer, createToken, tokenLabel, tokenMatcher } = chevrotain;
