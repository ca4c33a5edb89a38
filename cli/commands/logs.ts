import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { inContainer, LogSettingsError, readLogSettings, textLine } from '../../runtime/log/index.js';
import { dim, UsageError, type Io } from '../io.js';
import { logFilesIn } from '../log-viewer/files.js';
import {
  hasFieldFilter,
  levelName,
  levelOptionName,
  matches,
  parseDateOption,
  parseEventTypes,
  parseLevelOption,
  type LogFilter,
  type LogRecord,
} from '../log-viewer/filter.js';
import { FileTail, LineSplitter } from '../log-viewer/lines.js';
import { setupLogging } from '../log-viewer/setup.js';
import type { Command, ParsedArgs } from './command.js';

/** How often --follow looks for new lines and new files. */
const POLL_MS = 200;
/** --follow without --tail starts with this many lines, like `tail -f`. */
const FOLLOW_TAIL = 10;

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Read the log files: filter by bot, chat, level, event, time; --follow; --setup turns file logging on',
  usage: 'scenarist logs [FILE|DIR|-]... [filters] [--raw] [--tail N] [--follow]   |   scenarist logs --setup [DIR] [--level LEVEL] [--force]',
  help: `Prints the runtime's log files as readable lines, one per event: date and time (UTC, as logged), level,
event type, bot/platform:chat and #update, the message, the dialog id and the other fields. Colours on a terminal.

Reads every *.log file of the log directory (BOT_LOG_DIR; default ./logs, /app/logs in a container), rotated
ones included, oldest first: by the date in the name, then the rotation number (scenarist.2026-11-23.2.log
before scenarist.2026-11-24.1.log). FILE and DIR arguments are read instead, in the order given; "-" reads
standard input. Lines that are not JSON (a stack trace, a torn write) are printed as they are unless a field
filter is set (--contains searches them too); --raw leaves them out and counts them on standard error.

Filters (all given must match):
  --bot-id ID          the bot (bot_id)
  --platform NAME      the platform (telegram, webchat)
  --chat-id ID         the chat (platform_chat_id)
  --dialog-id ID       the dialog (dialog_id)
  --level LEVEL        this level and above: DEBUG < INFO < WARNING < ERROR
  --event-type TYPES   one event type or a comma list: INCOMING,OUTGOING,PROCESSING,STATE_CHANGE,ERROR,
                       WEBHOOK,VARIABLE,CONDITION,ADAPTER,TIMER,CALL,MEDIA (MEDIA: the files users
                       send, fetched and stored or refused; retention sweeps)
  --from-date WHEN     from this time on: 2026-11-24, 2026-11-24T05:51, 2026-11-24T05:51:29.5Z, …+03:00
  --to-date WHEN       up to this time, inclusive: a date alone is the whole day, a time without seconds
                       the whole minute. Times without Z or an offset are UTC, as in the log.
  --contains TEXT      TEXT anywhere in the message or a field's value, ignoring case

Output:
  --raw                the matching JSON lines exactly as stored (for jq and friends)
  --tail N             only the last N matching lines
  --follow             keep printing lines as they are written, into new files after a rotation too,
                       until Ctrl-C; starts with the last ${FOLLOW_TAIL} matching lines unless --tail says otherwise

Setup:
  --setup [DIR]        create the log directory (DIR, or BOT_LOG_DIR, or the default) and write .env.logging
                       in the current directory: BOT_LOG_LEVEL, BOT_LOG_FORMAT=text, BOT_FILE_LOGGING=true,
                       BOT_LOG_DIR. Load it with: set -a; . ./.env.logging; set +a   then: npm start
  --level LEVEL        with --setup: the BOT_LOG_LEVEL written (default INFO)
  --force              with --setup: overwrite an existing .env.logging
  --help               show this help

Examples:
  scenarist logs --bot-id greeter --chat-id 42 --level WARNING
  scenarist logs --event-type INCOMING,OUTGOING --from-date 2026-11-24 --tail 50
  scenarist logs --follow --contains timeout
  scenarist logs --raw --dialog-id D | jq .text

Exit status: 0 when the input was read (matching lines or not); 1 when the log directory or a file cannot be
read, or .env.logging exists (--setup without --force); 2 for a usage mistake.`,
  options: {
    'bot-id': { type: 'string' },
    platform: { type: 'string' },
    'chat-id': { type: 'string' },
    'dialog-id': { type: 'string' },
    level: { type: 'string' },
    'event-type': { type: 'string' },
    'from-date': { type: 'string' },
    'to-date': { type: 'string' },
    contains: { type: 'string' },
    raw: { type: 'boolean' },
    tail: { type: 'string' },
    follow: { type: 'boolean', short: 'f' },
    setup: { type: 'boolean' },
    force: { type: 'boolean' },
  },
  async run(io: Io, args) {
    const str = (name: string): string | undefined => {
      const v = args.values[name];
      return typeof v === 'string' ? v : undefined;
    };
    if (args.values['setup'] === true) return setup(io, args, str);
    if (args.values['force'] === true) throw new UsageError('--force goes with --setup');
    const filter = filterOf(str);
    const tailOption = str('tail');
    if (tailOption !== undefined && !/^\d+$/.test(tailOption.trim())) throw new UsageError(`--tail ${JSON.stringify(tailOption)}: expected a number of lines (0 or more)`);
    const follow = args.values['follow'] === true;
    const viewer = new Viewer(io, filter, args.values['raw'] === true, tailOption !== undefined ? Number(tailOption) : follow ? FOLLOW_TAIL : undefined);
    // "scenarist logs | head", or quitting less: the reader went away; stop quietly rather than die of EPIPE.
    const gone = (): void => viewer.close();
    process.stdout.on('error', gone);
    try {
      return await viewer.run(await sourcesOf(io, args.positionals), follow);
    } finally {
      // Once closed, the stream may still report failed writes: keep swallowing them until the process exits.
      if (!viewer.closed) process.stdout.off('error', gone);
    }
  },
};

