import type { Context } from 'koa';

/** One Server-Sent Events response, written straight to the socket (Koa does not respond for it). */
export class SseStream {
  private closedFlag = false;
  private readonly onCloseFns: (() => void)[] = [];
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly ctx: Context,
    heartbeatMs: number,
  ) {
    ctx.respond = false;
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Proxies such as nginx buffer responses unless told not to.
      'X-Accel-Buffering': 'no',
    });
    ctx.res.write('retry: 2000\n\n');
    // A comment now and then keeps proxies and load balancers from closing an idle stream.
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
    ctx.res.on('close', () => this.finish());
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Sends one event; `data` is JSON, so it never contains a bare newline. */
  send(event: string, data: unknown, id?: number | string): void {
    this.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  onClose(fn: () => void): void {
    if (this.closedFlag) fn();
    else this.onCloseFns.push(fn);
  }

  close(): void {
    if (!this.closedFlag) this.ctx.res.end();
    this.finish();
  }

  private write(chunk: string): void {
    if (!this.closedFlag) this.ctx.res.write(chunk);
  }

  private finish(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    clearInterval(this.heartbeat);
    for (const fn of this.onCloseFns.splice(0)) fn();
  }
}

/** The open streams of a server, so shutdown can end them (a server waits for open responses to finish). */
export class SseStreams {
  private readonly open = new Set<SseStream>();
  private shuttingDown = false;

  constructor(
    private readonly heartbeatMs = 15_000,
    /** Each stream re-reads the store now and then: past this many, new ones are refused with 503. */
    private readonly max = 5_000,
  ) {}

  start(ctx: Context): SseStream {
    // A browser reconnects at once, possibly on a kept-alive socket the closing server still serves.
    if (this.shuttingDown) {
      ctx.set('Connection', 'close');
      return ctx.throw(503, 'the server is shutting down');
    }
    if (this.open.size >= this.max) {
      ctx.set('Retry-After', '10');
      return ctx.throw(503, 'too many open event streams on this server, retry later');
    }
    const stream = new SseStream(ctx, this.heartbeatMs);
    this.open.add(stream);
    stream.onClose(() => this.open.delete(stream));
    return stream;
  }

  get size(): number {
    return this.open.size;
  }

  /** Ends every stream and refuses new ones: a server waits for open responses before it closes. */
  closeAll(): void {
    this.shuttingDown = true;
    for (const s of [...this.open]) s.close();
  }
}

/** The revision a reconnecting EventSource last saw (Last-Event-ID), else the `after` query parameter, else 0. */
export function resumeFrom(ctx: Context): number {
  const raw = ctx.get('last-event-id') || (typeof ctx.query['after'] === 'string' ? ctx.query['after'] : '');
  const n = Number(raw);
  return raw !== '' && Number.isSafeInteger(n) && n >= 0 ? n : 0;
}
