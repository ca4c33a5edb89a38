import { open } from 'node:fs/promises';

const NEWLINE = 0x0a;
const CHUNK = 1 << 20;

/** Splits bytes into lines; a multi-byte character or a line cut between chunks waits for the next chunk. */
export class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);

  /** The complete lines of `chunk` (with what was left before it), without their line ends. */
  push(chunk: Buffer): string[] {
    const data = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    const end = data.lastIndexOf(NEWLINE);
    if (end < 0) {
      this.rest = data;
      return [];
    }
    this.rest = data.subarray(end + 1);
    return data
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** The last line when it has no line end (the input ended), and forgets it. */
  end(): string[] {
    const rest = this.rest;
    this.rest = Buffer.alloc(0);
    if (rest.length === 0) return [];
    const line = rest.toString('utf8');
    return [line.endsWith('\r') ? line.slice(0, -1) : line];
  }

  get pending(): boolean {
    return this.rest.length > 0;
  }
}

/** Reads one file incrementally: each call returns the lines appended since the last one. */
export class FileTail {
  private position = 0;
  private readonly splitter = new LineSplitter();

  constructor(readonly path: string) {}

  /** The complete lines added since the last read; starts over when the file shrank (truncated). `stop` ends early. */
  async read(onLines: (lines: string[]) => void, stop?: () => boolean): Promise<void> {
    const handle = await open(this.path, 'r');
    try {
      const { size } = await handle.stat();
      if (size < this.position) {
        this.position = 0;
        this.splitter.end();
      }
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size - this.position, 1)));
      while (this.position < size && !stop?.()) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - this.position), this.position);
        if (bytesRead === 0) break;
        this.position += bytesRead;
        const lines = this.splitter.push(Buffer.from(buffer.subarray(0, bytesRead)));
        if (lines.length > 0) onLines(lines);
      }
    } finally {
      await handle.close();
    }
  }

  /** A last line without a line end: the file ended (or was rotated) there. */
  finish(): string[] {
    return this.splitter.end();
  }

  get pending(): boolean {
    return this.splitter.pending;
  }
}