function filterOf(str: (name: string) => string | undefined): LogFilter {
  const text = (name: string): string | undefined => {
    const v = str(name);
    if (v !== undefined && v.trim() === '') throw new UsageError(`--${name} needs a value`);
    return v?.trim();
  };
  const from = str('from-date') === undefined ? undefined : parseDateOption('--from-date', str('from-date')!).first;
  const to = str('to-date') === undefined ? undefined : parseDateOption('--to-date', str('to-date')!).last;
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from-date ${str('from-date')} is after --to-date ${str('to-date')}`);
  const contains = str('contains');
  if (contains === '') throw new UsageError('--contains needs a text');
  return {
    botId: text('bot-id'),
    platform: text('platform'),
    chatId: text('chat-id'),
    dialogId: text('dialog-id'),
    minLevel: str('level') === undefined ? undefined : parseLevelOption(str('level')!),
    eventTypes: str('event-type') === undefined ? undefined : parseEventTypes(str('event-type')!),
    from,
    to,
    contains: contains?.toLowerCase(),
  };
}

/** The log directory of the environment: BOT_LOG_DIR, else /app/logs in a container, else ./logs. */
function defaultLogDir(io: Io): string {
  let dir: string;
  try {
    dir = readLogSettings(process.env, { cwd: io.cwd }).dir;
  } catch (err) {
    // Another BOT_LOG_* variable is wrong: the viewer needs only the directory.
    if (!(err instanceof LogSettingsError)) throw err;
    dir = process.env['BOT_LOG_DIR']?.trim() || (inContainer(process.env) ? '/app/logs' : 'logs');
  }
  return resolve(io.cwd, dir);
}

async function setup(io: Io, args: ParsedArgs, str: (name: string) => string | undefined): Promise<number> {
  const extra = ['bot-id', 'platform', 'chat-id', 'dialog-id', 'event-type', 'from-date', 'to-date', 'contains', 'tail'].filter((o) => str(o) !== undefined);
  extra.push(...['raw', 'follow'].filter((o) => args.values[o] === true));
  if (extra.length > 0) throw new UsageError(`--setup takes a DIR, --level and --force only, not --${extra.join(', --')}`);
  if (args.positionals.length > 1) throw new UsageError('--setup takes at most one DIR');
  const level = str('level') === undefined ? 'INFO' : levelOptionName(str('level')!);
  const dir = args.positionals[0] ?? defaultLogDir(io);
  return setupLogging(io, { dir, level, force: args.values['force'] === true });
}

type Source = { readonly kind: 'stdin' } | { readonly kind: 'file' | 'dir'; readonly path: string; readonly shown: string };

/** What to read, or an InputError when the log directory or a named file is missing. */
async function sourcesOf(io: Io, positionals: readonly string[]): Promise<Source[] | InputError> {
  if (positionals.length === 0) {
    const dir = defaultLogDir(io);
    const kind = await kindOf(dir);
    if (kind === 'dir') return [{ kind: 'dir', path: dir, shown: dir }];
    const where = process.env['BOT_LOG_DIR']?.trim() ? `BOT_LOG_DIR=${process.env['BOT_LOG_DIR']}` : 'the default log directory';
    return new InputError(
      kind === 'file'
        ? `${dir} (${where}) is not a directory.\n`
        : `no log directory at ${dir} (${where}).\n` +
          'The log files are written only with file logging on: start the bots with BOT_FILE_LOGGING=true (and\n' +
          'BOT_LOG_DIR=DIR for another directory), or run "scenarist logs --setup" (npm run setup:logging) to create\n' +
          'the directory and a .env.logging file with these settings. Or name the files: scenarist logs FILE|DIR|-\n',
    );
  }
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('"-" (standard input) can be given once');
  const sources: Source[] = [];
  for (const p of positionals) {
    if (p === '-') {
      sources.push({ kind: 'stdin' });
      continue;
    }
    const path = resolve(io.cwd, p);
    const kind = await kindOf(path);
    if (kind === undefined) return new InputError(`${p}: no such file or directory.\n`);
    sources.push({ kind, path, shown: p });
  }
  return sources;
}

class InputError {
  constructor(readonly message: string) {}
}

async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** A readable line for a record: the date, then the console's text format (runtime/log/text-format.ts). */
export function renderRecord(record: LogRecord, color: boolean): string {
  let r = record;
  const level = levelName(r['level']);
  if (level !== r['level']) r = { ...r, level };
  if (typeof r['time'] === 'number' && Number.isFinite(r['time'])) r = { ...r, time: new Date(r['time']).toISOString() };
  const time = r['time'];
  const line = textLine(r, color);
  return typeof time === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(time) ? `${dim(color, time.slice(0, 10))} ${line}` : line;
}

function parseRecord(line: string): LogRecord | undefined {
  const start = line.trimStart();
  if (!start.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** Standard output in batches; with a tail, the last N lines until the tail is let go. */
class Output {
  private chunks: string[] = [];
  private size = 0;
  private ring: string[] | undefined;
  private next = 0;
  private count = 0;

  constructor(
    private readonly io: Io,
    private readonly tail: number | undefined,
  ) {
    if (tail !== undefined) this.ring = [];
  }

  line(text: string): void {
    if (this.ring) {
      if (this.tail === 0) return;
      this.ring[this.next] = text;
      this.next = (this.next + 1) % this.tail!;
      this.count++;
      return;
    }
    this.chunks.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 16) this.flush();
  }

  /** Prints the tail kept so far; later lines are printed as they come. */
  releaseTail(): void {
    const ring = this.ring;
    if (!ring) return;
    this.ring = undefined;
    const kept = this.count <= this.tail! ? ring.slice(0, this.count) : [...ring.slice(this.next), ...ring.slice(0, this.next)];
    for (const line of kept) this.line(line);
    this.flush();
  }

  flush(): void {
    if (this.ring || this.size === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    this.io.stdout(text);
  }
}

class Viewer {
  private readonly out: Output;
  private readonly anyField: boolean;
  private skipped = 0;
  private failed = false;
  /** Standard output is gone: read no more. */
  closed = false;
  /** --follow was interrupted (or standard output is gone). */
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Files being read, by path: their read position and any unfinished last line. */
  private readonly tails = new Map<string, FileTail>();

  constructor(
    private readonly io: Io,
    private readonly filter: LogFilter,
    private readonly raw: boolean,
    tail: number | undefined,
  ) {
    this.out = new Output(io, tail);
    this.anyField = hasFieldFilter(filter);
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async run(sources: Source[] | InputError, follow: boolean): Promise<number> {
    if (sources instanceof InputError) {
      this.io.stderr(`scenarist logs: ${sources.message}`);
      return 1;
    }
    for (const source of sources) {
      if (this.closed) break;
      if (source.kind === 'stdin') await this.readStdin();
      else if (source.kind === 'file') await this.readFile(source.path, source.shown, !follow);
      else {
        const files = await this.readDir(source, follow);
        if (files === 0 && !follow) this.io.stderr(`scenarist logs: no log files (*.log) in ${source.shown} yet.\n`);
      }
    }
    this.out.releaseTail();
    const watched = sources.filter((s) => s.kind !== 'stdin');
    if (follow && watched.length > 0) await this.follow(watched);
    if (!this.closed) this.out.flush();
    if (this.skipped > 0) this.io.stderr(`scenarist logs: left out ${this.skipped} line${this.skipped === 1 ? '' : 's'} that ${this.skipped === 1 ? 'is' : 'are'} not JSON.\n`);
    return this.failed ? 1 : 0;
  }

  private readonly emit = (lines: readonly string[]): void => {
    for (const line of lines) this.handle(line);
  };

  private handle(line: string): void {
    if (this.closed || line.trim() === '') return;
    const record = parseRecord(line);
    if (record === undefined) {
      // Shown as it is when no field filter could reject it; --raw, which promises JSON lines, counts it instead.
      if (this.anyField || (this.filter.contains !== undefined && !line.toLowerCase().includes(this.filter.contains))) return;
      if (this.raw) this.skipped++;
      else this.out.line(line);
      return;
    }
    if (!matches(record, this.filter)) return;
    this.out.line(this.raw ? line : renderRecord(record, this.io.color));
  }

  private async readStdin(): Promise<void> {
    const splitter = new LineSplitter();
    for await (const chunk of this.io.stdin) {
      if (this.closed) return;
      this.emit(splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))));
      this.out.flush();
    }
    this.emit(splitter.end());
  }

  /** Reads what was added to a file; `finish` also takes a last line without a line end. False when it is gone. */
  private async readFile(path: string, shown: string, finish: boolean, following = false): Promise<boolean> {
    let tail = this.tails.get(path);
    if (!tail) this.tails.set(path, (tail = new FileTail(path)));
    try {
      await tail.read(this.emit, () => this.closed);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.tails.delete(path);
      // While following, a file removed by rotation (BOT_LOG_MAX_FILES) is no news.
      if (following && code === 'ENOENT') return false;
      this.io.stderr(`scenarist logs: cannot read ${shown}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}.\n`);
      this.failed = true;
      return false;
    }
    if (finish) this.emit(tail.finish());
    return true;
  }

  /** Reads a directory's log files, oldest first; the newest keeps an unfinished last line when following. */
  private async readDir(source: { path: string; shown: string }, follow: boolean, following = false): Promise<number> {
    let files;
    try {
      files = await logFilesIn(source.path);
    } catch (err) {
      if (following) return 0;
      this.io.stderr(`scenarist logs: cannot read ${source.shown}: ${(err as Error).message}.\n`);
      this.failed = true;
      return 0;
    }
    for (const [i, file] of files.entries()) {
      if (this.closed) break;
      await this.readFile(file.path, file.name, !follow || i < files.length - 1, following);
    }
    if (following) {
      const present = new Set(files.map((f) => f.path));
      for (const path of this.tails.keys()) if (dirname(path) === source.path && !present.has(path)) this.tails.delete(path);
    }
    return files.length;
  }

  /** Polls the files and directories until SIGINT or SIGTERM (or standard output closes). */
  private async follow(sources: readonly Source[]): Promise<void> {
    const stop = (): void => this.stop();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    try {
      while (!this.stopped) {
        await new Promise<void>((r) => {
          const timer = setTimeout(r, POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            r();
          };
        });
        this.wake = undefined;
        if (this.stopped) break;
        for (const source of sources) {
          if (source.kind === 'file') await this.readFile(source.path, source.shown, false, true);
          else if (source.kind === 'dir') await this.readDir(source, true, true);
        }
        this.out.flush();
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    // Interrupted: a last line without its line end is still worth showing.
    for (const tail of this.tails.values()) this.emit(tail.finish());
  }
}
