import type { Readable } from 'node:stream';

/** Where a command reads and writes; tests pass their own. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: Readable;
  readonly cwd: string;
  /** Colours on, for a terminal. */
  readonly color: boolean;
}

export function processIo(): Io {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdin: process.stdin,
    cwd: process.cwd(),
    color: Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'],
  };
}

const paint = (code: number) => (on: boolean, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
export const red = paint(31);
export const yellow = paint(33);
export const green = paint(32);
export const cyan = paint(36);
export const dim = paint(2);
export const bold = paint(1);

/** A usage mistake: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
