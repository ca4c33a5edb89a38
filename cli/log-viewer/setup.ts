import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Io } from '../io.js';

export const ENV_FILE = '.env.logging';

export interface SetupOptions {
  /** The log directory, as the user wrote it or the default (absolute). */
  readonly dir: string;
  readonly level: string;
  readonly force: boolean;
}

/** A value for a shell `.` and for `docker --env-file`: bare when it can be, else single-quoted. */
const shellValue = (v: string): string => (/^[\w./:@+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/** The directory as BOT_LOG_DIR should say it: `./logs` inside the working directory, else as written or absolute. */
function dirSetting(io: Io, dir: string): string {
  const absolute = resolve(io.cwd, dir);
  const rel = relative(io.cwd, absolute);
  if (rel === '') return '.';
  if (!rel.startsWith('..') && !isAbsolute(rel)) return `./${rel.split(sep).join('/')}`;
  return isAbsolute(dir) ? absolute : rel.split(sep).join('/');
}

export function envLoggingText(dirValue: string, level: string): string {
  return `# Scenarist logging: written by "scenarist logs --setup" (npm run setup:logging).
# Load it into the shell that starts the bots:
#   set -a; . ./${ENV_FILE}; set +a
#   npm start
# then read the log files with "npx scenarist logs" (--follow to watch, --help for the filters).

# The least severe level written: DEBUG, INFO, WARNING or ERROR.
BOT_LOG_LEVEL=${level}
# Console lines: json, or readable text (coloured on a terminal). The files always hold JSON lines.
BOT_LOG_FORMAT=text
# Also write the log to files, scenarist.YYYY-MM-DD.N.log, rotated daily and by size.
BOT_FILE_LOGGING=true
# The directory of the log files (relative paths: from the directory the bots start in).
BOT_LOG_DIR=${shellValue(dirValue)}
# A file is rotated at this size (k, m or g); this many rotated files are kept.
BOT_LOG_MAX_SIZE=10m
BOT_LOG_MAX_FILES=14
# Mask e-mail addresses and phone numbers. Tokens and secrets are always masked.
BOT_LOG_MASK_PII=true
`;
}

/** `scenarist logs --setup`: the log directory and `.env.logging`; never overwrites the file without --force. */
export async function setupLogging(io: Io, options: SetupOptions): Promise<number> {
  const envFile = join(io.cwd, ENV_FILE);
  if (existsSync(envFile) && !options.force) {
    io.stderr(`scenarist logs: ${ENV_FILE} exists; left unchanged. Use --setup --force to overwrite it.\n`);
    return 1;
  }
  const absolute = resolve(io.cwd, options.dir);
  const shown = dirSetting(io, options.dir);
  let created = false;
  try {
    if (!(await stat(absolute)).isDirectory()) {
      io.stderr(`scenarist logs: ${shown} exists and is not a directory.\n`);
      return 1;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(absolute, { recursive: true });
    created = true;
  }
  await writeFile(envFile, envLoggingText(shown, options.level));
  io.stdout(
    `${created ? 'Created' : 'Using'} the log directory ${shown}.\n` +
      `Wrote ${ENV_FILE}: BOT_FILE_LOGGING=true, BOT_LOG_DIR=${shown}, BOT_LOG_LEVEL=${options.level}, BOT_LOG_FORMAT=text.\n\n` +
      `Start the bots with it:\n` +
      `  set -a; . ./${ENV_FILE}; set +a\n` +
      `  npm start\n\n` +
      `Then read the logs (in a shell where ${ENV_FILE} is loaded, or with the directory: scenarist logs ${shown}):\n` +
      `  npx scenarist logs                  everything, oldest first\n` +
      `  npx scenarist logs --follow         new lines as they are written (Ctrl-C to stop)\n` +
      `  npx scenarist logs --level WARNING --bot-id BOT --chat-id CHAT\n`,
  );
  return 0;
}
