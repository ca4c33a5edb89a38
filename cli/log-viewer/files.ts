import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A log file of a directory, with what its name says about its place in time. */
export interface LogFile {
  readonly path: string;
  readonly name: string;
  /** The date in the name (pino-roll: `scenarist.2026-11-24.3.log`), '' when there is none. */
  readonly date: string;
  /** The rotation number in the name, 0 when there is none. */
  readonly number: number;
}

const DATED = /^.*?\.(\d{4}-\d{2}-\d{2}(?:-\d{2})?)\.(\d+)\.log$/;
const NUMBERED = /^.*?\.(\d+)\.log$/;

export function logFileOf(dir: string, name: string): LogFile {
  const dated = DATED.exec(name);
  if (dated) return { path: join(dir, name), name, date: dated[1]!, number: Number(dated[2]) };
  const numbered = NUMBERED.exec(name);
  return { path: join(dir, name), name, date: '', number: numbered ? Number(numbered[1]) : 0 };
}

/** Oldest first: by the date in the name, then by the rotation number (9 before 10), then by name. */
export function compareLogFiles(a: LogFile, b: LogFile): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  if (a.number !== b.number) return a.number - b.number;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The `*.log` files of a directory (regular files only: a `current.log` symlink would repeat one), oldest first. */
export async function logFilesIn(dir: string): Promise<LogFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.log'))
    .map((e) => logFileOf(dir, e.name))
    .sort(compareLogFiles);
}
