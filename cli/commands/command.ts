import type { ParseArgsConfig } from 'node:util';
import type { Io } from '../io.js';

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
}

/** One `scenarist` subcommand: its help, its options, and what it does. Returns the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(io: Io, args: ParsedArgs): Promise<number>;
}
