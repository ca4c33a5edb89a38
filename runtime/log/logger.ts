import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pino, type DestinationStream, type Logger } from 'pino';
import { currentLogContext } from './context.js';
import { LEVEL_NAME } from './event-types.js';
import { redactError, redactLine, redactRecord, redactText, type RedactOptions } from './redact.js';
import { textLine } from './text-format.js';

export type { Logger } from 'pino';

export interface FileLogging {
  /** Directory of the log files (created if missing). */
  readonly dir: string;
  /** Size at which a file is rotated: pino-roll's notation, e.g. "10m". */
  readonly maxSize: string;
  /** Rotated files kept besides the active one. */
  readonly maxFiles: number;
}

export interface LoggerOptions {
  /** pino level (debug, info, warn, error, silent). Default info. */
  readonly level?: string;
  /** `json` lines (default) or readable `text`. */
  readonly format?: 'json' | 'text';
  /** Colours in the text format. */
  readonly color?: boolean;
  /** Also write JSON lines to rotating files. */
  readonly file?: FileLogging;
  /** Mask e-mails and phone numbers (default true). Tokens and secrets are always masked. */
  readonly pii?: boolean;
  /** Where console lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

/** The stem of the log files: `scenarist.2026-11-24.1.log`, rolled daily and by size. */
export const LOG_FILE_STEM = 'scenarist';

/**
 * The logger of the whole process: JSON lines (or text) through pino, with the current dialog's context on every
 * line (see context.ts) and secrets and personal data redacted before any sink sees them.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redact: RedactOptions = { pii: options.pii ?? true };
  const console = options.format === 'text' ? textStream(options.destination, options.color ?? false) : options.destination;
  // stdout and the files are written in batches; a destination given by the caller gets each line as it is logged.
  const batch = console === undefined || options.file ? new Batch() : undefined;
  if (console === undefined) batch!.add(pino.destination({ dest: 1, sync: true }) as unknown as Output);
  if (options.file) batch!.add(rollingFile(options.file));
  const sinks = [console, batch].filter((d): d is DestinationStream => d !== undefined);
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      timestamp: isoTime,
      formatters: {
        level: (label) => ({ level: LEVEL_NAME[label] ?? label.toUpperCase() }),
        // The flow's context joins the record here, in the one copy redaction makes anyway. (Not through pino's
        // mixin: its default merge, Object.assign(context, record), would write every line's fields into the
        // context object, and later lines of the flow would carry them.)
        log: (record) => redactLine(record, currentLogContext(), redact),
      },
      hooks: {
        logMethod(args, method) {
          // The message (and any format arguments): the record's fields are redacted by formatters.log.
          let strings = 0;
          for (let i = 0; i < args.length; i++) {
            if (typeof args[i] === 'string') {
              args[i] = redactText(args[i] as string, redact);
              strings++;
            }
          }
          // Without a message pino takes the error's own (`log.error(err)`, `log.error({ err })`) after this hook,
          // unredacted: give it the redacted one.
          if (strings === 0 && args.length === 1) {
            const first = args[0] as unknown;
            const err = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
            if (err instanceof Error) args = [first, redactText(String(err.message), redact)] as typeof args;
          }
          return method.apply(this, args as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (err: unknown) => (err instanceof Error ? redactError(err, redact) : redactRecord(err, redact)),
      },
    },
    sinks.length === 1 ? sinks[0] : { write: (line: string) => sinks.forEach((d) => d.write(line)) },
  );
}

/** Where a batch goes: a synchronous SonicBoom (stdout, or pino-roll's current file). */
interface Output {
  write(data: string): unknown;
  on?(event: 'error', listener: (err: Error) => void): unknown;
}

/** A batch is written once it holds this much text, or FLUSH_MS after its first line, and when the process exits. */
const BATCH_CHARS = 16 * 1024;
const FLUSH_MS = 50;
const batches = new Set<Batch>();

/**
 * Lines collected in memory and written together, synchronously, to every output: a write (or a thread-pool job)
 * per line cost more than building the line, and SonicBoom's own buffering measures its growing buffer on every
 * line. Nothing is in flight between batches, so the exit hook only has to write the last one.
 */
class Batch implements DestinationStream {
  private readonly outputs: Output[] = [];
  private lines: string[] = [];
  private chars = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    if (batches.size === 0) process.on('exit', () => batches.forEach((b) => b.flush()));
    batches.add(this);
  }

  add(output: Output): void {
    output.on?.('error', (err) => process.stderr.write(`scenarist: writing logs failed: ${err.message}\n`));
    this.outputs.push(output);
  }

  write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= BATCH_CHARS) this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** pino's logger.flush() ends here too. */
  flush(cb?: (err?: Error) => void): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lines.length > 0) {
      const data = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
      this.lines = [];
      this.chars = 0;
      for (const o of this.outputs) {
        try {
          o.write(data);
        } catch (err) {
          process.stderr.write(`scenarist: writing logs failed: ${(err as Error).message}\n`);
        }
      }
    }
    cb?.();
  }
}

type PinoRoll = (options: Record<string, unknown>) => Promise<Output>;

const require = createRequire(import.meta.url);

/**
 * Rotating files through pino-roll, in this thread: as a pino transport it runs in a worker thread woken for every
 * batch of lines, which on a server pinned to one core cost about a tenth of the throughput at INFO. Lines logged
 * before the file is open wait in memory.
 */
function rollingFile(file: FileLogging): Output {
  let dest: Output | undefined;
  let waiting: string[] | undefined = [];
  const roll = require('pino-roll') as PinoRoll;
  roll({
    file: join(file.dir, LOG_FILE_STEM),
    extension: '.log',
    frequency: 'daily',
    dateFormat: 'yyyy-MM-dd',
    size: file.maxSize,
    limit: { count: file.maxFiles },
    mkdir: true,
    // Batches arrive already joined: write each at once (no write is left in flight when the process exits).
    sync: true,
  }).then(
    (d) => {
      d.on?.('error', (err) => process.stderr.write(`scenarist: writing the log files failed: ${err.message}\n`));
      if (waiting && waiting.length > 0) d.write(waiting.join(''));
      waiting = undefined;
      dest = d;
    },
    (err: Error) => {
      waiting = undefined;
      process.stderr.write(`scenarist: the log files in ${file.dir} cannot be opened (${err.message}): logging to the console only\n`);
    },
  );
  return {
    write(data: string): void {
      if (dest) dest.write(data);
      else waiting?.push(data);
    },
  };
}

/** pino's isoTime, computed once per millisecond: a busy server writes several lines per millisecond. */
let lastMs = -1;
let lastTime = '';
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/** Console lines in the text format: the same rendering as `scenarist logs`. */
function textStream(destination: DestinationStream | undefined, color: boolean): DestinationStream {
  const out = destination ?? pino.destination(1);
  return {
    write(line: string): void {
      try {
        out.write(`${textLine(JSON.parse(line) as Record<string, unknown>, color)}\n`);
      } catch {
        out.write(line);
      }
    },
  };
}

/** A logger that drops everything (tests, benchmarks of the engine alone). */
export const silentLogger = (): Logger => pino({ level: 'silent' });

/** Tokens out of a string (kept for callers that build messages by hand). */
export const redactTokens = (text: string): string => redactText(text, { pii: false });
